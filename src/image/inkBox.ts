/**
 * The bounding box of a digit's ink, ignoring specks: pixels above a threshold are grouped into
 * 8-connected blobs, and only blobs with at least `minShare` of the largest blob's pixel count
 * count towards the box. A digit is one or two large strokes (a 5's bar may be apart); dust, paper
 * grain or a stray dot elsewhere in a photo would otherwise stretch the box and shrink the digit.
 */

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function inkBoundingBox(
  ink: Float32Array,
  width: number,
  height: number,
  threshold: number,
  minShare = 0.1,
): Box | null {
  const labels = new Int32Array(width * height); // 0 = background or unvisited
  const stack = new Int32Array(width * height);
  const blobs: { size: number; x0: number; y0: number; x1: number; y1: number }[] = [];
  for (let start = 0; start < ink.length; start++) {
    if (labels[start] !== 0 || !(ink[start] > threshold)) continue;
    const label = blobs.length + 1;
    const blob = { size: 0, x0: width, y0: height, x1: -1, y1: -1 };
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top > 0) {
      const p = stack[--top];
      const x = p % width;
      const y = (p - x) / width;
      blob.size++;
      if (x < blob.x0) blob.x0 = x;
      if (x > blob.x1) blob.x1 = x;
      if (y < blob.y0) blob.y0 = y;
      if (y > blob.y1) blob.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (labels[q] === 0 && ink[q] > threshold) {
            labels[q] = label;
            stack[top++] = q;
          }
        }
      }
    }
    blobs.push(blob);
  }
  if (blobs.length === 0) return null;
  const largest = Math.max(...blobs.map((b) => b.size));
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (const b of blobs) {
    if (b.size < minShare * largest) continue;
    x0 = Math.min(x0, b.x0);
    y0 = Math.min(y0, b.y0);
    x1 = Math.max(x1, b.x1);
    y1 = Math.max(y1, b.y1);
  }
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}
