/**
 * `npm run bench`: measures cnn-ts and its peers on this machine in one run and prints one
 * markdown table (or JSON). Every figure comes from a child process (children.ts) running the
 * shared timing loop (measure.ts): a warm-up, then the median of at least 5 timed runs.
 * Peers that are not installed are skipped with a note, never an error.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultMnistDir } from '../src/data/mnistFiles.js';
import { presets } from '../src/presets.js';
import { type BenchArgs, parseArgs, usage } from './args.js';
import { runChild } from './children.js';
import { type MachineInfo, machineInfo, torchBlasWarning, uptime } from './machine.js';
import type { MeasureOptions } from './measure.js';
import { type BenchNet, benchNetworks } from './networks.js';
import { toPeerArch } from './peerArch.js';
import type {
  AccuracyCase,
  BenchCase,
  ChildOutput,
  OursChildConfig,
  PeerArch,
  PythonPeerConfig,
  Task,
  TfjsChildConfig,
} from './protocol.js';
import { type PeerKey, peerTitles, type Row, resultsTable, spliceReport } from './report.js';
import { type TargetCheck, targetChecks, targetsTable } from './targets.js';

const here = dirname(fileURLToPath(import.meta.url)); // dist/bench
const root = resolve(here, '..', '..');
/** Debian's python3-torch lives with the system Python; numpy alone with whichever `python3`. */
const TORCH_PYTHON = '/usr/bin/python3';
const NUMPY_PYTHON = 'python3';

/**
 * The full run warms up for 3 s: on two threads V8 spends the first 2-3 s compiling both
 * threads' code (about 300 optimised compilations, 0.5 s of CPU for the `fast` net) on the same
 * two cores, and each compilation that takes a core from one thread of a lockstep step stalls
 * both. A shorter warm-up times part of that start-up as throughput; the time-to-accuracy rows
 * keep it in.
 */
const MEASURE: Record<'quick' | 'full', MeasureOptions> = {
  quick: { warmupSeconds: 0.3, runSeconds: 0.25, runs: 5 },
  full: { warmupSeconds: 3, runSeconds: 1, runs: 5 },
};

interface Plan {
  rows: (Row & { net: BenchNet })[];
  notes: string[];
}

function caseId(net: BenchNet, task: Task, batch: number): string {
  return `${net.key}|${task}|${batch}`;
}

function planRows(args: BenchArgs): Plan {
  const notes: string[] = [];
  const threads = [1, 2];
  const rows: Plan['rows'] = [];
  for (const net of benchNetworks) {
    // --quick keeps the big nets' batches small so a slow engine cannot stall development runs.
    const small = (batches: number[]) =>
      args.quick && net.key !== 'tutorial' ? batches.map((b) => Math.min(b, 32)) : batches;
    const tasks: [Task, number[]][] = [
      ['train', small(net.trainBatches)],
      ['infer', small(net.inferBatches)],
    ];
    for (const [task, batches] of tasks) {
      for (const batch of batches) {
        for (const t of threads) {
          // The data-parallel trainer splits a training batch across threads: nothing to split
          // at batch 1, and it has no inference path.
          if (t > 1 && (task !== 'train' || batch < 2)) continue;
          rows.push({
            net,
            netTitle: net.title,
            task,
            batch,
            threads: t,
            peers: {},
          });
        }
      }
    }
    if (net.presetName && net.targetAccuracy) {
      const target = net.targetAccuracy;
      if (args.quick)
        notes.push(`${net.title}: time to ${(100 * target).toFixed(1)}% skipped in --quick.`);
      else {
        for (const t of threads) {
          rows.push({
            net,
            netTitle: net.title,
            task: 'timeToAccuracy',
            batch: net.trainBatches[0],
            threads: t,
            target,
            peers: {},
          });
        }
      }
    }
  }
  return { rows, notes };
}

function accuracyCaseId(net: BenchNet): string {
  return `${net.key}-timeToAccuracy`;
}

/**
 * A preset's recipe for PyTorch's time-to-accuracy run, or why it cannot be given (only plain
 * SGD or Adam with their default constants, a constant or one-cycle rate, no augmentation).
 */
