/**
 * Profile: where one training step of a network spends its time, layer by layer and, inside
 * each convolution, kernel by kernel, with the GFLOP/s each part achieves against this core's
 * WebAssembly SIMD ceiling, measured first by a register-only loop of 4-wide multiplies and adds
 * (wasm/peak.ts). One thread, plain SGD, real MNIST. Layer rows time each layer's calls inside
 * real steps; the convolution sub-rows time the kernels alone on the same shapes. Times are this
 * process's CPU time, so other programs on a busy machine slow the figures less than wall time.
 * Run: node dist/bench/micro/profileStep.js [net=keras or a preset name] [batch=128] [steps=20]
 */
import { cpus, loadavg } from 'node:os';
import { fillBatch, take } from '../../src/data/dataset.js';
import { defaultMnistDir, loadMnist } from '../../src/data/mnistFiles.js';
import {
  col2imAccumulate,
  conv2dBackwardFilter,
  conv2dBackwardInput,
  conv2dForward,
  im2col,
  im2colLength,
} from '../../src/kernels/conv2d.js';
import { type ConvGeometry, convGeometry, type Padding } from '../../src/kernels/convGeometry.js';
import { allocateFloat32, simdBuild, simdFor } from '../../src/kernels/wasm/simd.js';
import { winogradTileSize } from '../../src/kernels/winograd.js';
import type { Layer } from '../../src/layers/layer.js';
import { Sequential } from '../../src/model/sequential.js';
import type { LayerSpec } from '../../src/model/spec.js';
import { SGD } from '../../src/optim/sgd.js';
import { presets } from '../../src/presets.js';
import { localGradients } from '../../src/train/gradients.js';
import { createTrainStep } from '../../src/train/step.js';
import { kerasSpec } from '../networks.js';
import { median } from '../stats.js';

const net = process.argv[2] ?? 'keras';
const batch = Number(process.argv[3] ?? 128);
const steps = Number(process.argv[4] ?? 20);
const spec = net === 'keras' ? kerasSpec : presets[net]?.spec;
if (!spec)
  throw new Error(`unknown net ${net} (keras or a preset: ${Object.keys(presets).join(', ')})`);

/** GFLOP/s of the register-only SIMD loop, CPU time, median of 5 runs of 0.1 s or more. */
function measureCeiling(): number {
  const simd = simdFor(allocateFloat32(4));
  if (simd === null) throw new Error('profileStep needs the WebAssembly SIMD kernels');
  const iterations = 1 << 22; // 96 FLOP each
  const rates: number[] = [];
  simd.simdPeakLoop(iterations, 1);
  for (let r = 0; r < 5; r++) {
    const t0 = now();
    let calls = 0;
    do {
      simd.simdPeakLoop(iterations, 1);
      calls++;
    } while (now() - t0 < 100);
    rates.push((calls * iterations * 96) / (now() - t0) / 1e6);
  }
  return median(rates);
}
const ceiling = measureCeiling();

const model = new Sequential(spec, { seed: 1 });
const mnist = loadMnist(defaultMnistDir());
const data = take(mnist.train, batch * steps);
const x = new Float32Array(batch * 784);
const labels = new Int32Array(batch);

