/**
 * ZRANGE and its older forms (ZREVRANGE, Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX), ZRANGESTORE,
 * ZCOUNT, ZLEXCOUNT and ZREMRANGEBY{RANK,SCORE,LEX}. Argument handling follows Redis's
 * zrangeGenericCommand step by step — options, then conflicts, then the range, then the key — so
 * the same bad input gets the same error.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import type { LexRange, ScoreRange, ZNode } from '../types/zset-order.js';
import { ZSet } from '../types/zset.js';
import { clampRanks, countByLex, countByScore, deleteByLex, selectByLex, selectByRank, selectByScore } from '../types/zset-ranges.js';
import { readTyped, writeTyped } from './lookup.js';
import type { Handler } from './registry.js';
import { parseLexRange, parseLong, parseScoreRange } from './zset-args.js';
import { replyEntries } from './zset-reply.js';

type Kind = 'rank' | 'score' | 'lex';

interface RangeQuery {
  kind: Kind;
  reverse: boolean;
  withScores: boolean;
  offset: number;
  /** -1: no LIMIT given. */
  limit: number;
  start: number;
  end: number;
  score: ScoreRange | null;
  lex: LexRange | null;
}

/**
 * Parses argv[keyIdx + 3 …] options and the min/max pair. `kind`/`reverse` are fixed by the older
 * commands (null: ZRANGE chooses with BYSCORE/BYLEX/REV). Replies and returns null on error.
 */
function parseQuery(c: Client, argv: string[], keyIdx: number, store: boolean, kind: Kind | null, reverse: boolean | null): RangeQuery | null {
  const q: RangeQuery = { kind: 'rank', reverse: false, withScores: false, offset: 0, limit: -1, start: 0, end: 0, score: null, lex: null };
  for (let j = keyIdx + 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (!store && opt === 'withscores') q.withScores = true;
    else if (opt === 'limit' && argv.length - j - 1 >= 2) {
      const offset = parseLong(argv[j + 1]);
      const limit = offset === null ? null : parseLong(argv[j + 2]);
      if (offset === null || limit === null) return fail(c, Err.notInteger);
      q.offset = offset;
      q.limit = limit;
      j += 2;
    } else if (reverse === null && opt === 'rev') reverse = true;
    else if (kind === null && opt === 'bylex') kind = 'lex';
    else if (kind === null && opt === 'byscore') kind = 'score';
    else return fail(c, Err.syntax);
  }
  q.kind = kind ?? 'rank';
  q.reverse = reverse ?? false;
  if (q.limit !== -1 && q.kind === 'rank') return fail(c, Err.zrangeLimitNeedsBy);
  if (q.withScores && q.kind === 'lex') return fail(c, Err.zrangeWithscoresBylex);
  // Score and lex ranges are given as max, min when reversed.
  const swap = q.reverse && q.kind !== 'rank';
  const min = argv[keyIdx + (swap ? 2 : 1)];
  const max = argv[keyIdx + (swap ? 1 : 2)];
  if (q.kind === 'rank') {
    const start = parseLong(min);
    const end = start === null ? null : parseLong(max);
    if (start === null || end === null) return fail(c, Err.notInteger);
    q.start = start;
    q.end = end;
  } else if (q.kind === 'score') {
    if ((q.score = parseScoreRange(min, max)) === null) return fail(c, Err.zsetMinMaxNotFloat);
  } else if ((q.lex = parseLexRange(min, max)) === null) {
    return fail(c, Err.zsetMinMaxNotLex);
  }
  return q;
}

function fail(c: Client, err: string): null {
  c.out.error(err);
  return null;
}

function run(z: ZSet, q: RangeQuery): ZNode[] {
  if (q.kind === 'rank') return selectByRank(z, q.start, q.end, q.reverse);
  if (q.kind === 'score') return selectByScore(z, q.score!, q.offset, q.limit, q.reverse);
  return selectByLex(z, q.lex!, q.offset, q.limit, q.reverse);
}

