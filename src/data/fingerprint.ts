/**
 * A data fingerprint: what a model was trained or tested on, small enough for a model file's
 * metadata, so that a later run on other images can say so instead of printing figures that
 * silently belong to another dataset. Browser-safe: plain bytes in, JSON out.
 */
import type { Dataset } from './dataset.js';

const FNV_OFFSET_32 = 0x811c9dc5;
const FNV_PRIME_32 = 0x01000193;

/**
 * FNV-1a, 32-bit, over `bytes`, continuing from `hash` (default the FNV offset basis). Not
 * cryptographic: it tells datasets apart, it does not resist someone forging a collision.
 */
export function fnv1a32(bytes: Uint8Array, hash = FNV_OFFSET_32): number {
  let h = hash;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], FNV_PRIME_32);
  return h >>> 0;
}

/** What a split of images was used: the first `count` of `splitCount` images. */
export interface DataFingerprint {
  /** Images used (the first `count` of the split). */
  count: number;
  /** Images in the whole split. */
  splitCount: number;
  /** [height, width, channels] of each image. */
  imageShape: [number, number, number];
  /** `fnv1a32:` then the FNV-1a hashes of the used images' bytes and of their labels, 8 hex each. */
  hash: string;
  /** The same over the whole split, so a run on another number of the same images is told apart. */
  splitHash: string;
}

const hex = (n: number) => n.toString(16).padStart(8, '0');

/** The fingerprint of the first `count` images of `split` (all of them if it has fewer). */
export function fingerprintOf(split: Dataset, count = split.count): DataFingerprint {
  const n = Math.min(count, split.count);
  const px = split.height * split.width * split.channels;
  // One pass over the bytes: the whole split's hash continues from the used images' hash.
  const usedImages = fnv1a32(split.images.subarray(0, n * px));
  const usedLabels = fnv1a32(split.labels.subarray(0, n));
  const allImages = fnv1a32(split.images.subarray(n * px, split.count * px), usedImages);
  const allLabels = fnv1a32(split.labels.subarray(n, split.count), usedLabels);
  return {
    count: n,
    splitCount: split.count,
    imageShape: [split.height, split.width, split.channels],
    hash: `fnv1a32:${hex(usedImages)}${hex(usedLabels)}`,
    splitHash: `fnv1a32:${hex(allImages)}${hex(allLabels)}`,
  };
}

/** Whether `v` (from a model file's JSON metadata) is a fingerprint this build can compare. */
export function isDataFingerprint(v: unknown): v is DataFingerprint {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as Record<string, unknown>;
  const whole = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  return (
    whole(f.count) &&
    whole(f.splitCount) &&
    Array.isArray(f.imageShape) &&
    f.imageShape.length === 3 &&
    f.imageShape.every(whole) &&
    typeof f.hash === 'string' &&
    typeof f.splitHash === 'string'
  );
}

/**
 * How the images a run uses (`now`) differ from the recorded ones, as words that follow "this run
 * uses", or undefined when they are the same. `images` names the split ("test images").
 * `countMatters` is false for a run that picks single images by index: only the split is compared.
 */
export function fingerprintDifference(
  recorded: DataFingerprint,
  now: DataFingerprint,
  images: string,
  countMatters = true,
): string | undefined {
  const shape = (s: readonly number[]) => s.join('x');
  if (shape(recorded.imageShape) !== shape(now.imageShape))
    return `${images} of ${shape(now.imageShape)}, not ${shape(recorded.imageShape)}`;
  if (!countMatters) return recorded.splitHash === now.splitHash ? undefined : `other ${images}`;
  if (recorded.count === now.count && recorded.hash === now.hash) return undefined;
  if (recorded.splitHash === now.splitHash)
    return `${now.count} of the same ${images}, not ${recorded.count}`;
  return recorded.count === now.count
    ? `other ${images} (as many: ${now.count})`
    : `other ${images} (${now.count}, not ${recorded.count})`;
}
