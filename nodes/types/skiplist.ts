/**
 * The ordered half of a sorted set: William Pugh's skiplist as Redis builds it (t_zset.c), with a
 * span per forward link so rank lookups, rank ranges and offsets are O(log n), a backward link on
 * level 0 for reverse walks, and ties in score ordered by member bytes (latin1 strings compare
 * bytewise with `<`). The member → node map lives beside it in ZSet.
 *
 * The levels (forward links, spans) and a copy of each score live in a flat LevelStore
 * (skiplist-store.ts), so a descent is typed-array reads; the ZNode objects carry the member and
 * the level-0 neighbours that range walks, replies and the other modules use (`n.next[0]`, `n.prev`).
 */
import { LevelStore, MAX_LEVEL, linkAt, type NodeTable } from './skiplist-store.js';

const P = 0.25;

export class ZNode {
  /** The level-0 successor and predecessor. */
  fwd: ZNode | null = null;
  prev: ZNode | null = null;
  /** This node's block in its list's LevelStore. */
  at = 0;

  constructor(
    public score: number,
    readonly member: string,
    readonly level: number,
  ) {}

  /**
   * The successor as a one-slot array, for the walks written `n.next[0]` (Redis's
   * `level[0].forward`). A getter rather than a stored array: one object less per member and one
   * pointer less per step; optimized callers do not even allocate the array.
   */
  get next(): readonly [ZNode | null] {
    return [this.fwd];
  }
}

/** A score interval; `minEx`/`maxEx` make a bound exclusive (the `(` prefix). */
export interface ScoreRange {
  min: number;
  max: number;
  minEx: boolean;
  maxEx: boolean;
}

/** The `-` and `+` of lex ranges: below and above every member. */
export const LEX_MIN: unique symbol = Symbol('-');
export const LEX_MAX: unique symbol = Symbol('+');
export type LexBound = string | typeof LEX_MIN | typeof LEX_MAX;

export interface LexRange {
  min: LexBound;
  max: LexBound;
  minEx: boolean;
  maxEx: boolean;
}

/** Redis's sdscmplex: byte order, with the two infinities outside it. */
export function lexCmp(a: LexBound, b: LexBound): number {
  if (a === b) return 0;
  if (a === LEX_MIN || b === LEX_MAX) return -1;
  if (a === LEX_MAX || b === LEX_MIN) return 1;
  return a < b ? -1 : 1;
}

export function scoreGteMin(v: number, r: ScoreRange): boolean {
  return r.minEx ? v > r.min : v >= r.min;
}

export function scoreLteMax(v: number, r: ScoreRange): boolean {
  return r.maxEx ? v < r.max : v <= r.max;
}

export function lexGteMin(m: string, r: LexRange): boolean {
  const c = lexCmp(m, r.min);
  return r.minEx ? c > 0 : c >= 0;
}

export function lexLteMax(m: string, r: LexRange): boolean {
  const c = lexCmp(m, r.max);
  return r.maxEx ? c < 0 : c <= 0;
}

/** Ranges that can hold nothing whatever the set holds. */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minEx || r.maxEx));
}

export function lexRangeEmpty(r: LexRange): boolean {
  const c = lexCmp(r.min, r.max);
  return c > 0 || (c === 0 && (r.minEx || r.maxEx));
}

/** Sorted-set order of two (score, member) entries: by score, ties by member bytes. */
export function compareEntries(a: { score: number; member: string }, b: { score: number; member: string }): number {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  return a.member < b.member ? -1 : a.member > b.member ? 1 : 0;
}

/** Whether the node in block f sorts strictly before (score, member). */
function before(f64: Float64Array, nodes: NodeTable<ZNode>, f: number, score: number, member: string): boolean {
  const s = f64[f];
  return s < score || (s === score && nodes.get(f)!.member < member);
}

/**
 * Scratch for insert/delete paths (single-threaded, never re-entered): per level, the block of the
 * last node before the position, and its rank.
 */
const update = new Int32Array(MAX_LEVEL);
const rankAt = new Float64Array(MAX_LEVEL);

export class SkipList {
  private readonly store = new LevelStore<ZNode>();
  tail: ZNode | null = null;
  length = 0;
  private level = 1;
  /**
   * Links followed so far (descents and walks). Observability for tests that check an operation
   * touched O(log n + k) nodes rather than the whole set.
   */
  hops = 0;

  get first(): ZNode | null {
    return this.nodeAt(this.store.i32[linkAt(0, 0)]);
  }

  private nodeAt(w: number): ZNode | null {
    return w === 0 ? null : this.store.nodes.get(w);
  }

  private randomLevel(): number {
    let level = 1;
    while (level < MAX_LEVEL && Math.random() < P) level++;
    return level;
  }

  /** Inserts a member known to be absent. */
  insert(score: number, member: string): ZNode {
    const n = new ZNode(score, member, this.randomLevel());
    n.at = this.store.alloc(n, n.level);
    this.link(n);
    return n;
  }