function rangeCommand(kind: Kind | null, reverse: boolean | null): Handler {
  return (c, argv) => {
    const q = parseQuery(c, argv, 1, false, kind, reverse);
    if (q === null) return;
    const z = readTyped<ZSet>(c, argv[1], 'zset');
    if (z === null) return;
    if (z === undefined) return c.out.array(0);
    replyEntries(c, run(z, q), q.withScores);
  };
}

function zrangestore(c: Client, argv: string[]): void {
  const q = parseQuery(c, argv, 2, true, null, null);
  if (q === null) return;
  const src = readTyped<ZSet>(c, argv[2], 'zset');
  if (src === null) return;
  const nodes = src === undefined ? [] : run(src, q);
  storeResult(c, argv[1], nodes);
}

/** Stores entries at dst (deleting it when there are none) and replies with their number. */
export function storeResult(c: Client, dst: string, entries: readonly { member: string; score: number }[]): void {
  if (entries.length === 0) {
    if (c.db.delete(dst)) c.server.dirty++;
    return c.out.int(0);
  }
  let maxLen = 0;
  for (const e of entries) if (e.member.length > maxLen) maxLen = e.member.length;
  const z = ZSet.build(entries.map((e) => [e.member, e.score] as const), entries.length, maxLen);
  c.db.set(dst, z);
  c.server.dirty++;
  c.out.int(z.size);
}

function zcount(c: Client, argv: string[]): void {
  const r = parseScoreRange(argv[2], argv[3]);
  if (r === null) return c.out.error(Err.zsetMinMaxNotFloat);
  const z = readTyped<ZSet>(c, argv[1], 'zset');
  if (z !== null) c.out.int(z === undefined ? 0 : countByScore(z, r));
}

function zlexcount(c: Client, argv: string[]): void {
  const r = parseLexRange(argv[2], argv[3]);
  if (r === null) return c.out.error(Err.zsetMinMaxNotLex);
  const z = readTyped<ZSet>(c, argv[1], 'zset');
  if (z !== null) c.out.int(z === undefined ? 0 : countByLex(z, r));
}

/** ZREMRANGEBY*: `remove` deletes from the order tree (forgetting members) and returns the count. */
function remRange(c: Client, key: string, remove: (z: ZSet) => number): void {
  const z = writeTyped<ZSet>(c, key, 'zset');
  if (z === null) return;
  if (z === undefined) return c.out.int(0);
  const removed = remove(z);
  if (removed > 0) {
    if (z.size === 0) c.db.delete(key);
    else c.db.touchWrite(key);
    c.server.dirty++;
  }
  c.out.int(removed);
}

function zremrangebyrank(c: Client, argv: string[]): void {
  const start = parseLong(argv[2]);
  const end = start === null ? null : parseLong(argv[3]);
  if (start === null || end === null) return c.out.error(Err.notInteger);
  remRange(c, argv[1], (z) => {
    const r = clampRanks(z.size, start, end);
    return r === null ? 0 : z.tree.deleteRankRange(r[0] + 1, r[1] + 1, z.forget);
  });
}

function zremrangebyscore(c: Client, argv: string[]): void {
  const r = parseScoreRange(argv[2], argv[3]);
  if (r === null) return c.out.error(Err.zsetMinMaxNotFloat);
  remRange(c, argv[1], (z) => z.tree.deleteScoreRange(r, z.forget));
}

function zremrangebylex(c: Client, argv: string[]): void {
  const r = parseLexRange(argv[2], argv[3]);
  if (r === null) return c.out.error(Err.zsetMinMaxNotLex);
  remRange(c, argv[1], (z) => deleteByLex(z, r));
}

export const zsetRangeHandlers: Record<string, Handler> = {
  zrange: rangeCommand(null, null),
  zrevrange: rangeCommand('rank', true),
  zrangebyscore: rangeCommand('score', false),
  zrevrangebyscore: rangeCommand('score', true),
  zrangebylex: rangeCommand('lex', false),
  zrevrangebylex: rangeCommand('lex', true),
  zrangestore,
  zcount,
  zlexcount,
  zremrangebyrank,
  zremrangebyscore,
  zremrangebylex,
};
