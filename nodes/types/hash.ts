/**
 * The hash type, with Redis's two encodings:
 *  - "listpack" while it has at most hash-max-listpack-entries (512) fields and no field or value
 *    longer than hash-max-listpack-value (64 bytes): a Map, whose insertion order is the listpack's
 *    order (a new field goes last, an overwrite stays in place, a delete closes the gap), so
 *    HGETALL, HKEYS, HSCAN … list small hashes in exactly Redis's order;
 *  - "hashtable" for good once a limit is passed: a Dict, for O(1) uniform random fields
 *    (HRANDFIELD) and a SCAN cursor with Redis's guarantee (HSCAN).
 */
import { Dict } from '../keyspace/dict.js';
import type { DataObject } from '../keyspace/types.js';
import { encodingLimits } from './encoding-limits.js';

/** Rough per-field overhead of a dict entry + two sds headers, for MEMORY USAGE. */
const HASHTABLE_ENTRY_BYTES = 40;
const LISTPACK_ENTRY_BYTES = 4;

export type Visit = (field: string, value: string) => void;

export class Hash implements DataObject {
  readonly type = 'hash' as const;
  private small: Map<string, string> | null = new Map();
  private big: Dict<string> | null = null;
  /** The listpack's entries as an array, built on demand for random access, dropped on change. */
  private ordered: [string, string][] | null = null;
  private bytes = 0;

  get size(): number {
    return this.small ? this.small.size : this.big!.size;
  }

  encoding(): string {
    return this.small ? 'listpack' : 'hashtable';
  }

  memoryUsage(): number {
    return 16 + this.bytes + this.size * (this.small ? LISTPACK_ENTRY_BYTES : HASHTABLE_ENTRY_BYTES);
  }

  clone(): Hash {
    const h = new Hash();
    this.forEach((f, v) => h.set(f, v));
    return h;
  }

  get(field: string): string | undefined {
    return this.small ? this.small.get(field) : this.big!.get(field);
  }

  has(field: string): boolean {
    return this.small ? this.small.has(field) : this.big!.has(field);
  }

  /** Sets a field; true when it was created (not overwritten). Converts as Redis's hashTypeSet. */
  set(field: string, value: string): boolean {
    if (this.small && (field.length > encodingLimits.hashMaxListpackValue || value.length > encodingLimits.hashMaxListpackValue)) {
      this.toHashtable();
    }
    const old = this.get(field);
    this.bytes += old === undefined ? field.length + value.length : value.length - old.length;
    if (this.small) {
      this.small.set(field, value);
      this.ordered = null;
      if (this.small.size > encodingLimits.hashMaxListpackEntries) this.toHashtable();
    } else {
      this.big!.set(field, value);
    }
    return old === undefined;
  }

  /** Removes a field; false when it was not there. */
  delete(field: string): boolean {
    const old = this.get(field);
    if (old === undefined) return false;
    this.bytes -= field.length + old.length;
    if (this.small) {
      this.small.delete(field);
      this.ordered = null;
    } else {
      this.big!.delete(field);
    }
    return true;
  }

  /** Visits every field in the encoding's order. */
  forEach(visit: Visit): void {
    if (this.small) {
      for (const [f, v] of this.small) visit(f, v);
    } else {
      for (const [f, v] of this.big!.entries()) visit(f, v);
    }
  }

  /**
   * HSCAN step: a listpack is returned whole with cursor 0, as Redis does; a hashtable visits up to
   * `count` Dict slots below the cursor.
   */
  scan(cursor: number, count: number, visit: Visit): number {
    if (!this.big) {
      this.forEach(visit);
      return 0;
    }
    return this.big.scan(cursor, count, visit);
  }

  /** `count` uniformly random fields, repeats allowed, in random order. */
  sampleWithRepeats(count: number, visit: Visit): void {
    const n = this.size;
    for (let i = 0; i < count; i++) this.visitAt(Math.floor(Math.random() * n), visit);
  }

  /**
   * `count` (< size) distinct random fields. A listpack lists them in its own order, as Redis's
   * lpRandomPairsUnique does; a hashtable in the order they were drawn.
   */
  sampleDistinct(count: number, visit: Visit): void {
    const picked = distinctIndexes(this.size, count);
    if (this.small) picked.sort((a, b) => a - b);
    for (const i of picked) this.visitAt(i, visit);
  }

  private visitAt(i: number, visit: Visit): void {
    if (this.big) {
      visit(this.big.keyAt(i), this.big.valueAt(i));
      return;
    }
    this.ordered ??= [...this.small!];
    const [f, v] = this.ordered[i];
    visit(f, v);
  }

  private toHashtable(): void {
    const big = new Dict<string>();
    for (const [f, v] of this.small!) big.set(f, v);
    this.big = big;
    this.small = null;
    this.ordered = null;
  }
}

/**
 * `count` distinct integers below n, in random order. When they are a large share of n, a partial
 * Fisher-Yates shuffle; otherwise rejection sampling, which then rarely repeats a draw.
 */
function distinctIndexes(n: number, count: number): number[] {
  if (count * 3 > n) {
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (n - i));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return idx.slice(0, count);
  }
  const seen = new Set<number>();
  while (seen.size < count) seen.add(Math.floor(Math.random() * n));
  return [...seen];
}