function torchRecipe(net: BenchNet, target: number): AccuracyCase | string {
  const preset = presets[net.presetName ?? ''];
  if (!preset) return `no ${net.presetName} preset`;
  const t = preset.train;
  if (t.augment) return 'the recipe uses augmentation, which the peer does not reproduce';
  const o = t.optimizer ?? { type: 'sgd' };
  const plain =
    o.type === 'sgd'
      ? !o.momentum && !o.weightDecay
      : o.type === 'adam' && o.beta1 === undefined && o.beta2 === undefined && !o.weightDecay;
  if (!plain) return 'the peer maps only plain SGD and Adam with default constants';
  const s = t.schedule ?? { type: 'constant' };
  if (s.type !== 'constant' && s.type !== 'oneCycle')
    return `the peer does not map the ${s.type} schedule`;
  try {
    return {
      id: accuracyCaseId(net),
      arch: toPeerArch(preset.spec),
      scale: preset.spec.input.scale,
      offset: preset.spec.input.offset,
      epochs: t.epochs,
      batchSize: t.batchSize,
      learningRate: t.learningRate,
      optimizer: o.type === 'adam' ? 'adam' : 'sgd',
      oneCycle:
        s.type === 'oneCycle'
          ? { peak: s.peak ?? 0.25, div: s.div ?? 25, finalDiv: s.finalDiv ?? 1e4 }
          : null,
      target,
      maxSeconds: 600,
    };
  } catch (error) {
    return (error as Error).message;
  }
}

/** One measurement job: a child process and what to do with its output. */
interface Job {
  label: string;
  command: string;
  args: string[];
  timeoutSeconds: number;
  take: (output: ChildOutput) => void;
}

function perCaseSeconds(m: MeasureOptions): number {
  return 4 * m.warmupSeconds + 3 * m.runs * m.runSeconds + 5;
}

