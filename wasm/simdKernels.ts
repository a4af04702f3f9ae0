/**
 * The engine's WebAssembly SIMD kernels, written in AssemblyScript and compiled at build time by
 * scripts/buildWasm.mjs into src/kernels/wasm/simdModule.generated.ts (the bytes, and the
 * `SimdKernels` signatures of the exports below) and, with relaxed SIMD on, into
 * simdRelaxedModule.generated.ts (the same kernels with fused multiply-adds: madd.ts). Each
 * export is the f32 twin of a TypeScript kernel in src/kernels/, with the same maths and the same
 * overwrite-or-accumulate contract:
 *
 *   gemm.ts   matrix products (matmul.ts), built from the register tile of gemmTiles.ts
 *   conv.ts   direct convolution without padding, im2col and col2im (conv2d.ts), and the
 *             column sums of bias gradients (columnSums.ts)
 *   winograd.ts  the tile transforms of Winograd convolution (winograd.ts), whose products
 *             run on gemm.ts
 *   pool.ts   max pooling forward and backward (maxPool2d.ts)
 *   batchNorm.ts  batch normalisation's sums and per-value passes (batchNorm.ts)
 *   sgd.ts    the plain SGD update (sgd.ts)
 *   adam.ts   the Adam / AdamW update, in f64x2 (adam.ts)
 *   activations.ts  ReLU forward and backward (activations.ts)
 *   bulk.ts   zeroing and copying arena ranges (bulk.ts)
 *   peak.ts   not a kernel: a register-only loop that measures this core's SIMD ceiling (bench)
 *
 * Arguments are byte addresses into the imported memory (the arena of src/tensor/arena.ts, which
 * owns every buffer) and sizes; the convolution and pooling kernels read their sizes from a
 * geometry record there (geometry.ts). No allocation, no runtime, no static data.
 */

// @ts-nocheck: AssemblyScript types (f32, usize, v128) are not TypeScript's.

export { gemmNN, gemmTN } from './gemm';
export { convForwardValid, convBackwardFilterValid } from './conv';
export { gemmNT, gemmTNPacked } from './gemm';
export { im2col, col2imAccumulate, addColumnSums } from './conv';
export { winogradInput, winogradOutput, winogradOutputAdjoint, winogradInputAdjoint } from './winograd';
export { winogradFilters, winogradFilterGradient } from './winograd';
export { maxPoolForward, maxPoolBackwardFirst, maxPoolBackwardAllTies } from './pool';
export {
  batchNormChannelSums,
  batchNormSquaredDeviationSums,
  batchNormNormalize,
  batchNormInference,
  batchNormBackwardSums,
  batchNormBackwardInput,
} from './batchNorm';
export { sgdUpdate } from './sgd';
export { adamUpdate } from './adam';
export { reluForward, reluBackward } from './activations';
export { zeroBytes, copyBytes } from './bulk';
export { simdPeakLoop } from './peak';
