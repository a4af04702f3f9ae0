/**
 * Laying out many small maps (filters, feature-map channels) as one picture: a grid of tiles, each
 * enlarged by a whole factor with nearest-neighbour so every weight or activation stays a crisp
 * square, separated by a gap.
 */
import type { Gray8 } from './raster.js';

export interface TileGridOptions {
  /** Tiles per row (default: about square). */
  columns?: number;
  /** Each source pixel becomes zoom x zoom output pixels. */
  zoom?: number;
  /** Pixels between tiles and around the edge. */
  gap?: number;
  /** Gray level of the gaps. */
  background?: number;
}

/** Tiles are `tileHeight` x `tileWidth` bytes each, row-major. */
export function tileGrid(
  tiles: readonly Uint8Array[],
  tileHeight: number,
  tileWidth: number,
  options: TileGridOptions = {},
): Gray8 {
  const count = tiles.length;
  const columns = Math.max(1, Math.min(count, options.columns ?? Math.ceil(Math.sqrt(count))));
  const rows = Math.max(1, Math.ceil(count / columns));
  const zoom = options.zoom ?? 1;
  const gap = options.gap ?? 2;
  const cellW = tileWidth * zoom;
  const cellH = tileHeight * zoom;
  const width = gap + columns * (cellW + gap);
  const height = gap + rows * (cellH + gap);
  const data = new Uint8Array(width * height).fill(options.background ?? 255);
  tiles.forEach((tile, t) => {
    if (tile.length !== tileHeight * tileWidth) {
      throw new Error(`tile ${t} has ${tile.length} pixels, expected ${tileHeight}x${tileWidth}`);
    }
    const left = gap + (t % columns) * (cellW + gap);
    const top = gap + Math.floor(t / columns) * (cellH + gap);
    for (let y = 0; y < cellH; y++) {
      const src = Math.floor(y / zoom) * tileWidth;
      const dst = (top + y) * width + left;
      for (let x = 0; x < cellW; x++) data[dst + x] = tile[src + Math.floor(x / zoom)];
    }
  });
  return { width, height, data };
}

/** Channel c of an [h, w, channels] HWC map as its own [h, w] array. */
export function channelOf(
  map: ArrayLike<number>,
  h: number,
  w: number,
  channels: number,
  c: number,
): Float32Array {
  const out = new Float32Array(h * w);
  for (let i = 0; i < h * w; i++) out[i] = map[i * channels + c];
  return out;
}
