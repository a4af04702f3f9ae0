/**
 * The playground page: wires the controls, charts, drawing pad, pictures and files to the
 * training worker. Nothing long runs here: the worker trains; this thread only draws and runs
 * single-image predictions on its copy of the network.
 */
import { initSimdKernels } from '../../src/index.js';
import type {
  FromWorker,
  PresetName,
  Progress,
  RunState,
  TestSetMessage,
  ToWorker,
} from '../protocol.js';
import { LineChart } from './chart.js';
import { applyPreset, readSettings } from './controls.js';
import { DrawPad } from './drawPad.js';
import { dataFilesByName, download, type FileRole, isModelFile, watchFileInputs } from './files.js';
import { LiveModel } from './liveModel.js';
import { renderNetwork } from './networkView.js';
import { ProbabilityTable } from './probabilityTable.js';
import { renderConfusion, renderGallery } from './testResults.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the page exposes for its browser tests and the console. */
interface PlaygroundProbe {
  ready: boolean;
  state: RunState;
  simd: boolean | null;
  workers: number;
  testLoaded: boolean;
  trainLoaded: boolean;
  progress: Progress[];
  evaluations: { accuracy: number; loss: number; count: number; epoch: number }[];
  /** Milliseconds from each drawing event to its probabilities on screen. */
  latencies: number[];
  /** The kinds of pointer that have drawn (mouse, touch, pen), in order of first use. */
  pointerTypes: string[];
  probabilities: number[] | null;
  lastModelFile: Uint8Array | null;
  modelDescription: string;
  errors: string[];
  /** Shows test image `index` in the pad and returns the class probabilities it got. */
  classifyTestImage(index: number): number[] | null;
  /** The pad's picture, the 28x28 digit prepared from it, and its probabilities. */
  drawing(): { pad: number[]; prepared: number[] | null; probabilities: number[] | null };
}

const probe: PlaygroundProbe = {
  ready: false,
  state: 'idle',
  simd: null,
  workers: 1,
  testLoaded: false,
  trainLoaded: false,
  progress: [],
  evaluations: [],
  latencies: [],
  pointerTypes: [],
  probabilities: null,
  lastModelFile: null,
  modelDescription: '',
  errors: [],
  classifyTestImage(index) {
    showTestImage(index);
    return probe.probabilities;
  },
  drawing() {
    return {
      pad: Array.from(pad.image().data),
      prepared: currentPixels ? Array.from(currentPixels) : null,
      probabilities: probe.probabilities,
    };
  },
};
(globalThis as unknown as { playground: PlaygroundProbe }).playground = probe;

const isolated = globalThis.crossOriginIsolated === true;
const maxWorkers = isolated ? Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8)) : 1;
const live = new LiveModel();
let testSet: TestSetMessage | null = null;
let currentPixels: Uint8Array | null = null;
let state: RunState = 'idle';

const status = (text: string) => {
  $('status').textContent = text;
};
const fileMessage = (text: string, error: boolean) => {
  const m = $('file-message');
  m.textContent = text;
  m.classList.toggle('error', error);
  if (error) probe.errors.push(text);
};

// The page's copy of the network predicts with the SIMD kernels too: compile them (off the main
// thread's critical path) before any model arrives.
await initSimdKernels();
const worker = new Worker(new URL('worker.js', import.meta.url), {
  type: 'module',
  name: 'training',
});
const send = (message: ToWorker, transfer: Transferable[] = []) =>
  worker.postMessage(message, transfer);

const lossChart = new LineChart(
  $('loss-chart'),
  'Training loss',
  'images',
  [{ name: 'training loss', color: '#0b5cad' }],
  null,
);
const accuracyChart = new LineChart(
  $('accuracy-chart'),
  'Accuracy',
  'images',
  [
    { name: 'training accuracy', color: '#0b5cad' },
    { name: 'test accuracy', color: '#b35900' },
  ],
  1,
);

// ---- drawing pad and predictions ----

const probabilities = new ProbabilityTable(
  $('probabilities').querySelector('tbody')!,
  $('prediction'),
);

function showProbabilities(p: number[] | null): void {
  probe.probabilities = p;
  probabilities.show(p);
}

let networkTimer: ReturnType<typeof setTimeout> | null = null;
/** Pictures are redrawn at most every 300 ms: they cost more than a prediction. */
function scheduleNetworkView(): void {
  if (networkTimer) return;
  networkTimer = setTimeout(() => {
    networkTimer = null;
    if (live.model) renderNetwork($('network-view'), live.model, currentPixels);
  }, 300);
}

