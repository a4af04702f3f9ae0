/**
 * Classic Web Worker that measures one peer engine on the tutorial net: ConvNetJS 0.3.0 or
 * TensorFlow.js 4.22 (cpu, wasm or webgl backend). The libraries are loaded with importScripts
 * from the bench server, which serves them from peers/node_modules; nothing comes from the
 * internet. Same timing loop (bench/measure.ts) and same images as cnn-ts.
 */
import type * as TF from '@tensorflow/tfjs';
import type * as WASM from '@tensorflow/tfjs-backend-wasm';
import type { Dataset } from '../../src/data/dataset.js';
import { measure } from '../measure.js';
import type { BenchCase, CaseResult } from '../protocol.js';
import { type ConvNetJs, convnetjsCaseRunner } from './convnetjsCases.js';
import type { EngineResult, EngineRun } from './protocol.js';
import { fetchTrainingSet, scope, serve } from './workerScope.js';

type Tf = typeof TF & { wasm?: typeof WASM };
type Globals = { tf?: Tf; convnetjs?: ConvNetJs; window?: unknown };
const globals = globalThis as unknown as Globals;

/** Measures every case, each with its own model; a case that throws reports its error. */
function measureCases(
  run: EngineRun,
  data: Dataset,
  runnerFor: (c: BenchCase) => ((start: number, count: number) => void) | string,
): CaseResult[] {
  return run.cases.map((c) => {
    try {
      const runner = runnerFor(c);
      if (typeof runner === 'string') return { id: c.id, error: runner };
      return { id: c.id, ...measure(runner, c.batch, run.measure, data.count) };
    } catch (error) {
      return { id: c.id, error: error instanceof Error ? error.message : String(error) };
    }
  });
}

async function runConvnetjs(run: EngineRun): Promise<EngineResult> {
  // ConvNetJS ends by assigning `window.convnetjs`, which a worker lacks.
  globals.window = globalThis;
  scope.importScripts('/peers/convnetjs/convnet.js');
  const lib = globals.convnetjs;
  if (!lib) throw new Error('convnet.js did not define convnetjs');
  const data = await fetchTrainingSet(run.images);
  const results = measureCases(run, data, (c) => convnetjsCaseRunner(lib, c, data));
  return { engine: run.engine, details: { convnetjs: '0.3.0' }, results };
}

/**
 * The WebGL renderer a worker gets (Chromium without a GPU may fall back to SwiftShader, a CPU
 * renderer), or why there is none.
 */
function webglRenderer(): { renderer: string } | { unavailable: string } {
  if (typeof OffscreenCanvas === 'undefined')
    return { unavailable: 'no OffscreenCanvas in this worker' };
  const canvas = new OffscreenCanvas(1, 1);
  const gl = (canvas.getContext('webgl2') ??
    canvas.getContext('webgl')) as WebGLRenderingContext | null;
  if (!gl) {
    return {
      unavailable:
        'this Chromium gives no WebGL context (launched with --disable-gpu, no software GL fallback)',
    };
  }
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return { renderer: String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) };
}

async function loadTf(
  run: EngineRun,
): Promise<{ tf: Tf; details: Record<string, string> } | { skipped: string }> {
  scope.importScripts('/peers/tfjs/tf.min.js');
  const tf = globals.tf;
  if (!tf) throw new Error('tf.min.js did not define tf');
  const backend = run.engine.slice('tfjs-'.length);
  if (backend === 'wasm') {
    scope.importScripts('/peers/tfjs-backend-wasm/tf-backend-wasm.min.js');
    tf.wasm?.setWasmPaths(`${scope.location.origin}/peers/tfjs-backend-wasm/`);
  }
  const details: Record<string, string> = {};
  if (backend === 'webgl') {
    const gl = webglRenderer();
    if ('unavailable' in gl) return { skipped: gl.unavailable };
    details.renderer = gl.renderer;
  }
  if (!(await tf.setBackend(backend)))
    return { skipped: `TF.js could not start its ${backend} backend` };
  await tf.ready();
  return { tf, details };
}

function tutorialModel(tf: Tf): TF.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, useBias: false }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10 }),
    ],
  });
}

/** Pixels (x / 255 - 0.5) and one-hot labels, as a user feeds TF.js. */
function tfInputs(data: Dataset): { pixels: Float32Array; oneHot: Float32Array } {
  const pixels = new Float32Array(data.count * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = data.images[i] / 255 - 0.5;
  const oneHot = new Float32Array(data.count * 10);
  for (let i = 0; i < data.count; i++) oneHot[i * 10 + data.labels[i]] = 1;
  return { pixels, oneHot };
}

/** As bench/tfjsChild.ts does in Node: one minimize per batch; predict + read-back to infer. */
function tfCaseRunner(tf: Tf, c: BenchCase, inputs: ReturnType<typeof tfInputs>) {
  const model = tutorialModel(tf);
  const optimizer = tf.train.sgd(c.learningRate);
  const xAt = (b: number) =>
    tf.tensor4d(inputs.pixels.subarray(b * 784, (b + c.batch) * 784), [c.batch, 28, 28, 1]);
  const yAt = (b: number) =>
    tf.tensor2d(inputs.oneHot.subarray(b * 10, (b + c.batch) * 10), [c.batch, 10]);
  if (c.task === 'train') {
    return (start: number, count: number) => {
      for (let b = start; b < start + count; b += c.batch) {
        tf.tidy(() => {
          const xb = xAt(b);
          const yb = yAt(b);
          optimizer.minimize(() => {
            const logits = model.apply(xb, { training: true }) as TF.Tensor;
            return tf.losses.softmaxCrossEntropy(yb, logits) as TF.Scalar;
          });
        });
      }
      // webgl queues work: reading a weight back waits for it (cpu and wasm are synchronous).
      (model.getWeights()[0] as TF.Tensor).dataSync();
    };
  }
  return (start: number, count: number) => {
    for (let b = start; b < start + count; b += c.batch) {
      tf.tidy(() => {
        const logits = model.predict(xAt(b)) as TF.Tensor;
        logits.argMax(1).dataSync();
      });
    }
  };
}

async function runTf(run: EngineRun): Promise<EngineResult> {
  const loaded = await loadTf(run);
  if ('skipped' in loaded) return { engine: run.engine, skipped: loaded.skipped, results: [] };
  const { tf } = loaded;
  const data = await fetchTrainingSet(run.images);
  const inputs = tfInputs(data);
  const results = measureCases(run, data, (c) =>
    c.task === 'train' && tf.getBackend() === 'wasm'
      ? 'the stock wasm backend has no conv filter-gradient kernel (Conv2DBackpropFilter)'
      : tfCaseRunner(tf, c, inputs),
  );
  const details: Record<string, string> = {
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    ...loaded.details,
  };
  if (tf.getBackend() === 'wasm' && tf.wasm)
    details.wasmThreads = String(tf.wasm.getThreadsCount());
  return { engine: run.engine, details, results };
}

serve((run) => (run.engine === 'convnetjs' ? runConvnetjs(run) : runTf(run)));
