/** `cnn sobel`: the tutorial's Sobel filters (3.1.3.1, Figures 8-11) applied to a picture. */
import { basename, dirname, extname, join } from 'node:path';
import { absClipToBytes } from '../../src/image/displayScale.js';
import { gradientMagnitude, sobel } from '../../src/image/sobel.js';
import { readImage, writeGrayPng } from '../../src/io/imageFiles.js';
import { commandFlags, UsageError } from '../args.js';
import { Output } from '../output.js';
import { ensureWritableFolder } from '../outputFolder.js';

export const sobelHelp = `Usage: cnn sobel IMAGE [--out DIR] [--clip P] [--json]

Applies the tutorial's vertical and horizontal Sobel filters to a PNG or JPEG and writes three PNGs.

Reads PNG (gray, RGB, palette, with or without alpha, 8 or 16 bit) or JPEG (turned upright by
its Exif orientation), up to 100 megapixels. Converts to grayscale with ITU-R BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B
(samples scaled to 0..255), transparency composited over white.
Convolves with the library's conv kernel, 'same' zero padding (output size = input size, so the
outermost pixels also respond to the zero border), in strips of 64 rows to bound memory:
  vertical   [-1 0 1; -2 0 2; -1 0 1]     horizontal [1 2 1; 0 0 0; -1 -2 -1]
Writes, in DIR (default: the image's folder), for IMAGE = NAME.ext:
  NAME-sobel-vertical.png, NAME-sobel-horizontal.png, NAME-sobel-magnitude.png
Display scaling: the absolute response |v| (magnitude sqrt(v^2 + h^2)), black at 0 and white at
the P-th percentile of that picture's values; stronger responses clip to white.

  --out DIR     folder for the three PNGs (created if missing)
  --clip P      percentile shown as white, 50 < P <= 100 (default 99.5; 100 = min-max of |v|)
  --json        print one JSON object as the last line of stdout
`;

/** The flags sobelHelp lists. */
const sobelFlags = { strings: ['out', 'clip'], positionals: true } as const;

export function sobelCommand(args: string[]): number {
  const flags = commandFlags(args, sobelHelp, sobelFlags);
  if (!flags) return 0;
  const { values, positionals } = flags;
  if (positionals.length !== 1) throw new UsageError('sobel needs exactly one IMAGE');
  const clip = values.clip === undefined ? 99.5 : Number(values.clip);
  if (!Number.isFinite(clip) || clip <= 50 || clip > 100) {
    throw new UsageError(
      `--clip must be a percentile above 50 and at most 100, got '${values.clip}'`,
    );
  }
  const out = new Output(values.json ?? false);
  const path = positionals[0];
  const dir = values.out ?? dirname(path);
  ensureWritableFolder(dir);
  const started = performance.now();
  const raster = readImage(path);
  const { width, height } = raster;
  const result = sobel(raster);
  const name = basename(path, extname(path));
  const files = {
    vertical: join(dir, `${name}-sobel-vertical.png`),
    horizontal: join(dir, `${name}-sobel-horizontal.png`),
    magnitude: join(dir, `${name}-sobel-magnitude.png`),
  };
  writeGrayPng(files.vertical, { width, height, data: absClipToBytes(result.vertical, clip) });
  writeGrayPng(files.horizontal, { width, height, data: absClipToBytes(result.horizontal, clip) });
  const magnitude = gradientMagnitude(result);
  writeGrayPng(files.magnitude, { width, height, data: absClipToBytes(magnitude, clip) });
  const seconds = (performance.now() - started) / 1000;
  out.line(`Sobel of ${path} (${width}x${height}) in ${seconds.toFixed(2)} s:`);
  for (const f of Object.values(files)) out.line(`  wrote ${f}`);
  if (out.json) out.result({ image: path, width, height, clipPercentile: clip, ...files, seconds });
  return 0;
}
