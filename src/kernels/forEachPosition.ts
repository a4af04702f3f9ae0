/** Calls visit(n, y, x, c) for every element of an NHWC tensor [batch, H, W, C], in memory order. */
export function forEachPosition(
  batch: number,
  H: number,
  W: number,
  C: number,
  visit: (n: number, y: number, x: number, c: number) => void,
): void {
  for (let n = 0; n < batch; n++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) for (let c = 0; c < C; c++) visit(n, y, x, c);
}
