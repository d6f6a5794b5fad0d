/**
 * The set type. Members live in a Dict: O(1) add/remove/membership, an O(1) uniform random member
 * (SRANDMEMBER, SPOP) and a SCAN cursor with Redis's guarantee (SSCAN).
 *
 * The encoding is tracked as Redis 7.0 tracks it (7.0 has no listpack sets): a set starts as an
 * "intset" and turns into a "hashtable" for good once it holds a member that is not a 64-bit
 * integer or more than set-max-intset-entries (512) members. While it is an intset, iteration
 * runs in ascending numeric order, as Redis's sorted intset array does, so SMEMBERS, SSCAN and the
 * set algebra reply in Redis's order for such sets.
 */
import { parseInt64 } from '../commands/args.js';
import { Dict } from '../keyspace/dict.js';
import type { DataObject } from '../keyspace/types.js';
import { encodingLimits } from './encoding-limits.js';

/** Rough per-member overheads, for MEMORY USAGE: intset slot vs. dict entry + sds header. */
const INTSET_ENTRY_BYTES = 8;
const HASHTABLE_ENTRY_BYTES = 40;
const OBJECT_HEADER_BYTES = 16;

/** Orders canonical integer strings numerically (exact beyond 2^53, where doubles tie). */
function compareIntStrings(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (x !== y) return x < y ? -1 : 1;
  if (a === b) return 0;
  return BigInt(a) < BigInt(b) ? -1 : 1;
}

export class SetObject implements DataObject {
  readonly type = 'set' as const;
  private readonly dict = new Dict<null>();
  private intset = true;
  /** Sum of member lengths, so MEMORY USAGE needs no walk. */
  private memberBytes = 0;
  /** Members in intset order, built on demand and dropped on every change. */
  private sorted: string[] | null = null;

  /** A new set holding `members`, encoded as Redis encodes a set built from scratch. */
  static from(members: Iterable<string>): SetObject {
    const s = new SetObject();
    for (const m of members) s.add(m);
    return s;
  }

  get size(): number {
    return this.dict.size;
  }

  has(member: string): boolean {
    return this.dict.has(member);
  }

  /** Adds a member; false when it was already there. */
  add(member: string): boolean {
    if (this.dict.has(member)) return false;
    if (this.intset && (this.dict.size >= encodingLimits.setMaxIntsetEntries || parseInt64(member) === null)) {
      this.intset = false;
    }
    this.dict.set(member, null);
    this.memberBytes += member.length;
    this.sorted = null;
    return true;
  }

  /** Removes a member; false when it was not there. */
  delete(member: string): boolean {
    if (this.dict.delete(member) < 0) return false;
    this.memberBytes -= member.length;
    this.sorted = null;
    return true;
  }

  /** A uniformly random member; the set must not be empty. */
  random(): string {
    return this.dict.randomKey()!;
  }

  /** Every member, in Redis's iteration order for intsets (ascending), else the dict's order. */
  members(): IterableIterator<string> {
    return this.intset ? this.intsetOrder().values() : this.dict.keys();
  }

  /**
   * One SSCAN step: visits members and returns the next cursor. Redis returns a whole intset in
   * one call (cursor 0); a hashtable is walked with the Dict's cursor.
   */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    if (!this.intset) return this.dict.scan(cursor, count, visit);
    for (const m of this.intsetOrder()) visit(m);
    return 0;
  }

  encoding(): string {
    return this.intset ? 'intset' : 'hashtable';
  }

  memoryUsage(): number {
    if (this.intset) return OBJECT_HEADER_BYTES + this.size * INTSET_ENTRY_BYTES;
    return OBJECT_HEADER_BYTES + this.size * HASHTABLE_ENTRY_BYTES + this.memberBytes;
  }

  /** A copy with the same members and encoding (COPY keeps the encoding, as dupSetObject does). */
  clone(): SetObject {
    const s = new SetObject();
    for (const m of this.dict.keys()) s.dict.set(m, null);
    s.intset = this.intset;
    s.memberBytes = this.memberBytes;
    return s;
  }

  private intsetOrder(): string[] {
    if (this.sorted === null) this.sorted = [...this.dict.keys()].sort(compareIntStrings);
    return this.sorted;
  }
}
