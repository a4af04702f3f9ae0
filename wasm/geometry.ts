/**
 * A convolution or pooling geometry as the kernels read it from memory: the twelve sizes of
 * src/kernels/convGeometry.ts's ConvGeometry, as i32 in that order, written there by
 * `geometryAddress`. One record in place of a dozen arguments per kernel.
 */

// @ts-nocheck: AssemblyScript types (i32) are not TypeScript's.

@unmanaged
export class Geometry {
  batch: i32;
  inH: i32;
  inW: i32;
  inC: i32;
  outH: i32;
  outW: i32;
  outC: i32;
  kernelH: i32;
  kernelW: i32;
  stride: i32;
  padTop: i32;
  padLeft: i32;
}