function buildJobs(
  plan: Plan,
  quick: boolean,
  measureOptions: MeasureOptions,
  versions: Map<string, Record<string, string>>,
): Job[] {
  const jobs: Job[] = [];
  const { rows, notes } = plan;
  const benchCase = (row: Plan['rows'][number]): BenchCase => ({
    id: caseId(row.net, row.task as Task, row.batch),
    task: row.task as Task,
    batch: row.batch,
    learningRate: row.net.learningRate,
  });
  const remember = (engine: string) => (o: ChildOutput) => {
    if (o.versions) versions.set(engine, o.versions);
  };
  const skipNote = (title: string, o: ChildOutput) => {
    if (o.skipped) notes.push(`${title}: skipped, ${o.skipped}.`);
    for (const r of o.results ?? []) if (r.error) notes.push(`${title}, ${r.id}: ${r.error}`);
  };
  const fillPeer = (key: PeerKey, o: ChildOutput) => {
    const byId = new Map((o.results ?? []).map((r) => [r.id, r]));
    for (const row of rows) {
      const id =
        row.task === 'timeToAccuracy'
          ? accuracyCaseId(row.net)
          : caseId(row.net, row.task, row.batch);
      const r = byId.get(id);
      if (r) row.peers[key] = r;
    }
  };

  // cnn-ts: one process per figure, so each peak RSS is that run's own. Node flags given to the
  // bench (e.g. --experimental-wasm-relaxed-simd) pass on to these processes.
  const node = process.execPath;
  for (const row of rows) {
    const config: OursChildConfig =
      row.task === 'timeToAccuracy'
        ? {
            kind: 'timeToAccuracy',
            presetName: row.net.presetName ?? '',
            target: row.target ?? 1,
            maxSeconds: 600,
            threads: row.threads,
          }
        : {
            kind: 'throughput',
            spec: row.net.spec,
            case: benchCase(row),
            threads: row.threads,
            measure: measureOptions,
          };
    jobs.push({
      label: `cnn-ts ${row.net.key} ${row.task} batch ${row.batch}, ${row.threads} thread(s)`,
      command: node,
      args: [...process.execArgv, join(here, 'oursChild.js'), JSON.stringify(config)],
      timeoutSeconds: row.task === 'timeToAccuracy' ? 700 : 30 + perCaseSeconds(measureOptions),
      take: (o) => {
        remember('cnn-ts')(o);
        row.ours = o.results?.[0] ?? { id: 'ours', error: o.skipped ?? 'no result' };
      },
    });
  }

  const tutorialRows = rows.filter(
    (r) => r.net.key === 'tutorial' && r.task !== 'timeToAccuracy' && r.threads === 1,
  );
  const mnistDir = defaultMnistDir();

  // The tutorial's own NumPy code: per-sample training and inference only (it has no batches);
  // it answers with the ids of the tutorial net's batch-1 rows.
  const numpyConfig: PythonPeerConfig = {
    mnistDir,
    measure: measureOptions,
    tasks: ['train', 'infer'],
  };
  jobs.push({
    label: 'NumPy tutorial code',
    command: NUMPY_PYTHON,
    args: [join(root, 'bench', 'numpy_tutorial.py'), JSON.stringify(numpyConfig)],
    // The tutorial code needs most of a second per image in its warm-up alone.
    timeoutSeconds: 60 + 2 * perCaseSeconds(measureOptions),
    take: (o) => {
      remember('numpy')(o);
      skipNote(peerTitles.numpy, o);
      fillPeer('numpy', o);
    },
  });

  // PyTorch: the same architectures (from our specs), same batches, 1 and 2 threads.
  const torchCases: (BenchCase & { arch: PeerArch })[] = [];
  const archNoted = new Set<string>();
  for (const row of rows) {
    if (row.task === 'timeToAccuracy' || row.threads !== 1) continue;
    try {
      torchCases.push({ ...benchCase(row), arch: toPeerArch(row.net.spec) });
    } catch (error) {
      if (!archNoted.has(row.net.key))
        notes.push(`PyTorch, ${row.net.title}: skipped, ${(error as Error).message}.`);
      archNoted.add(row.net.key);
    }
  }
  const accuracyCases: AccuracyCase[] = [];
  for (const row of rows) {
    if (row.task !== 'timeToAccuracy' || row.threads !== 1) continue;
    const recipe = torchRecipe(row.net, row.target ?? 1);
    if (typeof recipe === 'string')
      notes.push(`PyTorch, ${row.net.title} time to accuracy: skipped, ${recipe}.`);
    else accuracyCases.push(recipe);
  }
  for (const threads of [1, 2]) {
    const key: PeerKey = threads === 1 ? 'torch1' : 'torch2';
    const config: PythonPeerConfig = {
      mnistDir,
      measure: measureOptions,
      threads,
      cases: torchCases,
      accuracyCases,
    };
    const timeout =
      60 +
      torchCases.length * perCaseSeconds(measureOptions) +
      accuracyCases.reduce((s, c) => s + c.maxSeconds + 60, 0);
    jobs.push({
      label: `PyTorch ${threads} thread(s), ${torchCases.length} cases`,
      command: TORCH_PYTHON,
      args: [join(root, 'bench', 'torch_peer.py'), JSON.stringify(config)],
      timeoutSeconds: timeout,
      take: (o) => {
        remember('torch')(o);
        if (threads === 1 || !o.skipped) skipNote(peerTitles[key], o);
        fillPeer(key, o);
      },
    });
  }

  // TF.js: the tutorial net; the wasm backend for inference only (it cannot train convs).
  for (const backend of ['cpu', 'wasm'] as const) {
    // --quick leaves out TF.js cpu at batch 128: seconds per batch, a third of the quick budget.
    const cases = tutorialRows
      .filter((r) => backend === 'cpu' || r.task === 'infer')
      .filter((r) => !(quick && backend === 'cpu' && r.task === 'train' && r.batch === 128))
      .map(benchCase);
    if (quick && backend === 'cpu')
      notes.push('TF.js cpu, training at batch 128: skipped in --quick.');
    const config: TfjsChildConfig = { backend, cases, measure: measureOptions };
    const key: PeerKey = backend === 'cpu' ? 'tfjsCpu' : 'tfjsWasm';
    const timeout = 60 + cases.length * perCaseSeconds(measureOptions);
    jobs.push({
      label: `TF.js ${backend}, ${cases.length} cases`,
      command: node,
      args: [join(here, 'tfjsChild.js'), JSON.stringify(config)],
      timeoutSeconds: timeout,
      take: (o) => {
        remember(`tfjs-${backend}`)(o);
        skipNote(peerTitles[key], o);
        fillPeer(key, o);
      },
    });
  }
  return jobs;
}

