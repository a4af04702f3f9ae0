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
import { tfCaseRunner, tfInputs, tutorialModel } from '../tfjsTutorial.js';
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

async function runTf(run: EngineRun): Promise<EngineResult> {
  const loaded = await loadTf(run);
  if ('skipped' in loaded) return { engine: run.engine, skipped: loaded.skipped, results: [] };
  const { tf } = loaded;
  const data = await fetchTrainingSet(run.images);
  const inputs = tfInputs(data);
  const results = measureCases(run, data, (c) =>
    c.task === 'train' && tf.getBackend() === 'wasm'
      ? 'the stock wasm backend has no conv filter-gradient kernel (Conv2DBackpropFilter)'
      : tfCaseRunner(tf, tutorialModel(tf), c, inputs),
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
