/**
 * Reply shapes of the sorted-set commands. Scores go out as Redis 7.0 prints them (see
 * zset-number.ts) — a bulk string in RESP2, a RESP3 double otherwise. Member/score lists are flat
 * in RESP2 and, like Redis 7, an array of [member, score] pairs in RESP3, so clients keep order.
 */
import type { Client } from '../client.js';

export interface Entry {
  readonly member: string;
  readonly score: number;
}

/** Header for n entries: nested pairs when `nested`, else flat (doubled with scores). */
export function entriesHeader(c: Client, n: number, withScores: boolean, nested: boolean): void {
  c.out.array(withScores && !nested ? n * 2 : n);
}

export function replyEntry(c: Client, e: Entry, withScores: boolean, nested: boolean): void {
  if (withScores && nested) c.out.array(2);
  c.out.bulk(e.member);
  if (withScores) c.out.double(e.score);
}

/** A list of entries, pairs nested in RESP3 (ZRANGE, ZUNION, ZRANDMEMBER … WITHSCORES). */
export function replyEntries(c: Client, entries: readonly Entry[], withScores: boolean): void {
  const nested = c.out.resp === 3;
  entriesHeader(c, entries.length, withScores, nested);
  for (let i = 0; i < entries.length; i++) replyEntry(c, entries[i], withScores, nested);
}
