/** Running ONNX bytes in ONNX Runtime (onnxruntime-node, a test-only peer) on raw pixel values. */
import type * as Ort from 'onnxruntime-node';
import { requirePeer } from '../peers/load.js';

const ort = requirePeer<typeof Ort>('onnxruntime-node');

/** The graph's outputs for `pixels` [N, H, W, C] (stored pixel values as float32). */
export async function runOnnx(
  bytes: Uint8Array,
  pixels: Float32Array,
  shape: number[],
): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const results = await session.run({ pixels: new ort.Tensor('float32', pixels, shape) });
    const out: Record<string, Float32Array> = {};
    for (const [name, t] of Object.entries(results)) out[name] = t.data as Float32Array;
    return out;
  } finally {
    await session.release();
  }
}
