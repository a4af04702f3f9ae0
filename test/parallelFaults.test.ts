/**
 * Dying workers: a worker that exits, throws or stops answering mid-step ends the step with a
 * one-line error naming the worker and the cause within 2 seconds, instead of leaving the main
 * thread in Atomics.wait for ever. Faults are injected through the workers' test-only hook.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Sequential } from '../src/model/sequential.js';
import type { ModelSpec } from '../src/model/spec.js';
import { spawnNodeWorker } from '../src/parallel/nodeTransport.js';
import type { WorkerFault } from '../src/parallel/protocol.js';
import { createShardedGradients } from '../src/parallel/shardedGradients.js';
import { Random } from '../src/random/prng.js';

const spec: ModelSpec = {
  input: { shape: [8, 8, 1], scale: 1, offset: 0 },
  layers: [
    { type: 'conv2d', filters: 4, kernelSize: 3 },
    { type: 'relu' },
    { type: 'flatten' },
    { type: 'dense', units: 10 },
  ],
};

// With batch norm the main thread waits for the workers inside the step too (cross-thread sums).
const batchNormSpec: ModelSpec = {
  ...spec,
  layers: [spec.layers[0], { type: 'batchNorm' }, ...spec.layers.slice(1)],
};

const batch = 24;
const rng = new Random(5);
const x = Float32Array.from({ length: batch * 64 }, () => rng.uniform());
const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);

const cases: { fault: WorkerFault['kind']; message: RegExp }[] = [
  { fault: 'exit', message: /^worker 2 exited \(exit code 7\)$/ },
  { fault: 'throw', message: /^worker 2 failed: injected fault$/ },
  { fault: 'hang', message: /^worker 2 stopped answering: nothing from it for 1\.\d s while/ },
];

for (const [net, modelSpec] of [
  ['', spec],
  [' (batch norm)', batchNormSpec],
] as const)
  for (const { fault, message } of cases) {
    test(`a worker that ${fault === 'hang' ? 'stops answering' : `${fault}s`} mid-step ends the step within 2 s, naming the cause${net}`, async () => {
      const model = new Sequential(modelSpec, { seed: 2 });
      const trainer = await createShardedGradients(model, 3, batch, (init) =>
        spawnNodeWorker({ ...init, fault: { worker: 2, step: 3, kind: fault } }),
      );
      try {
        trainer.compute(x, labels, batch);
        trainer.compute(x, labels, batch);
        const started = performance.now();
        let error: unknown;
        try {
          trainer.compute(x, labels, batch);
        } catch (e) {
          error = e;
        }
        const seconds = (performance.now() - started) / 1000;
        assert.ok(error instanceof Error, 'the step must fail');
        assert.match(error.message, message);
        assert.ok(!error.message.includes('\n'), 'one line');
        assert.ok(seconds < 2, `ended after ${seconds.toFixed(2)} s`);
      } finally {
        await trainer.close();
      }
    });
  }
