/**
 * Checks for untrusted layer configs (from code, model files and spec files). Each check takes
 * the text that names the value, e.g. `layer 3 filters`, and throws one line saying what is wrong.
 */

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * An untrusted value as an error message can show it: short, one line, and never a whole nested
 * structure (JSON.stringify would quote megabytes, overflow the stack, and write NaN as null).
 */
export function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object' && v !== null) return 'an object';
  return String(v);
}

export function positiveInt(v: unknown, what: string, max = 1 << 20): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    throw new Error(`${what} must be a whole number from 1 to ${max}, got ${shown(v)}`);
  }
  return v;
}

/** A number in [0, 1), or [0, 1] when `closed`. */
export function fraction(v: unknown, what: string, closed: boolean): number {
  if (typeof v !== 'number' || !(v >= 0 && (closed ? v <= 1 : v < 1))) {
    throw new Error(`${what} must be a number in [0, 1${closed ? ']' : ')'}, got ${shown(v)}`);
  }
  return v;
}

/** `check(o[key])`, or undefined when the key is absent (the layer then uses its default). */
export function optional<T>(o: Obj, key: string, check: (v: unknown) => T): T | undefined {
  return o[key] === undefined ? undefined : check(o[key]);
}

export function oneOf<T extends string>(values: readonly T[], what: string): (v: unknown) => T {
  return (v) => {
    if (typeof v !== 'string' || !values.includes(v as T)) {
      throw new Error(`${what} must be one of ${values.join(', ')}, got ${shown(v)}`);
    }
    return v as T;
  };
}

export function bool(what: string): (v: unknown) => boolean {
  return (v) => {
    if (typeof v !== 'boolean') throw new Error(`${what} must be true or false`);
    return v;
  };
}

/** Conv-style padding: 'valid', 'same' or a whole number of pixels on every side. */
export function padding(v: unknown, what: string): 'valid' | 'same' | number {
  if (v === 'valid' || v === 'same') return v;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 64) return v;
  throw new Error(`${what} must be 'valid', 'same' or a whole number, got ${shown(v)}`);
}

export const inits = ['tutorial', 'he', 'glorot'] as const;

/** A convolution's window: kernelSize, stride and padding (conv2d, depthwiseConv2d). */
export function convWindow(v: Obj, where: string) {
  return {
    kernelSize: positiveInt(v.kernelSize, `${where} kernelSize`, 64),
    stride: optional(v, 'stride', (x) => positiveInt(x, `${where} stride`, 64)),
    padding: optional(v, 'padding', (x) => padding(x, `${where} padding`)),
  };
}

/** A weighted layer's useBias and init (conv2d, depthwiseConv2d, dense). */
export function biasAndInit(v: Obj, where: string) {
  return {
    useBias: optional(v, 'useBias', bool(`${where} useBias`)),
    init: optional(v, 'init', oneOf(inits, `${where} init`)),
  };
}
