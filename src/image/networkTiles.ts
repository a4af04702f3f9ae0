/**
 * A network's first filters and its feature maps as gray tiles for tileGrid, scaled as
 * `cnn visualize` and the playground show them.
 */

import type { Conv2D } from '../layers/conv2d.js';
import type { Sequential } from '../model/sequential.js';
import type { LayerActivation } from './activations.js';
import { maxAbs, minMaxToBytes, symmetricToBytes } from './displayScale.js';
import { channelOf } from './tileGrid.js';

/** The model's first conv layer, whose filters look at the image itself, if it has one. */
export function firstConv(model: Sequential): Conv2D | undefined {
  return model.layers.find((l) => l.kind === 'conv2d') as Conv2D | undefined;
}

/**
 * One k x k tile per filter, a row of `filters` tiles per input channel, all on one symmetric
 * scale: 0 is mid-gray, the layer's largest |weight| black (negative) or white (positive).
 */
export function filterTiles(conv: Conv2D): Uint8Array[] {
  const k = conv.config.kernelSize;
  const inC = conv.inputShape[2];
  const outC = conv.config.filters;
  const scale = maxAbs(conv.filters);
  const tiles: Uint8Array[] = [];
  // HWIO: filter (i, o) is the k x k slice at stride inC * outC.
  for (let i = 0; i < inC; i++) {
    for (let o = 0; o < outC; o++) {
      const f = new Float32Array(k * k);
      for (let p = 0; p < k * k; p++) f[p] = conv.filters[p * inC * outC + i * outC + o];
      tiles.push(symmetricToBytes(f, scale));
    }
  }
  return tiles;
}

/** One tile per channel of an [H, W, C] layer output, each min-max scaled on its own. */
export function featureMapTiles(act: LayerActivation): Uint8Array[] {
  const [h, w, c] = act.shape;
  return Array.from({ length: c }, (_, ch) => minMaxToBytes(channelOf(act.data, h, w, c, ch)));
}
