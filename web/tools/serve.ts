/**
 * `npm run web`: builds the playground and serves it on http://localhost:8080 (`--port N`),
 * cross-origin isolated so training can use several workers. Nothing is fetched from the internet.
 */
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { buildSite, defaultSiteDir } from './buildSite.js';
import { serveStatic } from './staticServer.js';

function fail(message: string, code: number): never {
  process.stderr.write(`cnn: ${message}\n`);
  process.exit(code);
}

let values: { port?: string; 'no-isolation'?: boolean };
try {
  ({ values } = parseArgs({
    options: { port: { type: 'string' }, 'no-isolation': { type: 'boolean' } },
    strict: true,
  }));
} catch (e) {
  fail((e as Error).message, 2);
}
const port = Number(values.port ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535)
  fail(`--port must be a whole number from 0 to 65535, got ${values.port}`, 2);

try {
  await buildSite(defaultSiteDir);
  const server = await serveStatic({
    root: defaultSiteDir,
    port,
    isolated: !values['no-isolation'],
  });
  const actual = (server.address() as AddressInfo).port;
  console.log(`cnn-ts playground: http://localhost:${actual}/  (Ctrl+C stops)`);
} catch (e) {
  fail((e as Error).message, 1);
}
