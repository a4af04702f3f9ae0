import { allocateInt32 } from '../tensor/arena.js';

/**
 * Output size and padding of a 2-D convolution or pooling window (tutorial 3.1.3.2).
 * `valid` adds no padding; `same` pads so that out = ceil(in / stride), splitting the padding as
 * TensorFlow does (the extra pixel, if any, goes to the bottom/right); a number pads every side.
 */
export type Padding = 'valid' | 'same' | number;

/** Every size a convolution or pooling kernel needs: batch, input and output height/width/channels, kernel, stride, padding. */
export interface ConvGeometry {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly stride: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/** Output size and leading padding along one axis for the given padding rule. */
export function paddedOutput(
  inSize: number,
  kernel: number,
  stride: number,
  padding: Padding,
): { out: number; padBefore: number } {
  if (padding === 'valid') {
    return { out: Math.floor((inSize - kernel) / stride) + 1, padBefore: 0 };
  }
  if (padding === 'same') {
    const out = Math.ceil(inSize / stride);
    const total = Math.max((out - 1) * stride + kernel - inSize, 0);
    return { out, padBefore: Math.floor(total / 2) };
  }
  return { out: Math.floor((inSize + 2 * padding - kernel) / stride) + 1, padBefore: padding };
}

/** The geometry of a convolution or pooling over a batch of HWC images. */
export function convGeometry(
  batch: number,
  inShape: readonly number[],
  outC: number,
  kernelH: number,
  kernelW: number,
  stride: number,
  padding: Padding,
): ConvGeometry {
  const [inH, inW, inC] = inShape;
  const h = paddedOutput(inH, kernelH, stride, padding);
  const w = paddedOutput(inW, kernelW, stride, padding);
  if (h.out < 1 || w.out < 1) {
    throw new Error(
      `a ${kernelH}x${kernelW} window with stride ${stride} and ${padding} padding does not fit a ${inH}x${inW} input`,
    );
  }
  return {
    batch,
    inH,
    inW,
    inC,
    outH: h.out,
    outW: w.out,
    outC,
    kernelH,
    kernelW,
    stride,
    padTop: h.padBefore,
    padLeft: w.padBefore,
  };
}

/**
 * Calls `visit(corner, o)` for every window of an unpadded (pooling) geometry in output order:
 * `corner` is the input index of the window's top-left pixel, `o` the output index, both at
 * channel 0 (NHWC, so channel c is at corner + c and o + c).
 */
export function forEachWindow(g: ConvGeometry, visit: (corner: number, o: number) => void): void {
  const { batch, inH, inW, inC, outH, outW, stride } = g;
  let o = 0;
  for (let n = 0; n < batch; n++) {
    const imageOff = n * inH * inW * inC;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, o += inC) {
        visit(imageOff + (oy * stride * inW + ox * stride) * inC, o);
      }
    }
  }
}

/**
 * Where the WebAssembly kernels read a geometry: one record in the arena (wasm/geometry.ts),
 * rewritten before each call, in place of a dozen arguments. Kernels run one at a time per
 * thread, so one record serves them all.
 */
const record = allocateInt32(12);
const recordAddress = record.byteOffset;

/** Writes g into the record the WebAssembly kernels read and returns its address. */
export function geometryAddress(g: ConvGeometry): number {
  const { batch, inH, inW, inC, outH, outW, outC, kernelH, kernelW, stride, padTop, padLeft } = g;
  record.set([batch, inH, inW, inC, outH, outW, outC, kernelH, kernelW, stride, padTop, padLeft]);
  return recordAddress;
}
