/**
 * IDX file parsing (the format of the original MNIST files; browser-safe, bytes in).
 * Layout: two zero bytes, a type byte (0x08 = unsigned byte, the only type MNIST uses), a byte
 * giving the number of dimensions, each dimension as a big-endian uint32, then the values.
 * Everything is validated: a file that is not IDX, has another type or rank, or whose header
 * claims more (or less) data than the file holds is rejected with a one-line message.
 */

export interface IdxArray {
  readonly dims: readonly number[];
  /** The unsigned bytes, a view into the parsed buffer. */
  readonly data: Uint8Array;
}

/** Parses an IDX file (MNIST's format): checks the magic, type, dimensions and exact length. */
export function parseIdx(bytes: Uint8Array, name = 'IDX file', expectedRank?: number): IdxArray {
  if (bytes.length < 4)
    throw new Error(`${name}: too short to be an IDX file (${bytes.length} bytes)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(
      `${name}: bad magic number (first bytes ${hex(bytes[0])} ${hex(bytes[1])}, expected 00 00)`,
    );
  }
  if (bytes[2] !== 0x08)
    throw new Error(
      `${name}: unsupported IDX element type ${hex(bytes[2])} (only 08, unsigned byte)`,
    );
  const rank = bytes[3];
  if (rank < 1 || (expectedRank !== undefined && rank !== expectedRank)) {
    throw new Error(`${name}: has ${rank} dimensions, expected ${expectedRank ?? 'at least 1'}`);
  }
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength)
    throw new Error(`${name}: truncated header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    count *= d;
  }
  const available = bytes.length - headerLength;
  // A damaged rank byte can announce up to 255 dimensions: name a few, not a line of hundreds.
  const shape =
    rank <= 4 ? dims.join('x') : `${dims.slice(0, 3).join('x')}x... (${rank} dimensions)`;
  if (count > available) {
    throw new Error(
      `${name}: header claims ${shape} = ${count} values but the file holds ${available} (truncated?)`,
    );
  }
  if (count < available) {
    throw new Error(
      `${name}: header claims ${shape} = ${count} values but the file holds ${available} (trailing bytes)`,
    );
  }
  return { dims, data: bytes.subarray(headerLength) };
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
