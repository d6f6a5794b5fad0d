/**
 * The sorted set value: an order tree (order, ranks, ranges; order-tree.ts) plus a Dict member →
 * entry (O(1) score lookup, O(1) random member, a SCAN cursor; a score update starts from the
 * entry). Both structures are used whatever the encoding; the encoding name only mirrors what
 * Redis would report — "listpack" while the set has ≤ 128 members of ≤ 64 bytes
 * (zset-max-listpack-entries/-value), "skiplist" once it outgrew that (Redis never converts back,
 * except for the fresh results of the *STORE commands). Two visible listpack traits are kept: a
 * score stored while in listpack form loses the sign of -0 (Redis stores integral scores as
 * integers there), and ZSCAN returns a listpack set whole, in order.
 */
import { Dict } from '../keyspace/dict.js';
import type { DataObject } from '../keyspace/types.js';
import { OrderTree } from './order-tree.js';
import type { ZNode } from './zset-order.js';
import { encodingLimits } from './encoding-limits.js';


/** ZADD's flags (zsetAdd's in_flags). */
export interface AddFlags {
  nx?: boolean;
  xx?: boolean;
  gt?: boolean;
  lt?: boolean;
  incr?: boolean;
}

/** What zsetAdd did (ZSet.add's result; the member's score afterwards is in ZSet.addedScore). */
export const Added = { added: 0, updated: 1, same: 2, nop: 3, nan: 4 } as const;
export type Added = (typeof Added)[keyof typeof Added];

export class ZSet implements DataObject {
  readonly type = 'zset' as const;
  readonly dict = new Dict<ZNode>();
  readonly tree = new OrderTree();
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
    for (let n = this.tree.first; n !== null && sampled < 16; n = n.fwd, sampled++) bytes += n.member.length + perEntry;
    return 64 + (sampled === 0 ? 0 : Math.round((bytes / sampled) * this.size));
  }

  clone(): ZSet {
    const z = new ZSet(this.listpack);
    for (let n = this.tree.first; n !== null; n = n.fwd) z.insert(n.member, n.score);
    return z;
  }

  score(member: string): number | undefined {
    return this.dict.get(member)?.score;
  }

  /** Adds a member known to be absent, switching to the skiplist encoding first if it no longer fits a listpack. */
  insert(member: string, score: number): void {
    if (this.listpack && !fitsListpack(this.dict.size + 1, member.length)) this.listpack = false;
    if (this.listpack && score === 0) score = 0; // a listpack stores -0 as the integer 0
    this.dict.set(member, this.tree.insert(score, member));
  }

  /** The score after the last add() that did not end in nop/nan (for INCR replies). */
  addedScore = 0;

  /** Redis's zsetAdd: NX/XX/GT/LT/INCR semantics for one member. */
  add(member: string, score: number, f: AddFlags): Added {
    if (Number.isNaN(score)) return Added.nan;
    const node = this.dict.get(member);
    if (node === undefined) {
      if (f.xx) return Added.nop;
      this.insert(member, score);
      this.addedScore = score; // the reply shows -0 even where the listpack stores 0
      return Added.added;
    }
    if (f.nx) return Added.nop;
    const cur = node.score;
    if (f.incr) {
      score += cur;
      if (Number.isNaN(score)) return Added.nan;
    }
    if ((f.lt && score >= cur) || (f.gt && score <= cur)) return Added.nop;
    this.addedScore = score;
    if (score === cur) return Added.same;
    this.tree.updateScore(node, this.listpack && score === 0 ? 0 : score);
    return Added.updated;
  }

  delete(member: string): boolean {
    const node = this.dict.get(member);
    if (node === undefined) return false;
    this.tree.delete(node);
    this.dict.delete(member);
    return true;
  }

  /** 0-based rank from the lowest (or highest when reverse), or -1. */
  rank(member: string, reverse: boolean): number {
    const node = this.dict.get(member);
    if (node === undefined) return -1;
    const r = this.tree.rankOf(node);
    return reverse ? this.tree.length - r : r - 1;
  }

  /** The node at a 0-based rank counted from the lowest. */
  at(rank: number): ZNode | null {
    return this.tree.byRank(rank + 1);
  }

  /** Forgets an entry the order tree removed (range and pop commands). */
  forget = (n: ZNode): void => {
    this.dict.delete(n.member);
  };
}

function fitsListpack(count: number, memberLen: number): boolean {
  return count <= encodingLimits.zsetMaxListpackEntries && memberLen <= encodingLimits.zsetMaxListpackValue;
}