function versionLine(versions: Map<string, Record<string, string>>, machine: MachineInfo): string {
  const simd = versions.get('cnn-ts')?.simd;
  const parts = [`Node ${machine.node}${simd ? ` (cnn-ts SIMD kernels: ${simd})` : ''}`];
  const np = versions.get('numpy');
  if (np) parts.push(`${NUMPY_PYTHON}: Python ${np.python}, numpy ${np.numpy}`);
  const torch = versions.get('torch');
  if (torch)
    parts.push(
      `${TORCH_PYTHON}: Python ${torch.python}, torch ${torch.torch} (BLAS: ${torch.blas}), numpy ${torch.numpy}`,
    );
  const tf = versions.get('tfjs-cpu') ?? versions.get('tfjs-wasm');
  if (tf) parts.push(`@tensorflow/tfjs ${tf.tfjs}`);
  return parts.join('; ');
}

interface Report {
  command: string;
  date: string;
  mode: 'quick' | 'full';
  machine: MachineInfo;
  versions: Record<string, Record<string, string>>;
  loadBefore: string;
  loadAfter: string;
  measure: MeasureOptions;
  seconds: number;
  rows: Row[];
  /** The speed targets, each with this run's figure. */
  targets: TargetCheck[];
  notes: string[];
}

function markdown(r: Report, versions: Map<string, Record<string, string>>): string {
  const m = r.machine;
  const lines = [
    `### cnn-ts benchmark (${r.mode}), ${r.date}`,
    '',
    `- Command: \`${r.command}\` (took ${Math.round(r.seconds)} s)`,
    `- CPU: ${m.cpu}, ${m.cores} cores, ${m.vector}, ${m.memoryGiB} GiB; ${m.os}; ${m.openblasEnv}`,
    `- Versions: ${versionLine(versions, m)}`,
    `- Load (\`uptime\`) before: ${r.loadBefore}`,
    `- Load (\`uptime\`) after: ${r.loadAfter}`,
    `- Each figure: images/second, median of ${r.measure.runs} timed runs of at least ${r.measure.runSeconds} s each after a ${r.measure.warmupSeconds} s warm-up, each engine in its own process; \`(Nx)\` = cnn-ts / peer on the same row; peak RSS is the whole cnn-ts process (Node, MNIST bytes, model).`,
    '',
    resultsTable(r.rows),
    '',
    'Targets (ratios from this run; `—`: not measured in this run):',
    '',
    targetsTable(r.targets),
    ...(r.notes.length > 0 ? ['', 'Notes:', '', ...r.notes.map((n) => `- ${n}`)] : []),
    '',
  ];
  return `${lines.join('\n')}\n`;
}

/** Writes next to the target and renames, so a reader never sees half a report. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

function readIfExists(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

async function main(): Promise<void> {
  let args: BenchArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  if (args.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const started = performance.now();
  const mode = args.quick ? 'quick' : 'full';
  const measureOptions = MEASURE[mode];
  const machine = machineInfo();
  const loadBefore = uptime();
  const plan = planRows(args);
  const versions = new Map<string, Record<string, string>>();
  const jobs = buildJobs(plan, args.quick, measureOptions, versions);
  for (const [i, job] of jobs.entries()) {
    process.stderr.write(`[${i + 1}/${jobs.length}] ${job.label} ... `);
    const { output, wallSeconds } = await runChild(job.command, job.args, job.timeoutSeconds);
    job.take(output);
    process.stderr.write(
      `${output.skipped ? `skipped (${output.skipped})` : 'done'} in ${wallSeconds.toFixed(1)} s\n`,
    );
  }
  const blasWarning = torchBlasWarning(versions.get('torch')?.blas);
  if (blasWarning) {
    plan.notes.push(blasWarning);
    process.stderr.write(`warning: ${blasWarning}\n`);
  }
  const report: Report = {
    command:
      process.execArgv.length > 0
        ? `node ${process.execArgv.join(' ')} dist/bench/run.js${args.quick ? ' --quick' : ''}`
        : `npm run bench${args.quick ? ' -- --quick' : ''}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    mode,
    machine,
    versions: Object.fromEntries(versions),
    loadBefore,
    loadAfter: uptime(),
    measure: measureOptions,
    seconds: (performance.now() - started) / 1000,
    rows: plan.rows.map(({ net: _net, ...row }) => row),
    targets: targetChecks(plan.rows),
    notes: plan.notes,
  };
  const text = markdown(report, versions);
  if (args.out) writeAtomically(args.out, spliceReport(readIfExists(args.out), text));
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : text);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
