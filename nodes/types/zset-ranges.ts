/**
 * Range queries over a sorted set, with Redis's semantics: ranks sanitized as ZRANGE does, score
 * and lex ranges with LIMIT offset/count (a negative count means "all", a negative offset selects
 * nothing). Each costs O(log n + returned): an offset is a rank jump through the spans, not a walk
 * (Redis walks it; the result is the same).
 */
import {
  lexGteMin, lexLteMax, scoreGteMin, scoreLteMax,
  type LexRange, type ScoreRange, type SkipList, type ZNode,
} from './skiplist.js';
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
    n = reverse ? n.prev : n.next[0];
  }
  return out;
}

/** How a range is walked: its ends in the skiplist and the in-range tests for each direction. */
interface Bounds {
  first(zsl: SkipList): ZNode | null;
  last(zsl: SkipList): ZNode | null;
  gteMin(n: ZNode): boolean;
  lteMax(n: ZNode): boolean;
}

function scoreBounds(r: ScoreRange): Bounds {
  return {
    first: (zsl) => zsl.firstInScore(r),
    last: (zsl) => zsl.lastInScore(r),
    gteMin: (n) => scoreGteMin(n.score, r),
    lteMax: (n) => scoreLteMax(n.score, r),
  };
}

function lexBounds(r: LexRange): Bounds {
  return {
    first: (zsl) => zsl.firstInLex(r),
    last: (zsl) => zsl.lastInLex(r),
    gteMin: (n) => lexGteMin(n.member, r),
    lteMax: (n) => lexLteMax(n.member, r),
  };
}

function select(z: ZSet, b: Bounds, offset: number, limit: number, reverse: boolean): ZNode[] {
  if (offset < 0) return [];
  const zsl = z.zsl;
  let n = reverse ? b.last(zsl) : b.first(zsl);
  if (n !== null && offset > 0) {
    const rank = zsl.rank(n.score, n.member);
    n = zsl.byRank(reverse ? rank - offset : rank + offset);
  }
  const out: ZNode[] = [];
  const inRange = reverse ? b.gteMin : b.lteMax;
  while (n !== null && limit !== 0 && inRange(n)) {
    out.push(n);
    n = reverse ? n.prev : n.next[0];
    limit--;
  }
  return out;
}

export function selectByScore(z: ZSet, r: ScoreRange, offset: number, limit: number, reverse: boolean): ZNode[] {
  return select(z, scoreBounds(r), offset, limit, reverse);
}

export function selectByLex(z: ZSet, r: LexRange, offset: number, limit: number, reverse: boolean): ZNode[] {
  return select(z, lexBounds(r), offset, limit, reverse);
}

/** Members in range, from the ranks of its two ends (ZCOUNT, ZLEXCOUNT): O(log n). */
function count(z: ZSet, b: Bounds): number {
  const zsl = z.zsl;
  const first = b.first(zsl);
  if (first === null) return 0;
  const last = b.last(zsl)!;
  return zsl.rank(last.score, last.member) - zsl.rank(first.score, first.member) + 1;
}

export function countByScore(z: ZSet, r: ScoreRange): number {
  return count(z, scoreBounds(r));
}

export function countByLex(z: ZSet, r: LexRange): number {
  return count(z, lexBounds(r));
}
