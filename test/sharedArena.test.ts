/**
 * The shared arena (Node): the kernels module imports it once its memory import is declared
 * shared; threads that share it allocate disjoint blocks and see each other's writes; the
 * WebAssembly zero and copy (src/kernels/bulk.ts) do what TypedArray fill and set do; and the
 * parallel trainer gives the same weights, bit for bit, whether its worker works in the shared
 * arena or copies through SharedArrayBuffers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { take } from '../src/data/dataset.js';
import { defaultMnistDir, loadMnist } from '../src/data/mnistFiles.js';
import { copyRange, zeroRange } from '../src/kernels/bulk.js';
import { withSharedMemoryImport } from '../src/kernels/wasm/sharedMemoryImport.js';
import { setSimdEnabled, simdAvailable } from '../src/kernels/wasm/simd.js';
import { simdModuleBase64 } from '../src/kernels/wasm/simdModule.generated.js';
import { Sequential } from '../src/model/sequential.js';
import { SGD } from '../src/optim/sgd.js';
import { spawnNodeWorker } from '../src/parallel/nodeTransport.js';
import { createShardedGradients } from '../src/parallel/shardedGradients.js';
import { tutorialPreset } from '../src/presets.js';
import {
  allocateFloat32,
  allocateFloat64,
  allocateInt32,
  arenaFloat32View,
  arenaMemory,
  arenaShared,
  inArena,
} from '../src/tensor/arena.js';
import { createTrainStep } from '../src/train/step.js';

const PAGE = 65536;

test('the kernels module imports a shared memory once its import is declared shared, and only then', () => {
  const bytes = Uint8Array.from(Buffer.from(simdModuleBase64, 'base64'));
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 4, shared: true });
  assert.throws(() => new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }));
  const shared = withSharedMemoryImport(bytes, 4);
  assert.ok(WebAssembly.validate(shared));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(shared), { env: { memory } });
  // The same code: it zeroes and copies in the shared memory.
  const kernels = instance.exports as { zeroBytes(a: number, n: number): void };
  const view = new Uint8Array(memory.buffer);
  view.fill(9, PAGE, PAGE + 64);
  kernels.zeroBytes(PAGE + 8, 16);
  assert.deepEqual(
    [...view.subarray(PAGE + 4, PAGE + 28)],
    [...Array(4).fill(9), ...Array(16).fill(0), ...Array(4).fill(9)],
  );
  // Imports and exports other than the memory's limits are unchanged.
  const m = new WebAssembly.Module(shared);
  assert.deepEqual(
    WebAssembly.Module.exports(m),
    WebAssembly.Module.exports(new WebAssembly.Module(bytes)),
  );
  // A module that imports no memory is refused with a one-line error.
  const noImports = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0]);
  assert.throws(() => withSharedMemoryImport(noImports, 4), /imports no memory/);
});

test('Node gets a shared arena unless CNN_TS_NO_SHARED_ARENA=1', () => {
  if (!arenaMemory()) return; // no WebAssembly arena here (CNN_TS_NO_WASM=1 or no SIMD)
  assert.equal(arenaShared(), process.env.CNN_TS_NO_SHARED_ARENA !== '1');
  const url = new URL('../src/tensor/arena.js', import.meta.url).href;
  const r = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `import('${url}').then((a) => console.log(a.arenaShared()))`],
    { encoding: 'utf8', env: { ...process.env, CNN_TS_NO_SHARED_ARENA: '1' } },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'false');
});

test('zeroRange and copyRange do what TypedArray fill and set do, on either path', () => {
  for (const simd of [true, false]) {
    const previous = setSimdEnabled(simd);
    try {
      const cases: [string, (n: number) => Float32Array | Float64Array | Int32Array][] = [
        ['float32', allocateFloat32],
        ['float64', allocateFloat64],
        ['int32', allocateInt32],
        ['float32, outside the arena', (n) => new Float32Array(n)],
      ];
      for (const [name, make] of cases) {
        const a = make(37);
        const expected = make(37);
        for (let i = 0; i < 37; i++) a[i] = expected[i] = i + 1;
        zeroRange(a, 3, 30);
        expected.fill(0, 3, 30);
        assert.deepEqual(a, expected, `${name} zeroRange (simd ${simd})`);
        // Overlapping ranges move as copyWithin does.
        copyRange(a, 5, a, 1, 20);
        expected.copyWithin(5, 1, 21);
        assert.deepEqual(a, expected, `${name} overlapping copyRange (simd ${simd})`);
        const b = make(11);
        copyRange(b, 2, a, 30, 7);
        const e = make(11);
        e.set(expected.subarray(30, 37), 2);
        assert.deepEqual(b, e, `${name} copyRange between arrays (simd ${simd})`);
        assert.throws(() => zeroRange(a, 0, 38), RangeError);
        assert.throws(() => copyRange(b, 5, a, 0, 7), RangeError);
        assert.throws(() => copyRange(b, 0, a, 31, 7), RangeError);
      }
      // Different element types convert value by value, as set does.
      const f32 = allocateFloat32(4);
      const f64 = allocateFloat64(4);
      f64.set([0.5, 1.5, 2.5, 1e-50]);
      copyRange(f32, 0, f64, 0, 4);
      assert.deepEqual([...f32], [0.5, 1.5, 2.5, 0]);
    } finally {
      setSimdEnabled(previous);
    }
  }
});

/** Runs `source` (an ES module body) in a worker that takes this thread's arena as its own. */
function inSharingWorker(source: string, data: unknown): Promise<unknown> {
  const keyUrl = new URL('../src/tensor/sharedArenaKey.js', import.meta.url).href;
  const arenaUrl = new URL('../src/tensor/arena.js', import.meta.url).href;
  const code = `
    const { workerData, parentPort } = await import('node:worker_threads');
    const { shareArenaMemory } = await import('${keyUrl}');
    shareArenaMemory(workerData.memory);
    const arena = await import('${arenaUrl}');
    const data = workerData.data;
    ${source}
  `;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), {
    workerData: { memory: arenaMemory(), data },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (m) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', reject);
  });
}

