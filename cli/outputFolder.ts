/**
 * Making sure a command can write its outputs before it starts any work: the folder it writes
 * pictures into, or the folder of a file it will write, created if missing, with a one-line error
 * if that cannot be done.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describeFsError } from '../src/io/files.js';

export function ensureFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR' ? 'a file is in the way' : describeFsError(e);
    throw new Error(`cannot create folder ${dir}: ${why}`);
  }
}

/** Writes and removes a probe file in `dir`; `what` names the output in the error. */
function checkWritable(dir: string, what: string): void {
  const probe = join(dir, `.cnn-${process.pid}.probe.tmp`);
  try {
    writeFileSync(probe, '');
  } catch (e) {
    throw new Error(`cannot write ${what}: ${describeFsError(e)}`);
  } finally {
    rmSync(probe, { force: true });
  }
}

/**
 * Creates the folder of `file` and checks that a file can be written there, so that a long run
 * does not end in `cannot write` (nothing is left behind; the file itself is written later).
 */
export function ensureWritableFile(file: string): void {
  ensureFolder(dirname(file));
  checkWritable(dirname(file), file);
}

/** Creates `dir` if missing and checks that files can be written into it (see ensureWritableFile). */
export function ensureWritableFolder(dir: string): void {
  ensureFolder(dir);
  checkWritable(dir, `into ${dir}`);
}