function predictCurrent(): void {
  showProbabilities(currentPixels ? live.probabilities(currentPixels) : null);
  scheduleNetworkView();
}

const pad = new DrawPad($<HTMLCanvasElement>('pad'), (event) => {
  try {
    currentPixels = LiveModel.prepare(pad.image());
  } catch {
    return; // no ink yet: nothing to classify
  }
  predictCurrent();
  probe.latencies.push(performance.now() - event.timeStamp);
  if (!probe.pointerTypes.includes(event.pointerType)) probe.pointerTypes.push(event.pointerType);
});

$('clear').addEventListener('click', () => {
  pad.clear();
  currentPixels = null;
  predictCurrent();
});

function showTestImage(index: number): void {
  if (!testSet) return;
  const px = testSet.height * testSet.width * testSet.channels;
  currentPixels = testSet.images.slice(index * px, (index + 1) * px);
  pad.showImage(currentPixels, testSet.width);
  predictCurrent();
  $('prediction').textContent += ` — test image ${index}, labelled ${testSet.labels[index]}`;
}

$('random-test').addEventListener('click', () => {
  if (testSet) showTestImage(Math.floor(Math.random() * testSet.count));
});

// ---- training controls ----

function setButtons(): void {
  const ready = probe.trainLoaded;
  const buttons = ['start', 'pause', 'resume', 'reset'].map((id) => $<HTMLButtonElement>(id));
  const [start, pause, resume, reset] = buttons;
  const hadFocus = buttons.find((b) => b === document.activeElement);
  start.disabled = !ready || state === 'running';
  pause.disabled = state !== 'running';
  resume.disabled = state !== 'paused';
  reset.disabled = !probe.ready;
  $<HTMLButtonElement>('download-model').disabled = live.model === null;
  // A keyboard user whose button just became disabled lands on the one that undoes it.
  if (hadFocus?.disabled)
    (state === 'running' ? pause : state === 'paused' ? resume : start).focus();
}

function settingsOrSay() {
  try {
    return readSettings(maxWorkers);
  } catch (e) {
    status(`Cannot start: ${(e as Error).message}.`);
    return null;
  }
}

function clearRun(): void {
  lossChart.clear();
  accuracyChart.clear();
  probe.progress = [];
  $('epoch').textContent = '–';
  $('samples').textContent = '0';
  $('speed').textContent = '–';
  ($('train-progress') as HTMLProgressElement).value = 0;
}

$('start').addEventListener('click', () => {
  const settings = settingsOrSay();
  if (!settings) return;
  clearRun();
  send({ type: 'start', settings });
});
$('pause').addEventListener('click', () => send({ type: 'pause' }));
$('resume').addEventListener('click', () => send({ type: 'resume' }));
$('reset').addEventListener('click', () => {
  const settings = settingsOrSay();
  if (!settings) return;
  clearRun();
  send({ type: 'reset', settings });
});
$('preset').addEventListener('change', () => {
  applyPreset(($('preset') as HTMLSelectElement).value as PresetName, maxWorkers);
  const settings = settingsOrSay();
  if (!settings) return;
  clearRun();
  send({ type: 'reset', settings });
});

// ---- models and data files ----

$('download-model').addEventListener('click', () => send({ type: 'save-model' }));

async function openFiles(files: File[], as: FileRole): Promise<void> {
  if (files.length === 0) return;
  try {
    if (as === 'model' || (as === 'any' && files.length === 1 && (await isModelFile(files[0])))) {
      const bytes = new Uint8Array(await files[0].arrayBuffer());
      send({ type: 'load-model', bytes, name: files[0].name }, [bytes.buffer]);
      fileMessage(`Loading the model ${files[0].name}…`, false);
      return;
    }
    send({ type: 'load-files', files: dataFilesByName(files) });
    fileMessage('Reading your data files…', false);
  } catch (e) {
    fileMessage((e as Error).message, true);
  }
}

watchFileInputs($('model-file'), $('data-files'), $('drop-zone'), openFiles);

// ---- messages from the worker ----

