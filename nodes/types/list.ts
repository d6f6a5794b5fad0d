/**
 * The Redis list: a deque of byte strings (deque.ts: a ring while short, fixed blocks once long, so
 * no push ever copies the whole list). Pushes and pops at either end are O(1) however long the list
 * is, and index access is O(1); inserting or removing in the middle shifts the shorter side, O(n)
 * as in Redis.
 *
 * OBJECT ENCODING follows Redis 7.2's rule for the default list-max-listpack-size -2: a list is a
 * "listpack" while its packed form would take at most 8 KB, then a "quicklist"; it goes back to a
 * listpack only once it has shrunk to half that, so it does not flip-flop at the boundary. The
 * packed size is kept up to date per element, as Redis's lpBytes.
 */
import type { DataObject } from '../keyspace/types.js';
import { parseInt64 } from '../commands/args.js';
import { Deque } from './deque.js';
import { encodingLimits } from './encoding-limits.js';

/** A node's limit under list-max-listpack-size: > 0 entries, -1..-5 (and below) 4..64 KB. */
function nodeMaxBytes(): number {
  const size = encodingLimits.listMaxListpackSize;
  return size > 0 ? Infinity : 4096 << Math.min(4, -size - 1);
}

/** Whether a list of `count` elements taking `bytes` packed fits one listpack node. */
function fitsNode(bytes: number, count: number): boolean {
  const size = encodingLimits.listMaxListpackSize;
  return size > 0 ? count <= size : bytes <= nodeMaxBytes();
}
/** A listpack's 6-byte header and its end byte. */
const LISTPACK_OVERHEAD = 7;
/** Per-node cost of a quicklist (node struct + listpack header), for MEMORY USAGE. */
const QUICKLIST_NODE_BYTES = 32 + LISTPACK_OVERHEAD;

export type End = 'left' | 'right';

export class List implements DataObject {
  readonly type = 'list';
  private readonly items = new Deque<string>();
  private packedBytes = LISTPACK_OVERHEAD;
  private packed = true;

  static from(values: Iterable<string>): List {
    const l = new List();
    for (const v of values) l.push('right', v);
    return l;
  }

  get length(): number {
    return this.items.length;
  }

  encoding(): string {
    return this.packed ? 'listpack' : 'quicklist';
  }

  memoryUsage(): number {
    const body = this.packedBytes - LISTPACK_OVERHEAD;
    const perNode = nodeMaxBytes();
    const nodes = this.packed || perNode === Infinity ? 1 : Math.ceil(this.packedBytes / perNode);
    return 16 + body + nodes * QUICKLIST_NODE_BYTES;
  }

  clone(): List {
    return List.from(this.values());
  }

  *values(): IterableIterator<string> {
    for (let i = 0; i < this.items.length; i++) yield this.items.get(i);
  }

  /** Element at a non-negative index below length. */
  at(i: number): string {
    return this.items.get(i);
  }

  setAt(i: number, v: string): void {
    this.packedBytes += entryBytes(v) - entryBytes(this.items.get(i));
    this.items.set(i, v);
    this.refit();
  }

  push(end: End, v: string): void {
    if (end === 'left') this.items.pushFront(v);
    else this.items.pushBack(v);
    this.packedBytes += entryBytes(v);
    this.refit();
  }

  /** Removes and returns the element at one end; undefined when empty. */
  pop(end: End): string | undefined {
    const v = end === 'left' ? this.items.popFront() : this.items.popBack();
    if (v === undefined) return undefined;
    this.packedBytes -= entryBytes(v);
    this.refit();
    return v;
  }

  /** Inserts so that the new element ends up at index i (0 ≤ i ≤ length), moving the shorter side. */
  insertAt(i: number, v: string): void {
    const items = this.items;
    const len = items.length;
    if (i < len / 2) {
      items.pushFront(v); // a placeholder: elements 0..i-1 move one step towards the front
      for (let j = 0; j < i; j++) items.set(j, items.get(j + 1));
    } else {
      items.pushBack(v); // elements i..len-1 move one step towards the back
      for (let j = len; j > i; j--) items.set(j, items.get(j - 1));
    }
    items.set(i, v);
    this.packedBytes += entryBytes(v);
    this.refit();
  }

  /** Calls visit for the elements at indexes start..end (inclusive, within bounds), in order. */
  range(start: number, end: number, visit: (v: string) => void): void {
    for (let i = start; i <= end; i++) visit(this.items.get(i));
  }

  /** Drops `left` elements from the head and `right` from the tail. */
  trim(left: number, right: number): void {
    for (let i = 0; i < left; i++) this.pop('left');
    for (let i = 0; i < right; i++) this.pop('right');
  }

  /**
   * Removes elements equal to v, at most `limit` of them (0: all), scanning from the tail when
   * fromTail. Returns how many were removed. O(n): the survivors are compacted in one pass.
   */
  removeMatching(v: string, limit: number, fromTail: boolean): number {
    const len = this.items.length;
    const drop = new Uint8Array(len);
    let removed = 0;
    for (let k = 0; k < len && (limit === 0 || removed < limit); k++) {
      const i = fromTail ? len - 1 - k : k;
      if (this.at(i) === v) {
        drop[i] = 1;
        removed++;
      }
    }
    if (removed === 0) return 0;
    const kept: string[] = [];
    for (let i = 0; i < len; i++) if (!drop[i]) kept.push(this.at(i));
    this.rebuild(kept);
    return removed;
  }

  private rebuild(values: string[]): void {
    this.items.clear();
    this.packedBytes = LISTPACK_OVERHEAD;
    for (const v of values) {
      this.items.pushBack(v);
      this.packedBytes += entryBytes(v);
    }
    this.refit();
  }

  private refit(): void {
    // Redis 7.2 converts back only at half the limit, so a list does not flip-flop at the boundary.
    const len = this.items.length;
    if (this.packed) {
      if (!fitsNode(this.packedBytes, len)) this.packed = false;
    } else if (fitsNode(this.packedBytes * 2, len * 2)) {
      this.packed = true;
    }
  }
}

/** Bytes one element takes in a listpack: encoding header + payload + back-length. */
export function entryBytes(s: string): number {
  const enc = encodedBytes(s);
  return enc + (enc < 128 ? 1 : enc < 16384 ? 2 : enc < 2097152 ? 3 : enc < 268435456 ? 4 : 5);
}

function encodedBytes(s: string): number {
  const n = s.length;
  if (n <= 20 && n > 0 && (s.charCodeAt(0) === 45 || (s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57))) {
    const v = parseInt64(s);
    if (v !== null) return intBytes(v);
  }
  return n <= 63 ? 1 + n : n <= 4095 ? 2 + n : 5 + n;
}

/** Listpack integer encodings: 7-bit unsigned, then 13, 16, 24, 32 and 64-bit signed. */
function intBytes(v: number | bigint): number {
  if (typeof v === 'bigint') return 9;
  if (v >= 0 && v <= 127) return 1;
  if (v >= -4096 && v <= 4095) return 2;
  if (v >= -32768 && v <= 32767) return 3;
  if (v >= -8388608 && v <= 8388607) return 4;
  if (v >= -2147483648 && v <= 2147483647) return 5;
  return 9;
}