/** Per-step milliseconds of each named row, in first-seen order. */
const rows = new Map<string, number[]>();
const flops = new Map<string, number>();
let stepIndex = 0;
/** CPU milliseconds of this process (one thread here, so the kernel's own time). */
function now(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function record(name: string, ms: number): void {
  const r = rows.get(name) ?? [];
  rows.set(name, r);
  r[stepIndex] = (r[stepIndex] ?? 0) + ms;
}

/** Rows being timed right now: a call nested in another of the same row is not counted twice. */
const running = new Set<string>();

function timed<A extends unknown[], R>(name: string, fn: (...a: A) => R): (...a: A) => R {
  return (...args: A) => {
    // A layer's backward calls its own (also timed) backwardParamsOnly.
    if (running.has(name)) return fn(...args);
    running.add(name);
    const t0 = now();
    try {
      return fn(...args);
    } finally {
      record(name, now() - t0);
      running.delete(name);
    }
  };
}

/** Multiply-adds x2 of each layer's passes at this batch, for the GFLOP/s column. */
function layerFlops(layer: Layer, layerSpec: LayerSpec, first: boolean): [number, number] {
  const inSize = layer.inputShape.reduce((a, b) => a * b, 1);
  const outSize = layer.outputShape.reduce((a, b) => a * b, 1);
  if (layerSpec.type === 'conv2d') {
    const inC = layer.inputShape[2];
    const k = layerSpec.kernelSize;
    const kk = Array.isArray(k) ? k[0] * k[1] : k * k;
    const f = 2 * batch * outSize * kk * inC;
    return [f, first ? f : 2 * f];
  }
  if (layerSpec.type === 'dense') {
    const f = 2 * batch * inSize * outSize;
    return [f, first ? f : 2 * f];
  }
  return [0, 0];
}

/** The first layer computes no input gradient (nobody reads it). */
const convs: { name: string; g: ConvGeometry; first: boolean }[] = [];
model.layers.forEach((layer, i) => {
  const layerSpec = model.spec.layers[i];
  const name = `${i} ${layer.kind} ${layer.outputShape.join('x')}`;
  const [fwd, bwd] = layerFlops(layer, layerSpec, i === 0);
  flops.set(`${name} forward`, fwd);
  flops.set(`${name} backward`, bwd);
  const l = layer as { forward: Layer['forward']; backward: Layer['backward'] } & Layer;
  l.forward = timed(`${name} forward`, layer.forward.bind(layer));
  l.backward = timed(`${name} backward`, layer.backward.bind(layer));
  l.backwardParamsOnly = timed(`${name} backward`, layer.backwardParamsOnly.bind(layer));
  if (layerSpec.type === 'conv2d') {
    const k = layerSpec.kernelSize;
    const [kh, kw] = Array.isArray(k) ? k : [k, k];
    const padding = (layerSpec.padding ?? 'valid') as Padding;
    const g = convGeometry(
      batch,
      layer.inputShape as [number, number, number],
      layerSpec.filters,
      kh,
      kw,
      layerSpec.stride ?? 1,
      padding,
    );
    convs.push({ name: `${i} conv2d`, g, first: i === 0 });
  }
});

const gradients = localGradients(model);
const optimizer = new SGD();
const step = createTrainStep(
  {
    model,
    compute: timed('step: gradients (all layers + loss + input copy)', gradients.compute),
  },
  {
    kind: optimizer.kind,
    step: timed('optimizer (SGD)', optimizer.step.bind(optimizer)),
    getState: () => optimizer.getState(),
    setState: (p, state) => optimizer.setState(p, state),
  },
);

const warmup = 3;
for (let s = 0; s < warmup + steps; s++) {
  stepIndex = s < warmup ? 0 : s - warmup;
  if (s === warmup) rows.clear();
  fillBatch(x, labels, data, null, (s % steps) * batch, batch, spec.input.scale, spec.input.offset);
  const t0 = now();
  step(x, labels, batch, 0.01);
  record('whole step', now() - t0);
}

const gflops = (f: number, ms: number) => (f > 0 ? (f / ms / 1e6).toFixed(1) : '');
const table: string[][] = [['part', 'ms/step', 'share', 'GFLOP/s', 'of ceiling']];
const whole = median(rows.get('whole step') ?? [0]);
let layerSum = 0;
for (const [name, r] of rows) {
  const ms = median(r);
  const f = flops.get(name) ?? 0;
  if (name.match(/^\d/)) layerSum += ms;
  table.push([
    name,
    ms.toFixed(2),
    `${((100 * ms) / whole).toFixed(1)}%`,
    gflops(f, ms),
    f > 0 ? `${((100 * f) / ms / 1e6 / ceiling).toFixed(0)}%` : '',
  ]);
}
const gradMs = median(rows.get('step: gradients (all layers + loss + input copy)') ?? [0]);
table.push(['loss + input copy + argmax (rest)', (gradMs - layerSum).toFixed(2), '', '', '']);

// The convolution kernels alone, on the same shapes (one call per batch, median of 5).
function kernelMs(fn: () => void): number {
  fn();
  const t: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = now();
    fn();
    t.push(now() - t0);
  }
  return median(t);
}
for (const { name, g, first } of convs) {
  const inLen = g.batch * g.inH * g.inW * g.inC;
  const outLen = g.batch * g.outH * g.outW * g.outC;
  const patch = g.kernelH * g.kernelW * g.inC;
  const f = 2 * g.batch * g.outH * g.outW * g.outC * patch;
  const input = allocateFloat32(inLen).fill(0.5);
  const filters = allocateFloat32(patch * g.outC).fill(0.01);
  const out = allocateFloat32(outLen);
  const dOut = allocateFloat32(outLen).fill(0.01);
  const dIn = allocateFloat32(inLen);
  const dF = allocateFloat32(patch * g.outC);
  const cols = allocateFloat32(im2colLength(g));
  const one = { ...g, batch: 1 };
  const tile = winogradTileSize(g);
  const parts: [string, number, number][] = [
    ['forward', kernelMs(() => conv2dForward(out, input, filters, null, g, cols)), f],
    ['backward-filter', kernelMs(() => conv2dBackwardFilter(dF, null, dOut, input, g, cols)), f],
  ];
  if (!first) {
    parts.push([
      'backward-input',
      kernelMs(() => conv2dBackwardInput(dIn, dOut, filters, g, cols)),
      f,
    ]);
  }
  // im2col and col2im run on the direct path only.
  if (!first && tile === 0) {
    parts.push([
      '  of which col2im',
      kernelMs(() => {
        for (let n = 0; n < g.batch; n++) col2imAccumulate(dIn, cols, n, one);
      }),
      0,
    ]);
  }
  if (tile === 0) {
    parts.push([
      'im2col alone (not run where the padded copy fits)',
      kernelMs(() => {
        for (let n = 0; n < g.batch; n++) im2col(cols, input, n, one);
      }),
      0,
    ]);
  }
  for (const [part, ms, fl] of parts) {
    table.push([
      `${name} kernel${tile ? ` (Winograd F(${tile}x${tile}))` : ''}: ${part}`,
      ms.toFixed(2),
      '',
      gflops(fl, ms),
      fl > 0 ? `${((100 * fl) / ms / 1e6 / ceiling).toFixed(0)}%` : '',
    ]);
  }
}

const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
for (const r of table)
  console.log(r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  '));
console.log(
  `${net}, batch ${batch}, 1 thread, median of ${steps} steps; ${simdBuild()} SIMD kernels; ` +
    `SIMD ceiling (multiply + add) measured ${ceiling.toFixed(1)} GFLOP/s (GFLOP/s count a ` +
    "direct convolution's multiply-adds: Winograd does fewer, so it can pass the ceiling); " +
    `${cpus()[0]?.model ?? 'cpu?'}; load average ${loadavg()[0].toFixed(2)}`,
);
