/**
 * The heavy engines the tests and benchmarks compare against (TensorFlow.js, and any later peer)
 * live in their own package, `peers/`, so that installing the engine stays light. They are
 * loaded from there by name; `npm ci --prefix peers` installs them.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file runs from dist/peers/ (or peers/ under a TypeScript runner). */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'peers', 'package.json'))) {
    const up = resolve(dir, '..');
    if (up === dir) throw new Error('cannot find the peers/ package above this file');
    dir = up;
  }
  return dir;
}

export const peersDir = join(repositoryRoot(), 'peers');

const requireFromPeers = createRequire(join(peersDir, 'package.json'));

/** Loads a peer package installed in peers/node_modules, or says in one line how to install it. */
export function requirePeer<T>(name: string): T {
  try {
    return requireFromPeers(name) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
      throw new Error(`peer package ${name} is not installed: run 'npm ci --prefix peers'`);
    }
    throw e;
  }
}

/** Where a peer package's files are, e.g. to point TensorFlow.js's wasm backend at its binaries. */
export function peerPackageDir(name: string): string {
  return dirname(requireFromPeers.resolve(`${name}/package.json`));
}
