// Remakes every picture in docs/img (or in the folder given) with the project's own commands:
// the drawn examples, the Sobel outputs, a tutorial model's training curves, feature maps and
// predictions. The pure-TypeScript kernels (CNN_TS_NO_WASM=1) make the result the same on any
// machine, whatever its WebAssembly SIMD support. Needs `npm run build:all` first.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'docs/img';
const env = { ...process.env, CNN_TS_NO_WASM: '1' };
const node = (script, ...args) =>
  execFileSync(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] })
    .toString()
    .trimEnd();
const cnn = (...args) => node('dist/cli/main.js', ...args);

const work = mkdtempSync(join(tmpdir(), 'cnn-docs-images-'));
try {
  const model = join(work, 'tutorial.cnn');
  node('dist/test/fixtures/makeExamples.js', dir);
  cnn('sobel', join(dir, 'scene.jpg'), '--out', dir);
  cnn('train', '--out', model, '--plot', dir);
  console.log(cnn('visualize', '--model', model, '--sample', '0', '--out', dir).split('\n')[0]);
  const pictures = ['digit-7.png', 'digit-2.png', 'digit-1.png', 'pen-0.png', 'pen-3.png'];
  pictures.push('pen-4.png', 'photo-3.jpg');
  console.log(
    cnn('predict', '--model', model, ...pictures.map((p) => join(dir, p)), '--save-input', dir),
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
