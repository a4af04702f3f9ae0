/** A local HTTP server for a folder's files, as a page's server would serve the MNIST files. */
import { createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** Serves `dir`'s files by name under http://127.0.0.1:PORT/mnist/. */
export async function serveFolder(dir: string): Promise<{ url: string; close: () => void }> {
  const server = createServer((req, res) => {
    const name = (req.url ?? '').split('/').pop() ?? '';
    const path = join(dir, name);
    if (!name || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200);
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/mnist/`, close: () => server.close() };
}
