/**
 * Micro-benchmark: the 3x3 convolution kernels of the Keras-style CNN (26x26x32 -> 24x24x64,
 * batch 128) and of the `best` preset (14x14x16 -> 12x12x32, batch 64), direct (im2col-free
 * GEMM) against Winograd F(2x2, 3x3) and F(4x4, 3x3): milliseconds per batch, median of 7 calls
 * in this process's CPU time, and each variant's largest error relative to the largest exact
 * value (float64 direct reference) on He-scaled filters and ReLU-like inputs.
 * Run: node dist/bench/micro/winogradShapes.js [runs=7]
 */
import { cpus, loadavg } from 'node:os';
import {
  conv2dBackwardFilter,
  conv2dBackwardInput,
  conv2dForward,
  im2colLength,
} from '../../src/kernels/conv2d.js';
import {
  conv2dBackwardFilterReference,
  conv2dBackwardInputReference,
  conv2dForwardReference,
} from '../../src/kernels/conv2d.reference.js';
import { convGeometry } from '../../src/kernels/convGeometry.js';
import { allocateFloat32, simdBuild } from '../../src/kernels/wasm/simd.js';
import { forceWinogradTile } from '../../src/kernels/winograd.js';
import { Random } from '../../src/random/prng.js';
import { median } from '../stats.js';

const runs = Number(process.argv[2] ?? 7);
const rng = new Random(1);
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
function ms(fn: () => void): number {
  fn();
  const t: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = cpuMs();
    fn();
    t.push(cpuMs() - t0);
  }
  return median(t);
}
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1e-30;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}
const filled = (n: number, f: () => number) => {
  const a = allocateFloat32(n);
  for (let i = 0; i < n; i++) a[i] = f();
  return a;
};

const shapes: [string, number, [number, number, number], number][] = [
  ['keras 26x26x32 -> 24x24x64', 128, [26, 26, 32], 64],
  ['best 14x14x16 -> 12x12x32', 64, [14, 14, 16], 32],
];
for (const [name, batch, shape, outC] of shapes) {
  const g = convGeometry(batch, shape, outC, 3, 3, 1, 'valid');
  const inLen = batch * shape[0] * shape[1] * shape[2];
  const outLen = batch * g.outH * g.outW * outC;
  const x = filled(inLen, () => Math.max(0, rng.gaussian()));
  const f = filled(9 * shape[2] * outC, () => rng.gaussian() * Math.sqrt(2 / (9 * shape[2])));
  const dOut = filled(outLen, () => rng.gaussian() * 1e-3);
  // The exact values, on a slice of the batch (the float64 reference is slow).
  const few = { ...g, batch: 4 };
  const exact = {
    out: new Float64Array((outLen / batch) * 4),
    dIn: new Float64Array((inLen / batch) * 4),
    dF: new Float64Array(f.length),
  };
  conv2dForwardReference(exact.out, x, f, null, few);
  conv2dBackwardInputReference(exact.dIn, dOut, f, few);
  conv2dBackwardFilterReference(exact.dF, null, dOut, x, few);
  const out = allocateFloat32(outLen);
  const dIn = allocateFloat32(inLen);
  const dF = allocateFloat32(f.length);
  const cols = allocateFloat32(im2colLength(g));
  console.log(`${name}, batch ${batch}: ms per batch (max relative error)`);
  for (const tile of [0, 2, 4] as const) {
    forceWinogradTile(tile);
    const fwd = ms(() => conv2dForward(out, x, f, null, g, cols));
    const bin = ms(() => conv2dBackwardInput(dIn, dOut, f, g, cols));
    const bfil = ms(() => conv2dBackwardFilter(dF, null, dOut, x, g, cols));
    conv2dForward(out, x, f, null, few, cols);
    conv2dBackwardInput(dIn, dOut, f, few, cols);
    dF.fill(0);
    conv2dBackwardFilter(dF, null, dOut, x, few, cols);
    const e = (a: Float32Array, b: Float64Array) => relativeError(a, b).toExponential(1);
    console.log(
      `  ${(tile === 0 ? 'direct' : `F(${tile}x${tile})`).padEnd(8)}` +
        `  forward ${fwd.toFixed(2).padStart(6)} (${e(out, exact.out)})` +
        `  backward-input ${bin.toFixed(2).padStart(6)} (${e(dIn, exact.dIn)})` +
        `  backward-filter ${bfil.toFixed(2).padStart(6)} (${e(dF, exact.dF)})` +
        `  total ${(fwd + bin + bfil).toFixed(2).padStart(6)}`,
    );
  }
  forceWinogradTile(null);
}
console.log(
  `median of ${runs} calls, CPU time, 1 thread; ${simdBuild()} SIMD kernels; ` +
    `${cpus()[0]?.model ?? 'cpu?'}; load average ${loadavg()[0].toFixed(2)}`,
);
