/**
 * The drawing pad: strokes from mouse, touch and pen (Pointer Events) rasterised into our own
 * grayscale buffer (white ink on black, like MNIST), never read back from the canvas, whose
 * read-back some browsers deliberately add noise to. The canvas only shows the buffer.
 */
import type { GrayImage } from '../../src/image/raster.js';

/** Stroke radius in pad pixels: a 20-pixel-wide pen on a 280-pixel pad, like a 2-pixel MNIST stroke. */
const RADIUS = 10;

export class DrawPad {
  readonly width: number;
  readonly height: number;
  private readonly ink: Float32Array;
  private readonly context: CanvasRenderingContext2D;
  private readonly pixels: ImageData;
  private last: { x: number; y: number } | null = null;
  private activePointer: number | null = null;
  private hasInk = false;

  /** `onInk(event)` runs after every stroke segment, with the event that drew it. */
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onInk: (event: PointerEvent) => void,
  ) {
    this.width = canvas.width;
    this.height = canvas.height;
    this.ink = new Float32Array(this.width * this.height);
    this.context = canvas.getContext('2d')!;
    this.pixels = this.context.createImageData(this.width, this.height);
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    for (const type of ['pointerup', 'pointercancel'] as const) {
      canvas.addEventListener(type, (e) => {
        if (e.pointerId === this.activePointer) {
          this.activePointer = null;
          this.last = null;
        }
      });
    }
    this.clear();
  }

  get empty(): boolean {
    return !this.hasInk;
  }

  /** The picture so far, as the image preprocessing takes it. */
  image(): GrayImage {
    return { width: this.width, height: this.height, data: this.ink };
  }

  clear(): void {
    this.ink.fill(0);
    this.hasInk = false;
    this.show(0, 0, this.width, this.height);
  }

  /** Shows a 28x28 (or any size) byte image scaled to fill the pad, e.g. a test image. */
  showImage(pixels: Uint8Array, size: number): void {
    for (let y = 0; y < this.height; y++) {
      const sy = Math.floor((y * size) / this.height);
      for (let x = 0; x < this.width; x++) {
        this.ink[y * this.width + x] = pixels[sy * size + Math.floor((x * size) / this.width)];
      }
    }
    this.hasInk = false;
    this.show(0, 0, this.width, this.height);
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) * this.width) / r.width,
      y: ((e.clientY - r.top) * this.height) / r.height,
    };
  }

  private down(e: PointerEvent): void {
    if (this.activePointer !== null) return;
    e.preventDefault();
    this.canvas.setPointerCapture?.(e.pointerId);
    if (!this.hasInk) this.ink.fill(0); // a shown test image gives way to drawing
    this.activePointer = e.pointerId;
    this.last = this.point(e);
    this.stroke(this.last, this.last);
    this.hasInk = true;
    this.onInk(e);
  }

  private move(e: PointerEvent): void {
    if (e.pointerId !== this.activePointer || !this.last) return;
    const events = e.getCoalescedEvents?.() ?? [];
    for (const c of events.length > 0 ? events : [e]) {
      const p = this.point(c);
      this.stroke(this.last, p);
      this.last = p;
    }
    this.onInk(e);
  }

  /** An anti-aliased round-capped segment: ink = coverage of a disc swept from a to b. */
  private stroke(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - RADIUS - 1));
    const x1 = Math.min(this.width - 1, Math.ceil(Math.max(a.x, b.x) + RADIUS + 1));
    const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y) - RADIUS - 1));
    const y1 = Math.min(this.height - 1, Math.ceil(Math.max(a.y, b.y) + RADIUS + 1));
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len2 = dx * dx + dy * dy;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5 - a.x;
        const py = y + 0.5 - a.y;
        const t = len2 > 0 ? Math.max(0, Math.min(1, (px * dx + py * dy) / len2)) : 0;
        const ex = px - t * dx;
        const ey = py - t * dy;
        const cover = Math.max(0, Math.min(1, RADIUS + 0.5 - Math.sqrt(ex * ex + ey * ey)));
        const i = y * this.width + x;
        if (cover * 255 > this.ink[i]) this.ink[i] = cover * 255;
      }
    }
    if (x1 >= x0 && y1 >= y0) this.show(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
  }

  private show(x: number, y: number, w: number, h: number): void {
    const d = this.pixels.data;
    for (let j = y; j < y + h; j++) {
      for (let i = x; i < x + w; i++) {
        const v = this.ink[j * this.width + i];
        const o = 4 * (j * this.width + i);
        d[o] = v;
        d[o + 1] = v;
        d[o + 2] = v;
        d[o + 3] = 255;
      }
    }
    this.context.putImageData(this.pixels, 0, 0, x, y, w, h);
  }
}