test('threads sharing the arena allocate disjoint blocks and see each other’s writes', async () => {
  if (!arenaShared()) return;
  const mine = Array.from({ length: 20 }, (_, i) => allocateFloat32(100 + 37 * i));
  const mark = allocateFloat32(8);
  mark.fill(3.5);
  const theirs = (await inSharingWorker(
    `
      const blocks = [];
      for (let i = 0; i < 20; i++) {
        const a = arena.allocateFloat32(100 + 37 * i);
        a.fill(i + 1);
        blocks.push([a.byteOffset, a.length, arena.inArena(a)]);
      }
      const seen = [...arena.arenaFloat32View(data.mark, 8)];
      parentPort.postMessage({ blocks, seen, adopted: arena.arenaAdopted() });
    `,
    { mark: mark.byteOffset },
  )) as { blocks: [number, number, boolean][]; seen: number[]; adopted: boolean };
  assert.equal(theirs.adopted, true);
  assert.deepEqual(theirs.seen, Array(8).fill(3.5), 'the worker reads this thread’s array');
  const ranges = [
    ...mine.map((a) => [a.byteOffset, a.byteOffset + 4 * a.length]),
    ...theirs.blocks.map(([at, n]) => [at, at + 4 * n]),
  ].sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < ranges.length; i++)
    assert.ok(ranges[i][0] >= ranges[i - 1][1], `blocks ${i - 1} and ${i} overlap`);
  theirs.blocks.forEach(([at, n, inArenaThere], i) => {
    assert.ok(inArenaThere);
    const view = arenaFloat32View(at, n);
    assert.ok(view && inArena(view));
    assert.ok(
      view.every((v) => v === i + 1),
      'this thread reads the worker’s array',
    );
  });
  for (const a of mine)
    assert.ok(
      a.every((v) => v === 0),
      'the worker wrote none of ours',
    );
});

test('a worker in the shared arena trains the same weights, bit for bit, as one copying through buffers', async () => {
  const data = take(loadMnist(defaultMnistDir()).train, 300);
  const run = async (copying: boolean) => {
    const model = new Sequential(tutorialPreset.spec, { seed: 7 });
    const gradients = await createShardedGradients(model, 2, 32, (init) =>
      spawnNodeWorker(copying ? { ...init, arenaMemory: undefined } : init),
    );
    try {
      const step = createTrainStep(gradients, new SGD());
      for (let start = 0; start + 32 <= data.count; start += 32)
        step.samples(data, null, start, 32, 0.1);
      return { shared: gradients.sharedArena, weights: model.params().map((p) => [...p.value]) };
    } finally {
      await gradients.close();
    }
  };
  const inPlace = await run(false);
  const copied = await run(true);
  assert.equal(copied.shared, false);
  assert.equal(inPlace.shared, arenaShared() && simdAvailable());
  assert.deepEqual(inPlace.weights, copied.weights);
});
