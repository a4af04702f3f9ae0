/** Image files: lossless PNG round trips, 16-bit and alpha handling, the grayscale formula, headers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { grayscale } from '../src/image/grayscale.js';
import { readImageHeader } from '../src/image/imageHeader.js';
import { decodeImage, encodeGrayPng, encodeJpeg, encodeRgbPng } from '../src/io/imageFiles.js';
import { Random } from '../src/random/prng.js';
import { withExifOrientation } from './fixtures/exif.js';
import { assertClose } from './helpers.js';

function randomBytes(n: number, seed: number): Uint8Array {
  const rng = new Random(seed);
  return Uint8Array.from({ length: n }, () => rng.int(256));
}

test('a generated gray PNG round-trips losslessly', () => {
  const img = { width: 37, height: 23, data: randomBytes(37 * 23, 1) };
  const raster = decodeImage(encodeGrayPng(img), 'gray.png');
  assert.deepEqual([raster.width, raster.height, raster.maxValue], [37, 23, 255]);
  const back = grayscale(raster);
  assert.deepEqual(Array.from(back.data, Math.round), Array.from(img.data));
  // Gray stays exact through the luma weights (they sum to 1).
  assertClose(back.data, Array.from(img.data), 0, 1e-4);
});

test('a generated RGB PNG round-trips losslessly', () => {
  const rgb = randomBytes(19 * 11 * 3, 2);
  const raster = decodeImage(encodeRgbPng(19, 11, rgb), 'rgb.png');
  for (let i = 0; i < 19 * 11; i++) {
    assert.deepEqual(Array.from(raster.data.subarray(4 * i, 4 * i + 4)), [
      rgb[3 * i],
      rgb[3 * i + 1],
      rgb[3 * i + 2],
      255,
    ]);
  }
});

test('grayscale is BT.601 luma with transparency composited over white', () => {
  // Pure red, green, blue, then a half-transparent black and a fully transparent black.
  const png = new PNG({ width: 5, height: 1 });
  png.data = Buffer.from([
    255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 0, 0, 0, 128, 0, 0, 0, 0,
  ]);
  const gray = grayscale(decodeImage(PNG.sync.write(png), 'rgba.png'));
  const half = 128 / 255;
  assertClose(
    gray.data,
    [0.299 * 255, 0.587 * 255, 0.114 * 255, 255 * (1 - half), 255],
    1e-6,
    1e-3,
  );
});

test('16-bit PNG samples keep their 16-bit precision', () => {
  const values = [0, 1, 257, 32768, 65534, 65535];
  const png = new PNG({ width: values.length, height: 1, bitDepth: 16, inputHasAlpha: true });
  const samples = new Uint16Array(values.length * 4);
  values.forEach((v, i) => {
    samples.set([v, v, v, 65535], 4 * i);
  });
  png.data = Buffer.from(samples.buffer);
  const bytes = PNG.sync.write(png, { bitDepth: 16, colorType: 0, inputColorType: 6 });
  assert.equal(readImageHeader(bytes).bitDepth, 16);
  const raster = decodeImage(bytes, 'deep.png');
  assert.equal(raster.maxValue, 65535);
  assert.deepEqual(
    values.map((_, i) => raster.data[4 * i]),
    values,
  );
  assertClose(
    grayscale(raster).data,
    values.map((v) => (v / 65535) * 255),
    1e-6,
    1e-4,
  );
});

test('a JPEG decodes to the right size and close to the encoded colours', () => {
  const w = 32;
  const h = 16;
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) rgba.set([200, 120, 40, 255], 4 * i);
  const bytes = encodeJpeg(w, h, rgba, 95);
  assert.deepEqual(readImageHeader(bytes), { format: 'jpeg', width: w, height: h, bitDepth: 8 });
  const raster = decodeImage(bytes, 'flat.jpg');
  assert.deepEqual([raster.width, raster.height], [w, h]);
  const luma = 0.299 * 200 + 0.587 * 120 + 0.114 * 40;
  for (const v of grayscale(raster).data) assert.ok(Math.abs(v - luma) < 3, `gray ${v} vs ${luma}`);
});

test('headers: format and size are read before decoding; bad ones are refused in one line', () => {
  const png = encodeGrayPng({ width: 3, height: 2, data: new Uint8Array(6) });
  assert.deepEqual(readImageHeader(png), { format: 'png', width: 3, height: 2, bitDepth: 8 });
  const withSize = (w: number, h: number) => {
    const b = Uint8Array.from(png);
    const v = new DataView(b.buffer);
    v.setUint32(16, w);
    v.setUint32(20, h);
    return b;
  };
  assert.throws(
    () => readImageHeader(new TextEncoder().encode('hello')),
    /^Error: not a PNG or JPEG image$/,
  );
  assert.throws(() => readImageHeader(png.subarray(0, 20)), /truncated PNG/);
  assert.throws(() => readImageHeader(withSize(0, 0)), /image is 0x0: it has no pixels/);
  assert.throws(
    () => readImageHeader(withSize(100000, 100000)),
    /10000 megapixels, more than the limit of 100/,
  );
  // 10000x9000 is under the pixel limit, but a 1 kB file cannot hold it: refused before decoding.
  const lying = new Uint8Array(1000);
  lying.set(withSize(10000, 9000));
  assert.throws(
    () => readImageHeader(lying),
    /claims 10000x9000 pixels, which need at least \d+ bytes, but the file has 1000$/,
  );
  assert.throws(
    () => readImageHeader(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16])),
    /truncated JPEG/,
  );
  // The decoder's own failures name the file and stay on one line.
  assert.throws(
    () => decodeImage(png.subarray(0, png.length - 20), 'cut.png'),
    (e: Error) => /^cut\.png: cannot decode PNG: /.test(e.message) && !e.message.includes('\n'),
  );
});

test('JPEGs are turned upright by their Exif orientation', () => {
  // 3x2 blocks of 8x8 pixels, each one flat gray level, so JPEG keeps them nearly exact.
  const levels = [
    [20, 60, 100],
    [140, 180, 220],
  ];
  const w = 24;
  const h = 16;
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = levels[Math.floor(y / 8)][Math.floor(x / 8)];
      rgba.set([v, v, v, 255], 4 * (y * w + x));
    }
  }
  const plain = encodeJpeg(w, h, rgba, 100);
  /** Gray level at the centre of display block (bx, by). */
  const block = (bytes: Uint8Array, bx: number, by: number) => {
    const g = grayscale(decodeImage(bytes, 'photo.jpg'));
    return Math.round(g.data[(by * 8 + 4) * g.width + bx * 8 + 4] / 10) * 10;
  };
  const size = (bytes: Uint8Array) => {
    const r = decodeImage(bytes, 'photo.jpg');
    return [r.width, r.height];
  };
  assert.deepEqual(size(plain), [24, 16]);
  assert.equal(block(plain, 0, 0), 20);
  // 3: upside down; the stored bottom-right block is shown top-left.
  assert.equal(block(withExifOrientation(plain, 3, false), 0, 0), 220);
  // 6: turn 90 degrees clockwise; stored bottom-left goes to the top-left, top-left to top-right.
  const cw = withExifOrientation(plain, 6, true);
  assert.deepEqual(size(cw), [16, 24]);
  assert.deepEqual([block(cw, 0, 0), block(cw, 1, 0), block(cw, 0, 2)], [140, 20, 220]);
  // 8: turn 90 degrees anticlockwise; stored top-right goes to the top-left.
  const ccw = withExifOrientation(plain, 8, false);
  assert.deepEqual([block(ccw, 0, 0), block(ccw, 1, 0), block(ccw, 1, 2)], [100, 220, 140]);
  // 2: mirrored left to right.
  assert.equal(block(withExifOrientation(plain, 2, true), 0, 0), 100);
});
