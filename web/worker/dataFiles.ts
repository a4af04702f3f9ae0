/**
 * Reading MNIST-format IDX files in the browser: fetched from the site (gzipped) or dropped by the
 * user (plain or gzipped), inflated with DecompressionStream and checked by the library's IDX
 * reader. Every failure is one line naming the file.
 */
const GZIP_MAGIC = [0x1f, 0x8b];

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  const out = new Uint8Array(length);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

function isGzip(head: Uint8Array): boolean {
  return head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

/** Inflates `bytes` if they are gzip, else returns them as they are. */
export async function maybeGunzip(bytes: Uint8Array, name: string): Promise<Uint8Array> {
  if (!isGzip(bytes)) return bytes;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
      .stream()
      .pipeThrough(new DecompressionStream('gzip'));
    return await collect(stream);
  } catch (e) {
    throw new Error(`${name}: not a valid gzip file (${(e as Error).message})`);
  }
}

/** Fetches `url` (gzip), reporting the fraction downloaded, and returns the inflated bytes. */
export async function fetchGzip(
  url: string,
  name: string,
  onProgress: (fraction: number) => void,
): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok || !response.body)
    throw new Error(`${name}: could not load ${url} (HTTP ${response.status})`);
  const total = Number(response.headers.get('Content-Length')) || 0;
  let seen = 0;
  let lastReport = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.length;
      if (total > 0 && (seen - lastReport > total / 50 || seen === total)) {
        lastReport = seen;
        onProgress(seen / total);
      }
      controller.enqueue(chunk);
    },
  });
  try {
    return await collect(
      response.body
        .pipeThrough(counter)
        .pipeThrough(new DecompressionStream('gzip') as TransformStream<Uint8Array, Uint8Array>),
    );
  } catch (e) {
    throw new Error(`${name}: not a valid gzip file (${(e as Error).message})`);
  }
}

/** A user's file, read and inflated if gzipped. */
export async function readUserFile(file: File): Promise<Uint8Array> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return maybeGunzip(bytes, file.name);
}
