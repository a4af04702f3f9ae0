/** `cnn predict`: classifies pictures of handwritten digits with a saved model. */
import { basename, extname, join } from 'node:path';
import { classify, topK } from '../../src/image/classify.js';
import { grayscale } from '../../src/image/grayscale.js';
import { MNIST_SIZE, preprocessDigit } from '../../src/image/mnistPreprocess.js';
import { readImage, writeGrayPng } from '../../src/io/imageFiles.js';
import { readModelFile } from '../../src/io/modelFiles.js';
import { choiceFlag, commandFlags, UsageError } from '../args.js';
import { Output } from '../output.js';
import { ensureFolder } from '../outputFolder.js';

export const predictHelp = `Usage: cnn predict --model FILE IMAGE... [--json] [--invert auto|yes|no] [--save-input DIR]

Says which digit each picture shows: the 3 most probable classes with their probabilities.

Each PNG or JPEG is prepared the way MNIST was made: grayscale (BT.601 luma, transparency over
white); inverted if the digit is dark on a light background (the border is lighter than mid-gray)
so the ink is white on black; the local paper level subtracted (so shadows and gray paper become
black; see docs/images.md); cropped to the bounding box of the ink (blobs under 10% of the
largest one's size, such as dust, ignored); scaled, aspect kept, so the longer side is 20 px
(area averaging); placed in a 28x28 field with its centre of mass at the centre.

  --model FILE       model written by 'cnn train --out FILE' (28x28x1 input)
  --invert MODE      auto (default), yes (always: dark ink on light) or no (never)
  --save-input DIR   also write each prepared 28x28 image as DIR/NAME-28x28.png
  --json             the last line of stdout is a JSON array, one object per image:
                     {"file": ..., "top": [{"label": 7, "probability": 0.98}, ...]}
`;

/** The flags predictHelp lists. */
const predictFlags = {
  strings: ['model', 'invert', 'save-input'],
  positionals: true,
} as const;

export function predictCommand(args: string[]): number {
  const flags = commandFlags(args, predictHelp, predictFlags);
  if (!flags) return 0;
  const { values, positionals } = flags;
  if (!values.model) throw new UsageError('predict needs --model FILE');
  if (positionals.length === 0) throw new UsageError('predict needs at least one IMAGE');
  const invertFlag = choiceFlag(values.invert, 'invert', ['auto', 'yes', 'no'] as const) ?? 'auto';
  const invert = invertFlag === 'auto' ? 'auto' : invertFlag === 'yes';
  const out = new Output(values.json ?? false);
  const { model } = readModelFile(values.model);
  const [h, w, c] = model.inputShape;
  if (h !== MNIST_SIZE || w !== MNIST_SIZE || c !== 1) {
    throw new Error(
      `${values.model}: predict needs a model with 28x28x1 input, this one takes ${h}x${w}x${c}`,
    );
  }
  const saveDir = values['save-input'];
  if (saveDir) ensureFolder(saveDir);
  const results = positionals.map((file) => {
    let digit: ReturnType<typeof preprocessDigit>;
    try {
      digit = preprocessDigit(grayscale(readImage(file)), invert);
    } catch (e) {
      const m = (e as Error).message;
      throw new Error(m.startsWith(file) ? m : `${file}: ${m}`);
    }
    if (saveDir) {
      const name = `${basename(file, extname(file))}-28x28.png`;
      writeGrayPng(join(saveDir, name), {
        width: MNIST_SIZE,
        height: MNIST_SIZE,
        data: digit.pixels,
      });
    }
    const top = topK(classify(model, digit.pixels), 3);
    out.line(
      `${file}: ${top.map((t) => `${t.label} (${(t.probability * 100).toFixed(1)}%)`).join(', ')}`,
    );
    return { file, top };
  });
  if (out.json) out.result(results);
  return 0;
}
