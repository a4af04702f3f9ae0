/**
 * A `same`-padded convolution of a whole image, computed in horizontal strips so memory stays
 * bounded: im2col of a 12-megapixel photo with a 3x3 kernel would need 430 MB, a strip of 64 rows
 * of a 4000-pixel-wide photo needs 9 MB. Each strip reads the rows it needs plus a halo of
 * (kernel - 1) / 2 rows above and below; where the halo falls outside the image, the geometry's
 * zero padding stands in, exactly as the whole-image `same` geometry would.
 */
import { conv2dForward, im2colLength } from '../kernels/conv2d.js';
import { type ConvGeometry, convGeometry } from '../kernels/convGeometry.js';

/** Fills `out` with rows [y0, y1) of a one-channel image, row-major (width values per row). */
export type RowSource = (y0: number, y1: number, out: Float32Array) => void;

/**
 * The geometry of output rows [y0, y1) of `whole` (stride 1), reading input rows [inY0, inY1).
 * Exported for the test that compares strips with the whole-image convolution.
 */
export function stripGeometry(
  whole: ConvGeometry,
  y0: number,
  y1: number,
): { geometry: ConvGeometry; inY0: number; inY1: number } {
  if (whole.stride !== 1) throw new Error('strip convolution needs stride 1');
  const firstWanted = y0 - whole.padTop;
  const inY0 = Math.max(0, firstWanted);
  const inY1 = Math.min(whole.inH, y1 - 1 - whole.padTop + whole.kernelH);
  return {
    geometry: {
      ...whole,
      inH: inY1 - inY0,
      outH: y1 - y0,
      padTop: inY0 - firstWanted,
    },
    inY0,
    inY1,
  };
}

/** Receives output rows [y0, y1) as [y1 - y0, width, outC]; the buffer is reused afterwards. */
export type StripSink = (y0: number, y1: number, strip: Float32Array) => void;

/**
 * Convolves a width x height one-channel image with HWIO filters [k, k, 1, outC] (`same` padding,
 * stride 1), handing each strip of output rows to `sink`.
 */
export function convolveSameInStrips(
  source: RowSource,
  width: number,
  height: number,
  filters: Float32Array,
  kernelSize: number,
  outC: number,
  sink: StripSink,
  stripRows = 64,
): void {
  const whole = convGeometry(1, [height, width, 1], outC, kernelSize, kernelSize, 1, 'same');
  const rows = Math.min(stripRows, height);
  const largest = stripGeometry(whole, 0, rows).geometry;
  const input = new Float32Array((rows + kernelSize - 1) * width);
  const cols = new Float32Array(im2colLength(largest));
  const out = new Float32Array(rows * width * outC);
  for (let y0 = 0; y0 < height; y0 += rows) {
    const y1 = Math.min(height, y0 + rows);
    const { geometry, inY0, inY1 } = stripGeometry(whole, y0, y1);
    source(inY0, inY1, input);
    const strip = out.subarray(0, (y1 - y0) * width * outC);
    conv2dForward(strip, input, filters, null, geometry, cols);
    sink(y0, y1, strip);
  }
}
