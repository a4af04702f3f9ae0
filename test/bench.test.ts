/** The benchmark harness's arithmetic and formatting: medians, figures, ratios, the table. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from '../bench/args.js';
import { torchBlasWarning } from '../bench/machine.js';
import { benchNetworks } from '../bench/networks.js';
import { toPeerArch } from '../bench/peerArch.js';
import { type Row, resultsTable, spliceReport } from '../bench/report.js';
import { formatMiB, formatRate, formatRatio, median } from '../bench/stats.js';
import { markdownTable } from '../bench/table.js';
import { Sequential } from '../src/model/sequential.js';
import { tutorialPreset } from '../src/presets.js';

test('median of odd and even counts, order-independent', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.throws(() => median([]), /empty/);
});

test('rates, ratios and sizes read as people write them', () => {
  assert.equal(formatRate(5312.4), '5,312');
  assert.equal(formatRate(55.26), '55.3');
  assert.equal(formatRate(0.0951), '0.0951');
  assert.equal(formatRatio(5300, 55), '96x');
  assert.equal(formatRatio(2400, 5300), '0.45x');
  assert.equal(formatRatio(44000, 44000), '1x');
  assert.equal(formatRatio(100, 0), '—');
  assert.equal(formatMiB(105_758_720), '101 MB');
});

test('markdown table pads columns and right-aligns numbers', () => {
  const table = markdownTable(
    ['net', 'img/s'],
    [
      ['tutorial', '5,300'],
      ['a|b', '55'],
    ],
    ['left', 'right'],
  );
  assert.equal(
    table,
    [
      '| net      | img/s |',
      '| -------- | ----: |',
      '| tutorial | 5,300 |',
      '| a\\|b     |    55 |',
    ].join('\n'),
  );
  assert.throws(() => markdownTable(['a', 'b'], [['1']]), /row 1 has 1 cells/);
});

test('results table shows our median, peak RSS and each peer with its ratio', () => {
  const rows: Row[] = [
    {
      netTitle: 'tutorial net',
      task: 'train',
      batch: 1,
      threads: 1,
      ours: { id: 'o', runs: [900, 1000, 1100, 5000, 10], maxRssBytes: 100 * 2 ** 20 },
      peers: { torch1: { id: 't', runs: [2000, 2000, 2000, 2000, 2000] } },
    },
    {
      netTitle: 'best',
      task: 'timeToAccuracy',
      batch: 64,
      threads: 1,
      target: 0.992,
      ours: { id: 'b', seconds: 87.4, epochs: 3, accuracy: 0.99251 },
      peers: { torch1: { id: 'tb', seconds: 174.8, epochs: 2, accuracy: 0.9931 } },
    },
  ];
  const lines = resultsTable(rows).split('\n');
  assert.equal(lines.length, 4);
  assert.match(
    lines[0],
    /\| network +\| measure +\| batch \| threads \| +cnn-ts \| peak RSS \| +PyTorch 1 thr \|/,
  );
  assert.match(lines[2], /\| +1,000 \| +100 MB \| +2,000 \(0\.5x\) \|$/);
  // Time to accuracy: (Nx) is how many times faster cnn-ts got there, peer seconds / ours.
  assert.match(
    lines[3],
    /wall s to 99\.2% test .*\| 87 s \(3 epochs, 99\.25%\) \| .*\| 175 s \(2 epochs, 99\.31%\) \(2x\) \|$/,
  );
});

test('the tutorial net maps to the same PyTorch modules, with the weight layouts', () => {
  assert.deepEqual(toPeerArch(tutorialPreset.spec), {
    input: [28, 28, 1],
    modules: [
      {
        module: 'Conv2d',
        args: {
          in_channels: 1,
          out_channels: 8,
          kernel_size: 3,
          stride: 1,
          padding: [0, 0],
          bias: false,
        },
        tensors: { filters: { name: 'weight', permute: [3, 2, 0, 1] } },
      },
      { module: 'MaxPool2d', args: { kernel_size: 2, stride: 2 } },
      { module: 'Flatten' },
      {
        module: 'Linear',
        args: { in_features: 1352, out_features: 10, bias: true },
        tensors: {
          weights: {
            name: 'weight',
            view: [13, 13, 8, 10],
            permute: [3, 2, 0, 1],
            reshape: [10, 1352],
          },
          bias: { name: 'bias' },
        },
      },
    ],
  });
});

test('every bench network builds and maps to a PyTorch architecture', () => {
  assert.deepEqual(
    benchNetworks.map((n) => n.key),
    ['tutorial', 'keras', 'best', 'fast'],
  );
  assert.deepEqual(benchNetworks[0].trainBatches, [1, 32, 128]);
  for (const net of benchNetworks) {
    const model = new Sequential(net.spec, { seed: 1 });
    assert.equal(model.numClasses, 10, net.key);
    assert.equal(toPeerArch(net.spec).modules.length > 0, true, net.key);
  }
});

test('bench arguments', () => {
  assert.deepEqual(parseArgs(['--quick', '--out', 'x.md']), {
    quick: true,
    out: 'x.md',
    json: false,
    help: false,
  });
  assert.equal(parseArgs(['--out=y.md', '--json']).out, 'y.md');
  assert.throws(() => parseArgs(['--fast']), /unknown option --fast/);
  assert.throws(() => parseArgs(['--out']), /--out needs a file name/);
});

test('--out replaces only the text between the markers of an existing file', () => {
  const doc = 'intro\n<!-- bench:start -->\nold table\n<!-- bench:end -->\noutro\n';
  assert.equal(
    spliceReport(doc, 'new table\n'),
    'intro\n<!-- bench:start -->\nnew table\n<!-- bench:end -->\noutro\n',
  );
  assert.equal(spliceReport('no markers\n', 'new table\n'), 'new table\n');
  assert.equal(spliceReport(null, 'new table\n'), 'new table\n');
});

test("a warning when torch's BLAS is not OpenBLAS's OpenMP build", () => {
  const lib = '/usr/lib/x86_64-linux-gnu';
  assert.equal(torchBlasWarning(`${lib}/openblas-openmp/libblas.so.3`), null);
  assert.equal(torchBlasWarning(undefined), null, 'no torch, nothing to warn about');
  for (const blas of [`${lib}/openblas-pthread/libblas.so.3`, `${lib}/blas/libblas.so.3`]) {
    assert.match(
      torchBlasWarning(blas) ?? '',
      /not the OpenMP OpenBLAS build.*libopenblas0-openmp/,
    );
  }
});
