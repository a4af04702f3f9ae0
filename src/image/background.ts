/**
 * The paper's brightness under uneven light, so that a shadow or a lamp's falloff across a photo
 * is not taken for ink. The picture (ink bright, paper dark) is cut into about `cellsAcross` cells
 * along its longer side; each cell's paper level is its 20th-percentile value (ink is thin, so
 * most of a cell is paper); a 3x3 median over the cells mends a cell that ink fills; the levels
 * are then interpolated bilinearly between cell centres.
 */

/** The p-th percentile (0..1) of values in [0, 256) from a 256-bin histogram. */
function histogramPercentile(counts: Uint32Array, total: number, p: number): number {
  const wanted = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (let b = 0; b < counts.length; b++) {
    seen += counts[b];
    if (seen >= wanted) return b;
  }
  return counts.length - 1;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Paper level per pixel for `ink` (width x height, values 0..255 with ink high). */
export function estimateBackground(
  ink: Float32Array,
  width: number,
  height: number,
  cellsAcross = 8,
): Float32Array {
  // At least 16 px, so a cell of a small picture is never mostly stroke.
  const cell = Math.max(16, Math.ceil(Math.max(width, height) / cellsAcross));
  const cols = Math.ceil(width / cell);
  const rows = Math.ceil(height / cell);
  const level = new Float32Array(cols * rows);
  const counts = new Uint32Array(256);
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols; cx++) {
      counts.fill(0);
      const x1 = Math.min(width, (cx + 1) * cell);
      const y1 = Math.min(height, (cy + 1) * cell);
      for (let y = cy * cell; y < y1; y++) {
        for (let x = cx * cell; x < x1; x++) {
          const v = ink[y * width + x];
          counts[v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v)]++;
        }
      }
      const total = (x1 - cx * cell) * (y1 - cy * cell);
      level[cy * cols + cx] = histogramPercentile(counts, total, 0.2);
    }
  }
  const mended = new Float32Array(level.length);
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols; cx++) {
      const around: number[] = [];
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const ny = cy + dy;
          const nx = cx + dx;
          if (ny >= 0 && ny < rows && nx >= 0 && nx < cols) around.push(level[ny * cols + nx]);
        }
      }
      mended[cy * cols + cx] = median(around);
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    // Position between cell centres, clamped at the edges.
    const fy = Math.min(rows - 1, Math.max(0, (y + 0.5) / cell - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(rows - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(cols - 1, Math.max(0, (x + 0.5) / cell - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(cols - 1, x0 + 1);
      const tx = fx - x0;
      const top = mended[y0 * cols + x0] * (1 - tx) + mended[y0 * cols + x1] * tx;
      const bottom = mended[y1 * cols + x0] * (1 - tx) + mended[y1 * cols + x1] * tx;
      out[y * width + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}
