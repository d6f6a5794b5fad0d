/**
 * Range queries over a sorted set, with Redis's semantics: ranks sanitized as ZRANGE does, score
 * and lex ranges with LIMIT offset/count (a negative count means "all", a negative offset selects
 * nothing). Each costs O(log n + returned): an offset is a rank jump through the spans, not a walk
 * (Redis walks it; the result is the same).
 *
 * Lex ranges assume equal scores (Redis leaves them undefined otherwise). On a listpack-encoded
 * set Redis still answers deterministically, by scanning the list for the ends of the range, so
 * such sets (≤ 128 members) are scanned the same way here and give the same answer; for larger
 * sets Redis's answer depends on its skiplist's random levels, ours on the tree's separators.
 */
import {
  lexGteMin, lexLteMax, lexRangeEmpty, scoreGteMin, scoreLteMax,
  type LexRange, type ScoreRange, type ZNode,
} from './zset-order.js';
import type { OrderTree } from './order-tree.js';
import type { ZSet } from './zset.js';

/** Ranks start..end (0-based, negative from the end) clamped to the set; null when empty. */
export function clampRanks(size: number, start: number, end: number): [number, number] | null {
  if (start < 0) start += size;
  if (end < 0) end += size;
  if (start < 0) start = 0;
  if (start > end || start >= size) return null;
  return [start, Math.min(end, size - 1)];
}

export function selectByRank(z: ZSet, start: number, end: number, reverse: boolean): ZNode[] {
  const r = clampRanks(z.size, start, end);
  if (r === null) return [];
  const out: ZNode[] = [];
  let n = z.at(reverse ? z.size - 1 - r[0] : r[0]);
  for (let i = r[0]; i <= r[1] && n !== null; i++) {
    out.push(n);
    n = reverse ? n.prev : n.fwd;
  }
  return out;
}

/** How a range is walked: its ends in the order tree and the in-range tests for each direction. */
interface Bounds {
  first(tree: OrderTree): ZNode | null;
  last(tree: OrderTree): ZNode | null;
  gteMin(n: ZNode): boolean;
  lteMax(n: ZNode): boolean;
  /** Ends found by scanning (listpack lex ranges): counts walk the range too. */
  linear: boolean;
}

function scoreBounds(r: ScoreRange): Bounds {
  return {
    first: (tree) => tree.firstInScore(r),
    last: (tree) => tree.lastInScore(r),
    gteMin: (n) => scoreGteMin(n.score, r),
    lteMax: (n) => scoreLteMax(n.score, r),
    linear: false,
  };
}

function lexBounds(z: ZSet, r: LexRange): Bounds {
  const gteMin = (n: ZNode) => lexGteMin(n.member, r);
  const lteMax = (n: ZNode) => lexLteMax(n.member, r);
  if (!z.isListpack) {
    return { first: (tree) => tree.firstInLex(r), last: (tree) => tree.lastInLex(r), gteMin, lteMax, linear: false };
  }
  // zzlIsInLexRange's quick rejection, then zzlFirstInLexRange / zzlLastInLexRange's scans.
  const possible = (tree: OrderTree) => !lexRangeEmpty(r) && tree.tail !== null && gteMin(tree.tail) && lteMax(tree.first!);
  return {
    first: (tree) => {
      if (!possible(tree)) return null;
      for (let n = tree.first; n !== null; n = n.fwd) if (gteMin(n)) return lteMax(n) ? n : null;
      return null;
    },
    last: (tree) => {
      if (!possible(tree)) return null;
      for (let n = tree.tail; n !== null; n = n.prev) if (lteMax(n)) return gteMin(n) ? n : null;
      return null;
    },
    gteMin,
    lteMax,
    linear: true,
  };
}

function select(z: ZSet, b: Bounds, offset: number, limit: number, reverse: boolean): ZNode[] {
  if (offset < 0) return [];
  const tree = z.tree;
  let n = reverse ? b.last(tree) : b.first(tree);
  if (n !== null && offset > 0) {
    const rank = tree.rankOf(n);
    n = tree.byRank(reverse ? rank - offset : rank + offset);
  }
  const out: ZNode[] = [];
  const inRange = reverse ? b.gteMin : b.lteMax;
  while (n !== null && limit !== 0 && inRange(n)) {
    out.push(n);
    n = reverse ? n.prev : n.fwd;
    limit--;
  }
  return out;
}

export function selectByScore(z: ZSet, r: ScoreRange, offset: number, limit: number, reverse: boolean): ZNode[] {
  return select(z, scoreBounds(r), offset, limit, reverse);
}

export function selectByLex(z: ZSet, r: LexRange, offset: number, limit: number, reverse: boolean): ZNode[] {
  return select(z, lexBounds(z, r), offset, limit, reverse);
}

/** Members in range (ZCOUNT, ZLEXCOUNT): from the ranks of its two ends, O(log n), or by walking. */
function count(z: ZSet, b: Bounds): number {
  const tree = z.tree;
  const first = b.first(tree);
  if (first === null) return 0;
  if (b.linear) {
    let k = 0;
    for (let n: ZNode | null = first; n !== null && b.lteMax(n); n = n.fwd) k++;
    return k;
  }
  const last = b.last(tree)!;
  return tree.rankOf(last) - tree.rankOf(first) + 1;
}

export function countByScore(z: ZSet, r: ScoreRange): number {
  return count(z, scoreBounds(r));
}

export function countByLex(z: ZSet, r: LexRange): number {
  return count(z, lexBounds(z, r));
}

/** ZREMRANGEBYLEX: removes from the first member in range while members stay within max. */
export function deleteByLex(z: ZSet, r: LexRange): number {
  const b = lexBounds(z, r);
  if (!b.linear) return z.tree.deleteLexRange(r, z.forget);
  const first = b.first(z.tree);
  return first === null ? 0 : z.tree.deleteRun(first, b.lteMax, z.forget);
}
