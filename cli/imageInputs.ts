/**
 * The pictures a command is given: files as named, and every PNG or JPEG inside a folder and its
 * subfolders, walked lazily (one folder's names in memory at a time) in name order, so a run over
 * any number of pictures starts at once and holds no list of them.
 */
import { lstatSync, readdirSync, type Stats, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { describeFsError } from '../src/io/files.js';

/** The endings of the files a folder walk takes as pictures (any case); others are skipped. */
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);

/** What a walk over the given paths meets, in order. */
export type ImageInput =
  /** A picture to read: `path` to open, `name` its path inside the folder given (for a file
   * named on the command line, its base name), used to name what is written for it. */
  | { kind: 'image'; path: string; name: string }
  /** A file in a folder that is not a PNG or JPEG by its name (a symbolic link to a folder is
   * skipped too, so a link cannot make the walk loop). */
  | { kind: 'skipped'; path: string }
  /** A folder that cannot be listed. */
  | { kind: 'unreadable'; path: string; message: string };

/** True if `name` ends in .png, .jpg or .jpeg, in any case. */
export function hasImageExtension(name: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(name).toLowerCase());
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // missing or unreadable: reading it as a picture says why
  }
}

/**
 * Walks `paths` in the order given: a folder becomes every PNG or JPEG in it and in its
 * subfolders (entries sorted by name, subfolders walked where their name falls); anything else
 * is a picture to read, whatever its name, so a wrong or missing file fails when it is read.
 */
export function* imageInputs(paths: readonly string[]): Generator<ImageInput> {
  for (const path of paths) {
    if (isFolder(path)) yield* folderInputs(path, '');
    else yield { kind: 'image', path, name: basename(path) };
  }
}

function* folderInputs(folder: string, prefix: string): Generator<ImageInput> {
  // Names only, sorted in plain code-unit order, the same on every machine and locale ("10.png"
  // before "2.png"): a third of the memory of directory entries with their types.
  let names: string[];
  try {
    names = readdirSync(folder).sort();
  } catch (e) {
    const message = `cannot read folder ${folder}: ${describeFsError(e)}`;
    yield { kind: 'unreadable', path: folder, message };
    return;
  }
  for (const entry of names) {
    const path = join(folder, entry);
    const name = prefix + entry;
    const stats = linkStats(path);
    if (stats?.isDirectory()) {
      yield* folderInputs(path, `${name}/`);
    } else if (hasImageExtension(entry) && (!stats || stats.isFile() || linkToFile(stats, path))) {
      // A file gone or unreadable since the listing: reading it says why.
      yield { kind: 'image', path, name };
    } else {
      yield { kind: 'skipped', path };
    }
  }
}

function linkStats(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** A symbolic link to a regular file counts as that file; links to folders are not followed. */
function linkToFile(stats: Stats, path: string): boolean {
  if (!stats.isSymbolicLink()) return false;
  try {
    return statSync(path).isFile();
  } catch {
    return true; // a dangling link to a picture: reading it says so
  }
}
