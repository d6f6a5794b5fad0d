/**
 * Small checkers for JSON records. Each takes the value and where it sits ("slots.owners[2][1]")
 * and throws a RecordError naming that place, so a bad record in the store is easy to find.
 */
export class RecordError extends Error {
  override readonly name = 'RecordError';
}

export function fail(at: string, expected: string, got: unknown): never {
  throw new RecordError(`${at}: expected ${expected}, got ${describe(got)}`);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Accepts JSON text (string or bytes) or an already parsed value. */
export function parseJson(input: unknown, what: string): unknown {
  if (typeof input !== 'string' && !Buffer.isBuffer(input)) return input;
  try {
    return JSON.parse(input.toString());
  } catch (e) {
    throw new RecordError(`${what}: invalid JSON (${(e as Error).message})`);
  }
}

export function object(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(at, 'an object', v);
  return v as Record<string, unknown>;
}

export function int(v: unknown, at: string, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(at, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in ${min}..${max}`, v);
  }
  return v;
}

export function str(v: unknown, at: string, pattern?: RegExp, what = 'a non-empty string'): string {
  if (typeof v !== 'string' || v === '' || (pattern && !pattern.test(v))) fail(at, what, v);
  return v;
}

export function oneOf<T extends string>(v: unknown, at: string, values: readonly T[]): T {
  if (!values.includes(v as T)) fail(at, `one of ${values.join('|')}`, v);
  return v as T;
}

export function array<T>(v: unknown, at: string, item: (x: unknown, at: string) => T): T[] {
  if (!Array.isArray(v)) fail(at, 'an array', v);
  return v.map((x, i) => item(x, `${at}[${i}]`));
}

/** host:port, host being a name, an IPv4 address or a bracketed IPv6 address. */
const ADDR = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):([1-9]\d{0,4})$/;
export function addr(v: unknown, at: string): string {
  const s = str(v, at, ADDR, 'host:port');
  if (Number(ADDR.exec(s)![2]) > 65535) fail(at, 'a port <= 65535', v);
  return s;
}

/** Names used as store path segments (proxy ids, cluster names). */
export const NAME = /^[A-Za-z0-9_.-]{1,64}$/;
export function name(v: unknown, at: string): string {
  const s = str(v, at, NAME, 'a name of letters, digits, "_", "." or "-"');
  if (s === '.' || s === '..') fail(at, 'a name other than "." and ".."', v);
  return s;
}
