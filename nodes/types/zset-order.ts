/**
 * Sorted-set order: the entry object both halves of a sorted set share (the member → entry map and
 * the ordered index, order-tree.ts), score and lex ranges with Redis's bounds, and the comparisons.
 * Entries sort by score, ties by member bytes (latin1 strings compare bytewise with `<`).
 */
import type { Leaf } from './order-tree-nodes.js';

/** One member of a sorted set. */
export class ZNode {
  /** The successor and predecessor in order (Redis's level[0].forward and backward). */
  fwd: ZNode | null = null;
  prev: ZNode | null = null;
  /** The order tree's leaf holding this entry. */
  leaf: Leaf | null = null;

  constructor(
    public score: number,
    readonly member: string,
  ) {}
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
