/**
 * The protocol buffers wire format, as much as ONNX needs: a writer that builds messages field by
 * field and a reader over untrusted bytes. The reader checks every length against the bytes that
 * are left before it slices or allocates, so a corrupt file fails with one message, never with a
 * huge allocation or a read past the end.
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

/** A protobuf message being built: append fields in order, then `finish()`. */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  /** A non-negative integer up to 2^53, or a negative one as its 64-bit two's complement. */
  private rawVarint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new Error(`cannot encode ${value} as an integer`);
    const bytes: number[] = [];
    if (value < 0) {
      // Two's complement in 64 bits: always 10 bytes.
      let v = BigInt.asUintN(64, BigInt(value));
      for (let i = 0; i < 9; i++) {
        bytes.push(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      bytes.push(Number(v));
    } else {
      let v = value;
      while (v >= 0x80) {
        bytes.push((v % 0x80) | 0x80);
        v = Math.floor(v / 0x80);
      }
      bytes.push(v);
    }
    this.push(Uint8Array.from(bytes));
  }

  int(field: number, value: number): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_BYTES);
    this.rawVarint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  /** A packed repeated varint field (int64s such as dims and ints attributes). */
  packedInts(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.rawVarint(v);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: ArrayLike<number>): this {
    const b = new Uint8Array(values.length * 4);
    const view = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}

/** One field read from a message: its number, wire type and value. */
export interface ProtoField {
  field: number;
  wire: number;
  /** The varint (as a safe integer) or fixed32/fixed64 raw bits' position. */
  int: number;
  /** The bytes of a length-delimited field or a fixed field, a view into the input. */
  bytes: Uint8Array;
}

/** Reads the fields of one message in `bytes`; `what` names the message in errors. */
export class ProtoReader {
  private pos = 0;

  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  private fail(why: string): never {
    throw new Error(`${this.what} is malformed: ${why} at byte ${this.pos}`);
  }

  /**
   * A varint as a JavaScript number: exact up to 2^53; a negative 64-bit value (10 bytes, as
   * protobuf writes negative int64s) comes back negative. Larger magnitudes are rejected.
   */
  varint(): number {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) this.fail('a number runs past the end');
      const b = this.buf[this.pos++];
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      shift += 7;
      if ((b & 0x80) === 0) {
        const value = (hi | 0) * 0x100000000 + (lo >>> 0);
        if (!Number.isSafeInteger(value)) this.fail('an integer is too large');
        return value;
      }
    }
    this.fail('a number is longer than 10 bytes');
  }

  private take(n: number): Uint8Array {
    if (n > this.buf.length - this.pos)
      this.fail(`a field claims ${n} bytes but ${this.buf.length - this.pos} are left`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  next(): ProtoField {
    const key = this.varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field < 1) this.fail('field number 0');
    switch (wire) {
      case WIRE_VARINT:
        return { field, wire, int: this.varint(), bytes: this.buf.subarray(0, 0) };
      case WIRE_FIXED64:
        return { field, wire, int: 0, bytes: this.take(8) };
      case WIRE_BYTES: {
        const n = this.varint();
        if (n < 0) this.fail('a negative length');
        return { field, wire, int: 0, bytes: this.take(n) };
      }
      case WIRE_FIXED32:
        return { field, wire, int: 0, bytes: this.take(4) };
      default:
        this.fail(`unsupported wire type ${wire}`);
    }
  }

  /** Every field of the message, in order. */
  fields(): ProtoField[] {
    const out: ProtoField[] = [];
    while (!this.done) out.push(this.next());
    return out;
  }
}

/** The integers of a repeated varint field, packed (one length-delimited run) or not. */
export function readInts(f: ProtoField, what: string): number[] {
  if (f.wire === WIRE_VARINT) return [f.int];
  if (f.wire !== WIRE_BYTES)
    throw new Error(`${what} is malformed: integers with wire type ${f.wire}`);
  const r = new ProtoReader(f.bytes, what);
  const out: number[] = [];
  while (!r.done) out.push(r.varint());
  return out;
}

/** The floats of a repeated float field, packed or not. */
export function readFloats(f: ProtoField, what: string): Float32Array {
  if (f.wire !== WIRE_FIXED32 && f.wire !== WIRE_BYTES)
    throw new Error(`${what} is malformed: floats with wire type ${f.wire}`);
  if (f.bytes.length % 4 !== 0)
    throw new Error(`${what} is malformed: ${f.bytes.length} bytes of floats`);
  const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  const out = new Float32Array(f.bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export function readString(f: ProtoField, what: string): string {
  if (f.wire !== WIRE_BYTES)
    throw new Error(`${what} is malformed: a string with wire type ${f.wire}`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(f.bytes);
  } catch {
    throw new Error(`${what} is malformed: a string is not UTF-8`);
  }
}

export function readMessage(f: ProtoField, what: string): ProtoReader {
  if (f.wire !== WIRE_BYTES)
    throw new Error(`${what} is malformed: a message with wire type ${f.wire}`);
  return new ProtoReader(f.bytes, what);
}
