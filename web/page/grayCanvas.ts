/** Painting byte images (0 black .. 255 white) onto canvases. */
import type { Gray8 } from '../../src/image/raster.js';

export function grayToCanvas(canvas: HTMLCanvasElement, img: Gray8): void {
  canvas.width = img.width;
  canvas.height = img.height;
  const context = canvas.getContext('2d')!;
  const out = context.createImageData(img.width, img.height);
  for (let i = 0; i < img.data.length; i++) {
    const v = img.data[i];
    out.data[4 * i] = v;
    out.data[4 * i + 1] = v;
    out.data[4 * i + 2] = v;
    out.data[4 * i + 3] = 255;
  }
  context.putImageData(out, 0, 0);
}

export function grayCanvas(img: Gray8, label: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  grayToCanvas(canvas, img);
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  return canvas;
}
