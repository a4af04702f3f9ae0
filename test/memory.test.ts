/**
 * Bounded memory: arena arrays come back as soon as they are released, not at some later garbage
 * collection (which WebAssembly memory does not trigger), so evaluate and classify called in a
 * loop keep RSS flat. Before release existed each evaluate call on 20 images kept about 0.3 MB of
 * arena for good: 2,000 calls grew RSS by 680 MB. The same holds for what `cnn predict` does per
 * picture (decode, prepare, classify, write the prepared PNG): each PNG written once kept a zlib
 * stream of about 32 KB, so 10,000 pictures with --save-input grew RSS by 430 MB.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { take } from '../src/data/dataset.js';
import { defaultMnistDir, loadMnist } from '../src/data/mnistFiles.js';
import { classify } from '../src/image/classify.js';
import { predictImage } from '../src/image/predictImage.js';
import { decodeImage, encodeGrayPng } from '../src/io/imageFiles.js';
import { Sequential } from '../src/model/sequential.js';
import { Adam } from '../src/optim/adam.js';
import { bestPreset } from '../src/presets.js';
import {
  allocateFloat32,
  allocateFloat64,
  arenaBytesTouched,
  inArena,
  releaseArray,
} from '../src/tensor/arena.js';
import { evaluate, train } from '../src/train/trainer.js';

test('a released arena array is handed out again at once; subarrays and second releases are ignored', () => {
  const a = allocateFloat32(1000);
  if (!inArena(a)) {
    // No WebAssembly arena here (CNN_TS_NO_WASM=1 or no SIMD): release leaves JS arrays alone.
    releaseArray(a);
    assert.equal(a.length, 1000);
    return;
  }
  a.fill(7);
  releaseArray(a);
  const b = allocateFloat32(1000);
  assert.equal(b.byteOffset, a.byteOffset, 'the same block, reused without a garbage collection');
  assert.ok(
    b.every((v) => v === 0),
    'handed out zeroed',
  );
  releaseArray(a); // a second release of the same block through the stale array
  const c = allocateFloat32(1000);
  assert.notEqual(c.byteOffset, b.byteOffset, 'b still owns its block');
  releaseArray(c.subarray(0, 10)); // not an array the arena handed out
  assert.notEqual(allocateFloat32(1000).byteOffset, c.byteOffset);
  // Float64 arrays are blocks of their own, released and reused the same way.
  const d = allocateFloat64(300);
  assert.ok(inArena(d) && d.byteOffset % 64 === 0, 'float64 block in the arena, 64-byte aligned');
  d.fill(7);
  releaseArray(d);
  const e = allocateFloat64(300);
  assert.equal(e.byteOffset, d.byteOffset);
  assert.ok(
    e.every((v) => v === 0),
    'handed out zeroed',
  );
});

const MB = 2 ** 20;

/** RSS growth over `calls` calls after the first (MB), and the arena bytes the later calls took. */
function growth(calls: number, call: () => void): { rss: number; arena: number } {
  call();
  const first = process.memoryUsage().rss;
  const touched = arenaBytesTouched();
  let peak = first;
  for (let i = 1; i < calls; i++) {
    call();
    if (i % 50 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const rss = (Math.max(peak, process.memoryUsage().rss) - first) / MB;
  return { rss, arena: arenaBytesTouched() - touched };
}

test('evaluate and classify in a loop keep peak RSS within 50 MB of the first call', (t) => {
  const testSet = take(loadMnist(defaultMnistDir()).test, 20);
  const model = new Sequential(bestPreset.spec, { seed: 1 });
  const image = testSet.images.subarray(0, 784);
  for (const [name, calls, call] of [
    ['evaluate', 400, () => evaluate(model, testSet)],
    ['classify', 4000, () => classify(model, image)],
  ] as const) {
    const { rss, arena } = growth(calls, call);
    t.diagnostic(`${name} x${calls}: RSS grew ${rss.toFixed(1)} MB`);
    // Exact, whenever garbage collections happen: no call after the first takes arena memory.
    assert.equal(arena, 0, `${name}: arena bytes handed out after the first call`);
    assert.ok(rss < 50, `${calls} ${name} calls grew RSS by ${rss} MB`);
  }
});

test("cnn predict's work per picture in a loop keeps peak RSS within 50 MB of the first picture", (t) => {
  const testSet = take(loadMnist(defaultMnistDir()).test, 1);
  const model = new Sequential(bestPreset.spec, { seed: 1 });
  const digit = { width: 28, height: 28, data: testSet.images.subarray(0, 784) };
  const png = encodeGrayPng(digit);
  for (const [name, calls, call] of [
    ['encodeGrayPng', 4000, () => encodeGrayPng(digit)],
    ['decode and predictImage', 2000, () => predictImage(model, decodeImage(png, 'digit.png'))],
  ] as const) {
    const { rss, arena } = growth(calls, call);
    t.diagnostic(`${name} x${calls}: RSS grew ${rss.toFixed(1)} MB`);
    assert.equal(arena, 0, `${name}: arena bytes handed out after the first call`);
    assert.ok(rss < 50, `${calls} ${name} calls grew RSS by ${rss} MB`);
  }
});

test('scratch the kernels keep between calls is not handed out again after a garbage collection', async () => {
  // Kernels keep scratch in the arena between calls (batch norm's float64 operands, Winograd's
  // transforms, pooling indices). If the arena array behind one is collected while the kernel
  // still holds a view of it, its block is handed out again and the next call writes into
  // someone else's array (this once corrupted batch norm sums of a second trainer).
  v8.setFlagsFromString('--expose-gc');
  const collect = vm.runInNewContext('gc') as () => void;
  const data = take(loadMnist(defaultMnistDir()).train, 16);
  const model = new Sequential(bestPreset.spec, { seed: 1 });
  const options = { epochs: 1, batchSize: 8, learningRate: 0.001, seed: 1, optimizer: new Adam() };
  train(model, data, options); // the kernels allocate their scratch
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((resolve) => setTimeout(resolve, 0)); // finalizers run as tasks
  }
  // Every size class from 64 bytes to 1 MiB, a few blocks each: any block the finalizers gave
  // back is one of these now, filled with a value no kernel writes.
  const taken: Float32Array[] = [];
  for (let bytes = 64; bytes <= 2 ** 20; bytes *= 2)
    for (let k = 0; k < 8; k++) taken.push(allocateFloat32(bytes / 4).fill(-12345));
  train(model, data, options);
  const overwritten = taken.filter((a) => a.some((v) => v !== -12345)).map((a) => a.length * 4);
  assert.deepEqual(overwritten, [], 'blocks (bytes) written by the second training run');
  for (const a of taken) releaseArray(a);
});
