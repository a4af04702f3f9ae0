/**
 * The two builds of the SIMD kernels side by side: plain (multiply, then add) and relaxed SIMD
 * (fused multiply-add), on the bench's training rows for the Keras-style CNN and the `best` net
 * (bench batch sizes, one thread), each figure measured by the bench's own cnn-ts process
 * (bench/oursChild.ts: median of 5 timed runs of 1 s after a 0.5 s warm-up) in images per
 * CPU-second, which other jobs on a shared machine distort less than wall time. The builds
 * alternate row by row and round by round, so both see the same machine load; a cell is the
 * median over the rounds. The relaxed runs add `--experimental-wasm-relaxed-simd` where this Node
 * needs it (Node 20); the plain runs set CNN_TS_NO_RELAXED=1.
 * Run: node dist/bench/micro/simdBuilds.js [rounds=3]
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { simdBuild } from '../../src/kernels/wasm/simd.js';
import { runChild } from '../children.js';
import { benchNetworks } from '../networks.js';
import type { OursChildConfig } from '../protocol.js';
import { median } from '../stats.js';

const rounds = Number(process.argv[2] ?? 3);
const oursChild = fileURLToPath(new URL('../oursChild.js', import.meta.url));
const builds = {
  plain: { flags: [], env: { CNN_TS_NO_RELAXED: '1' } },
  relaxed: {
    flags: simdBuild() === 'relaxed' ? [] : ['--experimental-wasm-relaxed-simd'],
    env: { CNN_TS_NO_RELAXED: undefined },
  },
} as const;

const rows = benchNetworks
  .filter((n) => n.key === 'keras' || n.key === 'best')
  .map((net) => ({
    label: `${net.title}, training, batch ${net.trainBatches[0]}, 1 thread`,
    config: {
      kind: 'throughput',
      spec: net.spec,
      case: {
        id: net.key,
        task: 'train',
        batch: net.trainBatches[0] ?? 32,
        learningRate: net.learningRate,
      },
      threads: 1,
      measure: { warmupSeconds: 0.5, runSeconds: 1, runs: 5, clock: 'cpu' },
    } satisfies OursChildConfig,
  }));

const figures = rows.map(() => ({ plain: [] as number[], relaxed: [] as number[] }));
console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`,
);
for (let round = 0; round < rounds; round++) {
  for (const [i, row] of rows.entries()) {
    // Alternate which build goes first, so neither always runs on the warmer machine.
    const order =
      (round + i) % 2 === 0 ? (['plain', 'relaxed'] as const) : (['relaxed', 'plain'] as const);
    for (const build of order) {
      const { flags, env } = builds[build];
      const { output } = await runChild(
        process.execPath,
        [...flags, oursChild, JSON.stringify(row.config)],
        120,
        env,
      );
      const result = output.results?.[0];
      const ran = output.versions?.simd;
      if (!result?.runs || ran !== build)
        throw new Error(
          `${row.label}, ${build}: ${result?.error ?? output.skipped ?? `ran ${ran}`}`,
        );
      figures[i]?.[build].push(median(result.runs));
    }
  }
}
console.log('| row | plain, img per CPU-s | relaxed, img per CPU-s | relaxed / plain |');
console.log('|---|---:|---:|---:|');
for (const [i, row] of rows.entries()) {
  const plain = median(figures[i]?.plain ?? []);
  const relaxed = median(figures[i]?.relaxed ?? []);
  console.log(
    `| ${row.label} | ${Math.round(plain)} | ${Math.round(relaxed)} | ${(relaxed / plain).toFixed(2)}x |`,
  );
}
console.log(
  `median over ${rounds} round(s) of each build; load average at end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`,
);