  /** Descends to n's place (by its score and member) and splices its block in on every level. */
  private link(n: ZNode): void {
    const { f64, i32, nodes } = this.store;
    const score = n.score;
    const member = n.member;
    f64[n.at] = score;
    let x = 0;
    let hops = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let rank = i === this.level - 1 ? 0 : rankAt[i + 1];
      let l = linkAt(x, i);
      let f = i32[l];
      while (f !== 0 && before(f64, nodes, f, score, member)) {
        rank += i32[l + 1];
        x = f;
        l = linkAt(x, i);
        f = i32[l];
        hops++;
      }
      rankAt[i] = rank;
      update[i] = x;
    }
    this.hops += hops;
    const level = n.level;
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        update[i] = 0;
        i32[linkAt(0, i) + 1] = this.length;
      }
      this.level = level;
    }
    const w = n.at;
    for (let i = 0; i < level; i++) {
      const u = linkAt(update[i], i);
      const l = linkAt(w, i);
      const skipped = rankAt[0] - rankAt[i];
      i32[l] = i32[u];
      i32[u] = w;
      i32[l + 1] = i32[u + 1] - skipped;
      i32[u + 1] = skipped + 1;
    }
    for (let i = level; i < this.level; i++) i32[linkAt(update[i], i) + 1]++;
    const prev = update[0] === 0 ? null : nodes.get(update[0]);
    const next = this.nodeAt(i32[linkAt(w, 0)]);
    n.prev = prev;
    n.fwd = next;
    if (prev !== null) prev.fwd = n;
    if (next !== null) next.prev = n;
    else this.tail = n;
    this.length++;
  }

  /** Unlinks n given the last block before it on every level (in `update`); keeps its block. */
  private unlink(n: ZNode): void {
    const i32 = this.store.i32;
    const w = n.at;
    for (let i = 0; i < this.level; i++) {
      const u = linkAt(update[i], i);
      if (i32[u] === w) {
        const l = linkAt(w, i);
        i32[u + 1] += i32[l + 1] - 1;
        i32[u] = i32[l];
      } else {
        i32[u + 1]--;
      }
    }
    const prev = n.prev;
    const next = n.fwd;
    if (prev !== null) prev.fwd = next;
    if (next !== null) next.prev = prev;
    else this.tail = prev;
    while (this.level > 1 && i32[linkAt(0, this.level - 1)] === 0) this.level--;
    this.length--;
  }

  /** Unlinks n (with `update` filled) and frees its block. */
  private remove(n: ZNode): void {
    this.unlink(n);
    this.store.release(n.at, n.level);
  }

  /**
   * Fills `update` with the last block before node n on each level. Stopping at n's own block
   * spares the member comparison (an object and a string load) the usual tie with itself costs.
   */
  private seek(n: ZNode): void {
    const { f64, i32, nodes } = this.store;
    const w = n.at;
    const score = n.score;
    const member = n.member;
    let x = 0;
    let hops = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let l = linkAt(x, i);
      let f = i32[l];
      while (f !== 0 && f !== w && before(f64, nodes, f, score, member)) {
        x = f;
        l = linkAt(x, i);
        f = i32[l];
        hops++;
      }
      update[i] = x;
    }
    this.hops += hops;
  }

  /** Removes a node of this list. */
  delete(n: ZNode): void {
    this.seek(n);
    this.remove(n);
  }

  /**
   * Moves a node to a new score: in place, with no descent at all, when its neighbours still
   * bracket it (ranks and spans do not change); else unlinked and re-linked at its new place,
   * keeping its block and level.
   */
  updateScore(n: ZNode, score: number): void {
    const prev = n.prev;
    const next = n.fwd;
    const member = n.member;
    const afterPrev = prev === null || prev.score < score || (prev.score === score && prev.member < member);
    const beforeNext = next === null || next.score > score || (next.score === score && next.member > member);
    if (!(afterPrev && beforeNext)) {
      this.seek(n);
      this.unlink(n);
      n.score = score;
      this.link(n);
      return;
    }
    n.score = score;
    this.store.f64[n.at] = score;
  }

  /** 1-based rank of a present member, 0 when absent. */
  rank(score: number, member: string): number {
    const { f64, i32, nodes } = this.store;
    let x = 0;
    let rank = 0;
    let hops = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let l = linkAt(x, i);
      let f = i32[l];
      while (f !== 0 && (f64[f] < score || (f64[f] === score && nodes.get(f)!.member <= member))) {
        rank += i32[l + 1];
        x = f;
        l = linkAt(x, i);
        f = i32[l];
        hops++;
      }
      if (x !== 0 && f64[x] === score && nodes.get(x)!.member === member) break;
    }
    this.hops += hops;
    return x !== 0 && f64[x] === score && nodes.get(x)!.member === member ? rank : 0;
  }

  /** The node at a 1-based rank, or null outside 1..length. */
  byRank(rank: number): ZNode | null {
    if (rank < 1 || rank > this.length) return null;
    const w = this.descendToRank(rank, true);
    return w === 0 ? null : this.store.nodes.get(w);
  }

  /**
   * Descends by spans to the block at 1-based rank `rank` (`reach`), or to the last one before it
   * (filling `update`, for a rank-range delete). 0 for the head.
   */
  private descendToRank(rank: number, reach: boolean): number {
    const i32 = this.store.i32;
    const limit = reach ? rank : rank - 1;
    let x = 0;
    let traversed = 0;
    let hops = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let l = linkAt(x, i);
      let f = i32[l];
      while (f !== 0 && traversed + i32[l + 1] <= limit) {
        traversed += i32[l + 1];
        x = f;
        l = linkAt(x, i);
        f = i32[l];
        hops++;
      }
      update[i] = x;
      if (reach && traversed === rank) break;
    }
    this.hops += hops;
    return x;
  }

  /** Fills `update` down to the last block whose score is < bound (≤ bound when orEqual); 0 for the head. */
  private lastScoreBelow(bound: number, orEqual: boolean): number {
    const { f64, i32 } = this.store;
    let x = 0;
    let hops = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let l = linkAt(x, i);
      let f = i32[l];
      while (f !== 0 && (f64[f] < bound || (orEqual && f64[f] === bound))) {
        x = f;
        l = linkAt(x, i);
        f = i32[l];
        hops++;
      }
      update[i] = x;
    }
    this.hops += hops;
    return x;
  }

  /** The node after the last one whose score is below the range's min. */
  private scoreStart(r: ScoreRange): ZNode | null {
    return this.nodeAt(this.store.i32[linkAt(this.lastScoreBelow(r.min, r.minEx), 0)]);
  }

  /** First node with score ≥ min (or > min), if it is also within max. */
  firstInScore(r: ScoreRange): ZNode | null {
    if (scoreRangeEmpty(r) || this.tail === null || !scoreGteMin(this.tail.score, r)) return null;
    const x = this.scoreStart(r)!;
    return scoreLteMax(x.score, r) ? x : null;
  }

  /** Last node with score ≤ max (or < max), if it is also within min. */
  lastInScore(r: ScoreRange): ZNode | null {
    const first = this.first;
    if (scoreRangeEmpty(r) || first === null || !scoreLteMax(first.score, r)) return null;
    const x = this.store.nodes.get(this.lastScoreBelow(r.max, !r.maxEx))!;
    return scoreGteMin(x.score, r) ? x : null;
  }

  firstInLex(r: LexRange): ZNode | null {
    if (lexRangeEmpty(r) || this.tail === null || !lexGteMin(this.tail.member, r)) return null;
    const x = this.lexStart(r)!;
    return lexLteMax(x.member, r) ? x : null;
  }

  lastInLex(r: LexRange): ZNode | null {
    const first = this.first;
    if (lexRangeEmpty(r) || first === null || !lexLteMax(first.member, r)) return null;
    const x = this.store.nodes.get(this.lastWhileMember((m) => lexLteMax(m, r)))!;
    return lexGteMin(x.member, r) ? x : null;
  }

  private lexStart(r: LexRange): ZNode | null {
    return this.nodeAt(this.store.i32[linkAt(this.lastWhileMember((m) => !lexGteMin(m, r)), 0)]);
  }

  /**
   * Descends to the last block whose member satisfies `pred` (true for a prefix of the list);
   * fills `update` on the way so a range delete can start there. 0 (the head) when none.
   */
  private lastWhileMember(pred: (member: string) => boolean): number {
    const { i32, nodes } = this.store;
    let x = 0;
    let hops = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = i32[linkAt(x, i)];
      while (f !== 0 && pred(nodes.get(f)!.member)) {
        x = f;
        f = i32[linkAt(x, i)];
        hops++;
      }
      update[i] = x;
    }
    this.hops += hops;
    return x;
  }

  /** Removes every node from `x` on while `keep` holds (with `update` filled); calls `removed` for each. */
  private deleteRun(x: ZNode | null, keep: (n: ZNode) => boolean, removed: (n: ZNode) => void): number {
    let count = 0;
    while (x !== null && keep(x)) {
      const next = x.fwd;
      this.remove(x);
      removed(x);
      count++;
      x = next;
      this.hops++;
    }
    return count;
  }

  /** Removes nodes from `start` (a node of this list) on while `keep` holds. */
  deleteRunFrom(start: ZNode, keep: (n: ZNode) => boolean, removed: (n: ZNode) => void): number {
    this.seek(start);
    return this.deleteRun(start, keep, removed);
  }

  deleteScoreRange(r: ScoreRange, removed: (n: ZNode) => void): number {
    return this.deleteRun(this.scoreStart(r), (n) => scoreLteMax(n.score, r), removed);
  }

  deleteLexRange(r: LexRange, removed: (n: ZNode) => void): number {
    return this.deleteRun(this.lexStart(r), (n) => lexLteMax(n.member, r), removed);
  }

  /** Deletes 1-based ranks start..end inclusive. */
  deleteRankRange(start: number, end: number, removed: (n: ZNode) => void): number {
    const x = this.descendToRank(start, false);
    let rank = start;
    return this.deleteRun(this.nodeAt(this.store.i32[linkAt(x, 0)]), () => rank++ <= end, removed);
  }
}
