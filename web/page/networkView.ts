/**
 * The network's filters and feature maps for one image, drawn as `cnn visualize` draws them: the
 * first conv layer's filters on one shared symmetric scale (0 mid-gray), every conv and pooling
 * layer's output channels as tiles, each min-max scaled on its own.
 */
import { layerActivations } from '../../src/image/activations.js';
import { featureMapTiles, filterTiles, firstConv } from '../../src/image/networkTiles.js';
import { tileGrid } from '../../src/image/tileGrid.js';
import type { Sequential } from '../../src/index.js';
import { grayCanvas } from './grayCanvas.js';

/** About 56 px per tile (a 26x26 map at 2x, 13x13 at 4x). */
function zoomFor(size: number): number {
  return Math.max(1, Math.round(56 / size));
}

function figure(canvas: HTMLCanvasElement, caption: string): HTMLElement {
  const f = document.createElement('figure');
  const c = document.createElement('figcaption');
  c.textContent = caption;
  f.append(c, canvas);
  return f;
}

function filtersFigure(model: Sequential): HTMLElement | null {
  const conv = firstConv(model);
  if (!conv) return null;
  const k = conv.config.kernelSize;
  const outC = conv.config.filters;
  const layer = model.layers.indexOf(conv) + 1;
  const grid = tileGrid(filterTiles(conv), k, k, {
    columns: Math.min(outC, 8),
    zoom: Math.max(4, Math.round(40 / k)),
    gap: 3,
  });
  return figure(
    grayCanvas(grid, `The ${outC} filters of layer ${layer}, ${k}x${k}`),
    `Layer ${layer} filters (${outC} of ${k}x${k})`,
  );
}

export function renderNetwork(
  container: HTMLElement,
  model: Sequential,
  pixels: Uint8Array | null,
): void {
  const figures: HTMLElement[] = [];
  const filters = filtersFigure(model);
  if (filters) figures.push(filters);
  if (pixels) {
    for (const act of layerActivations(model, pixels)) {
      if (act.shape.length !== 3) continue;
      if (act.kind !== 'conv2d' && act.kind !== 'maxPool2d' && act.kind !== 'avgPool2d') continue;
      const [h, w, c] = act.shape;
      const grid = tileGrid(featureMapTiles(act), h, w, {
        columns: Math.min(c, 8),
        zoom: zoomFor(Math.max(h, w)),
        gap: 2,
      });
      figures.push(
        figure(
          grayCanvas(grid, `Layer ${act.index + 1} (${act.kind}) output: ${c} maps of ${h}x${w}`),
          `Layer ${act.index + 1} ${act.kind}: ${h}x${w}x${c}`,
        ),
      );
    }
  }
  container.replaceChildren(...figures);
}
