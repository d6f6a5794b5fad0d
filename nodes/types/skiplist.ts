/**
 * The ordered half of a sorted set: William Pugh's skiplist as Redis builds it (t_zset.c), with a
 * span per forward link so rank lookups, rank ranges and offsets are O(log n), a backward link on
 * level 0 for reverse walks, and ties in score ordered by member bytes (latin1 strings compare
 * bytewise with `<`). The member → score map lives beside it in ZSet.
 */

const MAX_LEVEL = 32;
const P = 0.25;

export class ZNode {
  /** Forward links per level, and how many level-0 steps each one skips. */
  readonly next: (ZNode | null)[];
  readonly span: number[];
  prev: ZNode | null = null;

  constructor(
    public score: number,
    readonly member: string,
    level: number,
  ) {
    this.next = new Array<ZNode | null>(level).fill(null);
    this.span = new Array<number>(level).fill(0);
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

/** Whether (score, member) sorts strictly before node n. */
function before(n: ZNode, score: number, member: string): boolean {
  return n.score < score || (n.score === score && n.member < member);
}

/** Scratch arrays for insert/delete paths (single-threaded, never re-entered). */
const update: ZNode[] = new Array<ZNode>(MAX_LEVEL);
const rankAt = new Float64Array(MAX_LEVEL);

export class SkipList {
  readonly head = new ZNode(0, '', MAX_LEVEL);
  tail: ZNode | null = null;
  length = 0;
  private level = 1;
  /**
   * Links followed so far (descents and walks). Observability for tests that check an operation
   * touched O(log n + k) nodes rather than the whole set; one integer add per hop.
   */
  hops = 0;

  get first(): ZNode | null {
    return this.head.next[0];
  }

  private randomLevel(): number {
    let level = 1;
    while (level < MAX_LEVEL && Math.random() < P) level++;
    return level;
  }

  /** Inserts a member known to be absent. */
  insert(score: number, member: string): ZNode {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rankAt[i] = i === this.level - 1 ? 0 : rankAt[i + 1];
      let f = x.next[i];
      while (f !== null && before(f, score, member)) {
        rankAt[i] += x.span[i];
        x = f;
        f = x.next[i];
        this.hops++;
      }
      update[i] = x;
    }
    const level = this.randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        update[i] = this.head;
        this.head.span[i] = this.length;
      }
      this.level = level;
    }
    const n = new ZNode(score, member, level);
    for (let i = 0; i < level; i++) {
      const u = update[i];
      n.next[i] = u.next[i];
      u.next[i] = n;
      n.span[i] = u.span[i] - (rankAt[0] - rankAt[i]);
      u.span[i] = rankAt[0] - rankAt[i] + 1;
    }
    for (let i = level; i < this.level; i++) update[i].span[i]++;
    n.prev = update[0] === this.head ? null : update[0];
    const after = n.next[0];
    if (after !== null) after.prev = n;
    else this.tail = n;
    this.length++;
    return n;
  }

  /** Unlinks x given the rightmost node before it on every level (in `update`). */
  private unlink(x: ZNode): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i];
      if (u.next[i] === x) {
        u.span[i] += x.span[i] - 1;
        u.next[i] = x.next[i];
      } else {
        u.span[i]--;
      }
    }
    const after = x.next[0];
    if (after !== null) after.prev = x.prev;
    else this.tail = x.prev;
    while (this.level > 1 && this.head.next[this.level - 1] === null) this.level--;
    this.length--;
  }

  /** Fills `update` with the last node before (score, member) on each level; returns level-0 successor. */
  private seek(score: number, member: string): ZNode | null {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.next[i];
      while (f !== null && before(f, score, member)) {
        x = f;
        f = x.next[i];
        this.hops++;
      }
      update[i] = x;
    }
    return x.next[0];
  }

  delete(score: number, member: string): boolean {
    const x = this.seek(score, member);
    if (x === null || x.score !== score || x.member !== member) return false;
    this.unlink(x);
    return true;
  }

  /**
   * Moves a member to a new score. In place when its neighbours still bracket it (Redis's
   * zslUpdateScore fast path), else unlink and re-insert.
   */
  updateScore(cur: number, member: string, score: number): ZNode {
    const x = this.seek(cur, member)!;
    const p = x.prev;
    const n = x.next[0];
    if ((p === null || before(p, score, member)) && (n === null || !before(n, score, member))) {
      x.score = score;
      return x;
    }
    this.unlink(x);
    return this.insert(score, member);
  }

  /** 1-based rank of a present member, 0 when absent. */
  rank(score: number, member: string): number {
    let x = this.head;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.next[i];
      while (f !== null && (f.score < score || (f.score === score && f.member <= member))) {
        rank += x.span[i];
        x = f;
        f = x.next[i];
        this.hops++;
      }
      if (x !== this.head && x.member === member) return rank;
    }
    return 0;
  }

  /** The node at a 1-based rank, or null outside 1..length. */
  byRank(rank: number): ZNode | null {
    if (rank < 1 || rank > this.length) return null;
    let x = this.head;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.next[i];
      while (f !== null && traversed + x.span[i] <= rank) {
        traversed += x.span[i];
        x = f;
        f = x.next[i];
        this.hops++;
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  /** First node with score ≥ min (or > min), if it is also within max. */
  firstInScore(r: ScoreRange): ZNode | null {
    if (scoreRangeEmpty(r) || this.tail === null || !scoreGteMin(this.tail.score, r)) return null;
    const x = this.lastWhile((n) => !scoreGteMin(n.score, r)).next[0]!;
    return scoreLteMax(x.score, r) ? x : null;
  }

  /** Last node with score ≤ max (or < max), if it is also within min. */
  lastInScore(r: ScoreRange): ZNode | null {
    if (scoreRangeEmpty(r) || this.first === null || !scoreLteMax(this.first.score, r)) return null;
    const x = this.lastWhile((n) => scoreLteMax(n.score, r));
    return scoreGteMin(x.score, r) ? x : null;
  }

  firstInLex(r: LexRange): ZNode | null {
    if (lexRangeEmpty(r) || this.tail === null || !lexGteMin(this.tail.member, r)) return null;
    const x = this.lastWhile((n) => !lexGteMin(n.member, r)).next[0]!;
    return lexLteMax(x.member, r) ? x : null;
  }

  lastInLex(r: LexRange): ZNode | null {
    if (lexRangeEmpty(r) || this.first === null || !lexLteMax(this.first.member, r)) return null;
    const x = this.lastWhile((n) => lexLteMax(n.member, r));
    return lexGteMin(x.member, r) ? x : null;
  }

  /**
   * Descends to the last node for which `pred` holds (pred must be true for a prefix of the
   * list); fills `update` on the way so a range delete can start there. The head when none.
   */
  private lastWhile(pred: (n: ZNode) => boolean): ZNode {
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.next[i];
      while (f !== null && pred(f)) {
        x = f;
        f = x.next[i];
        this.hops++;
      }
      update[i] = x;
    }
    return x;
  }

  /** Removes every node from `x` on while `keep` holds; calls `removed` for each. */
  private deleteRun(x: ZNode | null, keep: (n: ZNode) => boolean, removed: (n: ZNode) => void): number {
    let count = 0;
    while (x !== null && keep(x)) {
      const next = x.next[0];
      this.unlink(x);
      removed(x);
      count++;
      x = next;
      this.hops++;
    }
    return count;
  }

  /** Removes nodes from `start` (a node of this list) on while `keep` holds. */
  deleteRunFrom(start: ZNode, keep: (n: ZNode) => boolean, removed: (n: ZNode) => void): number {
    return this.deleteRun(this.seek(start.score, start.member), keep, removed);
  }

  deleteScoreRange(r: ScoreRange, removed: (n: ZNode) => void): number {
    const start = this.lastWhile((n) => !scoreGteMin(n.score, r)).next[0];
    return this.deleteRun(start, (n) => scoreLteMax(n.score, r), removed);
  }

  deleteLexRange(r: LexRange, removed: (n: ZNode) => void): number {
    const start = this.lastWhile((n) => !lexGteMin(n.member, r)).next[0];
    return this.deleteRun(start, (n) => lexLteMax(n.member, r), removed);
  }

  /** Deletes 1-based ranks start..end inclusive. */
  deleteRankRange(start: number, end: number, removed: (n: ZNode) => void): number {
    let x = this.head;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.next[i];
      while (f !== null && traversed + x.span[i] < start) {
        traversed += x.span[i];
        x = f;
        f = x.next[i];
        this.hops++;
      }
      update[i] = x;
    }
    let rank = traversed + 1;
    return this.deleteRun(x.next[0], () => rank++ <= end, removed);
  }
}
