/** `cnn predict`: classifies pictures of handwritten digits with a saved model. */
import { dirname, join } from 'node:path';
import type { ClassProbability } from '../../src/image/classify.js';
import { MNIST_SIZE } from '../../src/image/mnistPreprocess.js';
import { writeGrayPng } from '../../src/io/imageFiles.js';
import { readModelFile } from '../../src/io/modelFiles.js';
import { predictImageFile } from '../../src/io/predictImageFile.js';
import type { Sequential } from '../../src/model/sequential.js';
import { choiceFlag, commandFlags, UsageError } from '../args.js';
import { type ImageInput, imageInputs } from '../imageInputs.js';
import { Output } from '../output.js';
import { ensureFolder, ensureWritableFolder } from '../outputFolder.js';

export const predictHelp = `Usage: cnn predict --model FILE IMAGE|FOLDER... [--json] [--invert auto|yes|no] [--save-input DIR]

Says which digit each picture shows: the 3 most probable classes with their probabilities.

Takes PNG and JPEG files, and folders: every .png, .jpg and .jpeg file in a folder and its
subfolders, in name order (other files are skipped and counted; links to folders are not
followed). Every picture is read, whatever happens to the others: one line each on stdout, its
prediction or 'FILE: error: why'. Then 'N images, M failed' on stderr; the exit code is 1 if
any failed. A progress bar shows on stderr when it is a terminal and there are over 50 pictures.

Each picture is prepared the way MNIST was made: grayscale (BT.601 luma, transparency over
white); inverted if the digit is dark on a light background (the border is lighter than mid-gray)
so the ink is white on black; the local paper level subtracted (so shadows and gray paper become
black; see docs/images.md); cropped to the bounding box of the ink (blobs under 10% of the
largest one's size, such as dust, ignored); scaled, aspect kept, so the longer side is 20 px
(area averaging); placed in a 28x28 field with its centre of mass at the centre.

  --model FILE       model written by 'cnn train --out FILE' (28x28x1 input)
  --invert MODE      auto (default), yes (always: dark ink on light) or no (never)
  --save-input DIR   also write each prepared 28x28 image as DIR/NAME-28x28.png (a picture
                     found in a folder keeps its subfolders: DIR/SUB/NAME-28x28.png)
  --json             stdout is one line, a JSON array with one object per picture:
                     {"file": ..., "top": [{"label": 7, "probability": 0.98}, ...]} or
                     {"file": ..., "error": "..."}; the lines for people go to stderr
`;

/** The flags predictHelp lists. */
const predictFlags = {
  strings: ['model', 'invert', 'save-input'],
  positionals: true,
} as const;

/** Above this many pictures a terminal gets a progress bar. */
const PROGRESS_FROM = 50;

/** One picture's outcome, as --json prints it: small, so nothing grows with the count. */
type PredictEntry = { file: string; top: ClassProbability[] } | { file: string; error: string };

export function predictCommand(args: string[]): number {
  const flags = commandFlags(args, predictHelp, predictFlags);
  if (!flags) return 0;
  const { values, positionals } = flags;
  if (!values.model) throw new UsageError('predict needs --model FILE');
  if (positionals.length === 0) throw new UsageError('predict needs at least one IMAGE or FOLDER');
  const invertFlag = choiceFlag(values.invert, 'invert', ['auto', 'yes', 'no'] as const) ?? 'auto';
  const invert = invertFlag === 'auto' ? 'auto' : invertFlag === 'yes';
  const out = new Output(values.json ?? false, process.stderr);
  const { model } = readModelFile(values.model);
  const [h, w, c] = model.inputShape;
  if (h !== MNIST_SIZE || w !== MNIST_SIZE || c !== 1) {
    throw new Error(
      `${values.model}: predict needs a model with 28x28x1 input, this one takes ${h}x${w}x${c}`,
    );
  }
  const saveDir = values['save-input'];
  // Before the first picture: a long run must not end in 'cannot write'.
  if (saveDir) ensureWritableFolder(saveDir);
  // Counting first walks the folders twice, so only when a bar will show it.
  const total = out.barVisible ? countPictures(positionals) : 0;
  const save = saveDir ? preparedImageWriter(saveDir) : undefined;
  let pictures = 0;
  let failed = 0;
  let skipped = 0;
  for (const input of imageInputs(positionals)) {
    if (input.kind === 'skipped') {
      skipped++;
      continue;
    }
    const entry = predictOne(model, input, invert, save);
    pictures++;
    if ('error' in entry) {
      failed++;
      out.line(`${entry.file}: error: ${entry.error}`);
    } else {
      const top = entry.top.map((t) => `${t.label} (${(t.probability * 100).toFixed(1)}%)`);
      out.line(`${entry.file}: ${top.join(', ')}`);
    }
    if (out.json) out.resultElement(entry);
    if (total > PROGRESS_FROM) out.progress('predict', pictures, Math.max(total, pictures));
  }
  const others = skipped > 0 ? `, ${plural(skipped, 'other file')} skipped` : '';
  if (pictures === 0) throw new Error(`no PNG or JPEG images in ${positionals.join(' ')}${others}`);
  if (out.json) out.endResultArray();
  out.note(`${plural(pictures, 'image')}, ${failed} failed${others}`);
  return failed > 0 ? 1 : 0;
}

/** Reads, prepares and classifies one picture; any failure becomes its entry's error. */
function predictOne(
  model: Sequential,
  input: Exclude<ImageInput, { kind: 'skipped' }>,
  invert: 'auto' | boolean,
  save: ((name: string, pixels: Uint8Array) => void) | undefined,
): PredictEntry {
  const file = input.path;
  if (input.kind === 'unreadable') return { file, error: input.message };
  try {
    const { top, digit } = predictImageFile(model, file, { invert });
    save?.(input.name, digit.pixels);
    return { file, top };
  } catch (e) {
    const message = (e as Error).message;
    // The printed line starts with the file's name already: do not repeat it.
    return {
      file,
      error: message.startsWith(`${file}: `) ? message.slice(file.length + 2) : message,
    };
  }
}

/** Writes prepared images under `dir` as NAME-28x28.png, creating subfolders as they come. */
function preparedImageWriter(dir: string): (name: string, pixels: Uint8Array) => void {
  let lastFolder = dir;
  return (name, pixels) => {
    const path = join(dir, `${name.replace(/\.[^./]*$/, '')}-28x28.png`);
    const folder = dirname(path);
    if (folder !== lastFolder) {
      ensureFolder(folder);
      lastFolder = folder;
    }
    writeGrayPng(path, { width: MNIST_SIZE, height: MNIST_SIZE, data: pixels });
  };
}

/** How many pictures (and unreadable folders) a walk will meet. */
function countPictures(paths: readonly string[]): number {
  let n = 0;
  for (const input of imageInputs(paths)) if (input.kind !== 'skipped') n++;
  return n;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
