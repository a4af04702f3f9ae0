/**
 * The pictures a command is given: files as named, and every PNG or JPEG inside a folder and its
 * subfolders, walked lazily (one folder's names in memory at a time) in name order, so a run over
 * any number of pictures starts at once and holds no list of them.
 */
import { type Dirent, readdirSync, statSync } from 'node:fs';
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

/** Plain code-unit order, the same on every machine and locale ("10.png" before "2.png"). */
function byName(a: Dirent, b: Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
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
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true }).sort(byName);
  } catch (e) {
    const message = `cannot read folder ${folder}: ${describeFsError(e)}`;
    yield { kind: 'unreadable', path: folder, message };
    return;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    const name = prefix + entry.name;
    if (entry.isDirectory()) {
      yield* folderInputs(path, `${name}/`);
    } else if (hasImageExtension(entry.name) && (entry.isFile() || linkToFile(entry, path))) {
      yield { kind: 'image', path, name };
    } else {
      yield { kind: 'skipped', path };
    }
  }
}

/** A symbolic link to a regular file counts as that file; links to folders are not followed. */
function linkToFile(entry: Dirent, path: string): boolean {
  if (!entry.isSymbolicLink()) return false;
  try {
    return statSync(path).isFile();
  } catch {
    return true; // a dangling link to a picture: reading it says so
  }
}
