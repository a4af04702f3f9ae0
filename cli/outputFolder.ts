/** Creating the folder a command writes its pictures into, with a one-line error if it cannot. */
import { mkdirSync } from 'node:fs';
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