function onProgress(p: Progress): void {
  probe.progress.push(p);
  lossChart.add(p.samples, [p.loss]);
  accuracyChart.add(p.samples, [p.accuracy, p.testAccuracy]);
  $('epoch').textContent = `${p.epoch} of ${p.epochs}`;
  $('samples').textContent =
    `${p.samples.toLocaleString('en')} of ${p.totalSamples.toLocaleString('en')}`;
  $('speed').textContent = Math.round(p.imagesPerSecond).toLocaleString('en');
  probe.workers = p.workers;
  $('workers').textContent =
    `${p.workers} in this run${isolated ? ` (up to ${maxWorkers}: cross-origin isolated)` : ' (page not cross-origin isolated)'}`;
  $('test-accuracy').textContent =
    `${p.testAccuracy.toFixed(3)} (first ${p.liveTestCount} test images)`;
  ($('train-progress') as HTMLProgressElement).value = p.samples / p.totalSamples;
}

const STATE_TEXT: Record<RunState, string> = {
  idle: 'Ready to train.',
  running: 'Training…',
  paused: 'Paused.',
  done: 'Training finished.',
};

function onMessage(m: FromWorker): void {
  switch (m.type) {
    case 'ready':
      probe.ready = true;
      probe.simd = m.simd;
      $('simd').textContent = m.simd ? 'on' : 'off (TypeScript kernels)';
      $('workers').textContent = isolated
        ? `up to ${maxWorkers} (cross-origin isolated)`
        : '1 (page not cross-origin isolated)';
      status('Loading the test images…');
      {
        const settings = settingsOrSay();
        if (settings) send({ type: 'reset', settings });
      }
      send({ type: 'load-default', baseUrl: new URL('.', document.baseURI).href });
      break;
    case 'data-progress':
      ($('data-progress') as HTMLProgressElement).value = m.fraction;
      $('data-progress').setAttribute(
        'aria-valuetext',
        `${m.file}: ${Math.round(m.fraction * 100)}%`,
      );
      break;
    case 'test-set':
      testSet = m.test;
      probe.testLoaded = true;
      $('data-source').textContent =
        `${m.source}: ${m.test.count.toLocaleString('en')} test images`;
      status(
        probe.trainLoaded
          ? 'Test images loaded.'
          : 'Test images loaded; loading the training images…',
      );
      if (!currentPixels) showTestImage(0);
      break;
    case 'train-set':
      probe.trainLoaded = true;
      $('data-source').textContent =
        `${m.source}: ${m.count.toLocaleString('en')} training and ${testSet?.count.toLocaleString('en')} test images`;
      if (m.source !== 'MNIST') fileMessage('Your data files are loaded.', false);
      status('Ready to train.');
      break;
    case 'data-error':
      fileMessage(m.message, true);
      status(`Data could not be loaded: ${m.message}`);
      break;
    case 'model':
      live.setModelFile(m.bytes);
      probe.modelDescription = m.description;
      if (m.description.includes('network)')) fileMessage(`Loaded ${m.description}.`, false);
      predictCurrent();
      break;
    case 'weights':
      live.setWeights(m.arrays);
      if (currentPixels) showProbabilities(live.probabilities(currentPixels));
      scheduleNetworkView();
      break;
    case 'state':
      state = m.state;
      probe.state = m.state;
      status(STATE_TEXT[m.state]);
      break;
    case 'progress':
      onProgress(m.progress);
      break;
    case 'evaluation': {
      probe.evaluations.push({
        accuracy: m.accuracy,
        loss: m.loss,
        count: m.count,
        epoch: m.epoch,
      });
      if (!testSet) break;
      const wrong = renderGallery($('gallery'), testSet, m.predictions, m.count, showTestImage);
      renderConfusion(
        $('confusion'),
        testSet.labels,
        m.predictions,
        m.count,
        live.model?.numClasses ?? 10,
      );
      $('results-summary').textContent =
        `After epoch ${m.epoch}: test accuracy ${m.accuracy.toFixed(4)}, loss ${m.loss.toFixed(4)} on ${m.count.toLocaleString('en')} test images; ${wrong} misclassified.`;
      status(`Epoch ${m.epoch} done: test accuracy ${m.accuracy.toFixed(4)}.`);
      break;
    }
    case 'model-file':
      probe.lastModelFile = m.bytes;
      download(m.bytes, 'playground-model.cnn');
      fileMessage('Model saved as playground-model.cnn.', false);
      break;
    case 'error':
      fileMessage(m.message, true);
      status(m.message);
      break;
  }
  setButtons();
}

worker.addEventListener('message', (e: MessageEvent<FromWorker>) => onMessage(e.data));
worker.addEventListener('error', (e) => status(`The training worker failed: ${e.message}`));

applyPreset('tutorial', maxWorkers);
($('worker-count') as HTMLInputElement).max = String(maxWorkers);
($('worker-count') as HTMLInputElement).disabled = maxWorkers === 1;
