/**
 * `cnn visualize`: pictures of what a trained network does (tutorial Figures 13 and 15): the first
 * conv layer's filters, every conv and pool layer's feature maps for one test image, the image,
 * and loss/accuracy curves of a training run.
 */
import { join } from 'node:path';
import { fingerprintOf } from '../../src/data/fingerprint.js';
import { loadSplit } from '../../src/data/mnistFiles.js';
import { layerActivations } from '../../src/image/activations.js';
import { classify, topK } from '../../src/image/classify.js';
import { featureMapTiles, filterTiles, firstConv } from '../../src/image/networkTiles.js';
import { channelOf, tileGrid } from '../../src/image/tileGrid.js';
import { writeGrayPng } from '../../src/io/imageFiles.js';
import { readModelFile } from '../../src/io/modelFiles.js';
import { commandFlags, intFlag, UsageError } from '../args.js';
import { readTrainingHistory, writeTrainingChart } from '../charts.js';
import { dataFolderFor, dataWarning } from '../modelData.js';
import { Output } from '../output.js';
import { ensureWritableFolder } from '../outputFolder.js';

export const visualizeHelp = `Usage: cnn visualize --model FILE --out DIR [--sample N] [--data DIR] [--history FILE] [--json]

Draws what a trained network does: its filters, feature maps of one test image, training curves.

Writes into DIR:
  input-N.png          test image N (zoomed 8x)
  filters-layer1.png   the first conv layer's filters, one tile per filter (a row per input
                       channel), on one shared symmetric scale: 0 is mid-gray, the largest |weight|
                       of the layer is black (negative) or white (positive)
  layerK-KIND.png      the output of every conv and pool layer K, one tile per channel, each tile
                       min-max scaled on its own (its lowest value black, its highest white)
  training-curves.svg  loss and accuracy per epoch, if a training history is given

  --model FILE     model written by 'cnn train --out FILE'
  --out DIR        folder for the pictures (created if missing)
  --sample N       index of the test image, from 0 (default 0)
  --data DIR       folder with t10k- images/labels IDX files (default: the folder the model
                   was trained on, as the file records it; MNIST if it records none)
  --history FILE   the output of 'cnn train --json' (its last line: epochLogs, testLoss,
                   testAccuracy), to draw the training curves
  --json           print one JSON object (sample, label, top classes, files) as the last line
`;

/** The flags visualizeHelp lists. */
const visualizeFlags = {
  strings: ['model', 'out', 'sample', 'data', 'history'],
} as const;

/** About 104 px per tile (a 26x26 map at 4x, 13x13 at 8x). */
function zoomFor(size: number): number {
  return Math.max(1, Math.round(104 / size));
}

export function visualizeCommand(args: string[]): number {
  const flags = commandFlags(args, visualizeHelp, visualizeFlags);
  if (!flags) return 0;
  const { values } = flags;
  if (!values.model) throw new UsageError('visualize needs --model FILE');
  if (!values.out) throw new UsageError('visualize needs --out DIR');
  const dir = values.out;
  ensureWritableFolder(dir);
  const out = new Output(values.json ?? false);
  const { model, metadata } = readModelFile(values.model);
  const history = values.history ? readTrainingHistory(values.history) : null;
  const testSet = loadSplit(dataFolderFor(values.data, metadata, values.model), 't10k');
  const sample = intFlag(values.sample, 'sample', 0) ?? 0;
  if (sample >= testSet.count)
    throw new UsageError(
      `--sample ${sample}: the test set has ${testSet.count} images (0 to ${testSet.count - 1})`,
    );
  const warning = dataWarning(
    metadata,
    'test',
    fingerprintOf(testSet),
    values.model,
    'the pictures show an image it was not tested on',
    false,
  );
  if (warning) out.warn(warning);
  const [h, w, c] = model.inputShape;
  if (testSet.height !== h || testSet.width !== w || testSet.channels !== c) {
    throw new Error(
      `test images are ${testSet.height}x${testSet.width}x${testSet.channels}, the model takes ${h}x${w}x${c}`,
    );
  }
  const px = h * w * c;
  const pixels = testSet.images.subarray(sample * px, (sample + 1) * px);
  const written: string[] = [];
  const write = (name: string, img: Parameters<typeof writeGrayPng>[1]) => {
    const path = join(dir, name);
    writeGrayPng(path, img);
    written.push(path);
  };

  const inputTiles = Array.from({ length: c }, (_, ch) => channelOf(pixels, h, w, c, ch));
  write(
    `input-${sample}.png`,
    tileGrid(
      inputTiles.map((t) => Uint8Array.from(t)),
      h,
      w,
      { zoom: 8, gap: 0 },
    ),
  );

  const conv = firstConv(model);
  if (conv) {
    const k = conv.config.kernelSize;
    const index = model.layers.indexOf(conv) + 1;
    write(
      `filters-layer${index}.png`,
      tileGrid(filterTiles(conv), k, k, {
        columns: conv.config.filters,
        zoom: Math.max(4, Math.round(72 / k)),
        gap: 4,
      }),
    );
  }

  for (const act of layerActivations(model, pixels)) {
    if (act.shape.length !== 3) continue;
    const [ah, aw, ac] = act.shape;
    write(
      `layer${act.index + 1}-${act.kind}.png`,
      tileGrid(featureMapTiles(act), ah, aw, {
        columns: Math.min(ac, 4),
        zoom: zoomFor(Math.max(ah, aw)),
        gap: 4,
      }),
    );
  }

  if (history) written.push(writeTrainingChart(dir, history.epochs, history.test));

  const top = topK(classify(model, pixels), 3);
  const label = testSet.labels[sample];
  out.line(
    `Test image ${sample} (label ${label}): predicted ${top.map((t) => `${t.label} (${(t.probability * 100).toFixed(1)}%)`).join(', ')}`,
  );
  for (const f of written) out.line(`  wrote ${f}`);
  if (out.json) out.result({ sample, label, top, files: written, warnings: out.warnings });
  return 0;
}
