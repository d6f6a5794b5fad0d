/**
 * The sorted set value: a skiplist (order, ranks, ranges) plus a Dict member → score (O(1) score
 * lookup, O(1) random member, a SCAN cursor). Both structures are used whatever the encoding; the
 * encoding name only mirrors what Redis would report — "listpack" while the set has ≤ 128 members
 * of ≤ 64 bytes (zset-max-listpack-entries/-value), "skiplist" once it outgrew that (Redis never
 * converts back, except for the fresh results of the *STORE commands). Two visible listpack traits
 * are kept: a score stored while in listpack form loses the sign of -0 (Redis stores integral
 * scores as integers there), and ZSCAN returns a listpack set whole, in order.
 */
import { Dict } from '../keyspace/dict.js';
import type { DataObject } from '../keyspace/types.js';
import { SkipList, type ZNode } from './skiplist.js';

export const LISTPACK_MAX_ENTRIES = 128;
export const LISTPACK_MAX_VALUE = 64;

/** ZADD's flags (zsetAdd's in_flags). */
export interface AddFlags {
  nx?: boolean;
  xx?: boolean;
  gt?: boolean;
  lt?: boolean;
  incr?: boolean;
}

/** What zsetAdd did; `score` is the member's score afterwards (for INCR replies). */
export type AddResult = { kind: 'added' | 'updated' | 'same'; score: number } | { kind: 'nop' } | { kind: 'nan' };

export class ZSet implements DataObject {
  readonly type = 'zset' as const;
  readonly dict = new Dict<number>();
  readonly zsl = new SkipList();
  private listpack: boolean;

  constructor(listpack = true) {
    this.listpack = listpack;
  }

  /** A fresh set for stored results: listpack when small enough, as zsetConvertToListpackIfNeeded. */
  static build(entries: Iterable<readonly [string, number]>, count: number, maxMemberLen: number): ZSet {
    const z = new ZSet(fitsListpack(count, maxMemberLen));
    for (const [member, score] of entries) z.insert(member, score);
    return z;
  }

  get size(): number {
    return this.dict.size;
  }

  get isListpack(): boolean {
    return this.listpack;
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'skiplist';
  }

  /** Estimated from a sample of members (as MEMORY USAGE samples), so it stays cheap at 1M members. */
  memoryUsage(): number {
    const perEntry = this.listpack ? 12 : 96;
    let sampled = 0;
    let bytes = 0;
    for (let n = this.zsl.first; n !== null && sampled < 16; n = n.next[0], sampled++) bytes += n.member.length + perEntry;
    return 64 + (sampled === 0 ? 0 : Math.round((bytes / sampled) * this.size));
  }

  clone(): ZSet {
    const z = new ZSet(this.listpack);
    for (let n = this.zsl.first; n !== null; n = n.next[0]) z.insert(n.member, n.score);
    return z;
  }

  score(member: string): number | undefined {
    return this.dict.get(member);
  }

  /** Adds a member known to be absent, converting to skiplist first if it no longer fits a listpack. */
  insert(member: string, score: number): void {
    if (this.listpack && !fitsListpack(this.dict.size + 1, member.length)) this.listpack = false;
    if (this.listpack && score === 0) score = 0; // a listpack stores -0 as the integer 0
    this.zsl.insert(score, member);
    this.dict.set(member, score);
  }

  /** Redis's zsetAdd: NX/XX/GT/LT/INCR semantics for one member. */
  add(member: string, score: number, f: AddFlags): AddResult {
    if (Number.isNaN(score)) return { kind: 'nan' };
    const cur = this.dict.get(member);
    if (cur === undefined) {
      if (f.xx) return { kind: 'nop' };
      this.insert(member, score);
      return { kind: 'added', score }; // the reply shows -0 even where the listpack stores 0
    }
    if (f.nx) return { kind: 'nop' };
    if (f.incr) {
      score += cur;
      if (Number.isNaN(score)) return { kind: 'nan' };
    }
    if ((f.lt && score >= cur) || (f.gt && score <= cur)) return { kind: 'nop' };
    if (score === cur) return { kind: 'same', score };
    this.setScore(member, cur, score);
    return { kind: 'updated', score };
  }

  private setScore(member: string, cur: number, score: number): void {
    if (this.listpack && score === 0) score = 0;
    this.zsl.updateScore(cur, member, score);
    this.dict.set(member, score);
  }

  delete(member: string): boolean {
    const cur = this.dict.get(member);
    if (cur === undefined) return false;
    this.zsl.delete(cur, member);
    this.dict.delete(member);
    return true;
  }

  /** 0-based rank from the lowest (or highest when reverse), or -1. */
  rank(member: string, reverse: boolean): number {
    const cur = this.dict.get(member);
    if (cur === undefined) return -1;
    const r = this.zsl.rank(cur, member);
    return reverse ? this.zsl.length - r : r - 1;
  }

  /** The node at a 0-based rank counted from the lowest. */
  at(rank: number): ZNode | null {
    return this.zsl.byRank(rank + 1);
  }

  /** Removes a node found in the skiplist (range and pop commands). */
  forget = (n: ZNode): void => {
    this.dict.delete(n.member);
  };
}

function fitsListpack(count: number, memberLen: number): boolean {
  return count <= LISTPACK_MAX_ENTRIES && memberLen <= LISTPACK_MAX_VALUE;
}
