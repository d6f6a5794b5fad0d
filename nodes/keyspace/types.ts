/**
 * A stored value: a byte string (latin1 JS string, Redis type "string") or one of the aggregate
 * types, each implemented in its own module with its own structure.
 */
export interface DataObject {
  readonly type: 'list' | 'hash' | 'set' | 'zset' | 'stream';
  /** OBJECT ENCODING name, Redis's where one maps (listpack, quicklist, hashtable, skiplist …). */
  encoding(): string;
  /** Approximate bytes used, for MEMORY USAGE and maxmemory accounting. */
  memoryUsage(): number;
  /** A deep copy (COPY command). */
  clone(): DataObject;
}

export type Value = string | DataObject;

export function typeName(v: Value): string {
  return typeof v === 'string' ? 'string' : v.type;
}

/** Redis's encodings for strings: int (fits a long), embstr (≤ 44 bytes), raw. */
export function stringEncoding(s: string): string {
  if (s.length <= 20 && /^-?[1-9][0-9]*$|^0$/.test(s)) {
    const n = Number(s);
    if (Number.isSafeInteger(n) || BigInt(s) <= 9223372036854775807n && BigInt(s) >= -9223372036854775808n) {
      return 'int';
    }
  }
  return s.length <= 44 ? 'embstr' : 'raw';
}
