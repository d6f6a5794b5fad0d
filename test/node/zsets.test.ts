/**
 * Sorted-set commands, differentially against a real redis-server 7: the same commands go to both
 * servers and replies must be identical — errors, ±inf, exclusive bounds, lex ranges, LIMIT edge
 * cases, RESP3 shapes (compared as raw bytes), encodings, a randomized workload, and blocking pops
 * (each scenario run on both servers). Where Redis answers randomly (ZRANDMEMBER, ZSCAN of a big
 * set) the documented behaviour is asserted instead. A 1M-member set checks that LIMIT queries
 * touch O(log n + count) skiplist nodes.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ZSet } from '../../nodes/types/zset.js';
import { waitUntil } from '../helpers/guarded-process.js';
import type { InProcessNode } from '../helpers/node.js';
import { RawClient, type Reply } from '../helpers/raw-client.js';
import type { Differ, RedisServer } from '../helpers/redis-server.js';
import { useDifferential, type Arg } from '../helpers/diff-harness.js';

const h = useDifferential();
let node: InProcessNode;
let redis: RedisServer;
let d: Differ;
// The harness starts both servers and empties them before every test; short names for the file.
beforeAll(() => {
  ({ node, redis, d } = h);
});

/** `same`: one command to both servers, the same reply expected (returned); `sameAll`: several. */
const { same, sameAll } = h;

const sameBytes = (cmds: Arg[][], resp3 = true): Promise<string> => h.sameBytes(cmds, resp3);

/** Deterministic pseudo-random numbers (mulberry32), so a failing case can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ZADD of `pairs` [score, member] to both servers. */
async function zadd(key: string, pairs: [Arg, string][]): Promise<void> {
  await same('ZADD', key, ...pairs.flat());
}

/** n members "m000".. with scores i (or from `score`), enough to make a skiplist when n > 128. */
function members(n: number, score: (i: number) => Arg = (i) => i): [Arg, string][] {
  return Array.from({ length: n }, (_, i) => [score(i), `m${String(i).padStart(3, '0')}`]);
}

const OURS_ZSET = (key: string) => node.server.dbs[0].peek(key) as ZSet;

describe('ZADD and ZINCRBY', () => {
  it('options, replies and every error', async () => {
    await sameAll([
      ['ZADD', 'z', 1, 'a'], ['ZADD', 'z', 2, 'a', 3, 'b'], ['ZADD', 'z', 'CH', 5, 'a', 3, 'b', 1, 'c'],
      ['ZADD', 'z', 'NX', 10, 'a', 4, 'd'], ['ZADD', 'z', 'XX', 10, 'a', 4, 'e'], ['ZADD', 'z', 'XX', 'CH', 11, 'a', 4, 'e'],
      ['ZADD', 'z', 'GT', 'CH', 1, 'a', 20, 'b', 9, 'f'], ['ZADD', 'z', 'LT', 'CH', 100, 'a', 0, 'b'],
      ['ZADD', 'z', 'XX', 'GT', 'CH', 50, 'a', 50, 'zz'], ['ZADD', 'z', 'gt', 'xx', 'ch', 'incr', 1, 'a'],
      ['ZADD', 'z', 'INCR', 2.5, 'a'], ['ZADD', 'z', 'NX', 'INCR', 1, 'a'], ['ZADD', 'z', 'XX', 'INCR', 1, 'nope'],
      ['ZADD', 'z', 'GT', 'INCR', -1, 'a'], ['ZADD', 'z', 'LT', 'INCR', -1, 'a'], ['ZADD', 'z', 'INCR', 0, 'a'],
      ['ZADD', 'z', 'XX', 'NX', 1, 'a'], ['ZADD', 'z', 'NX', 'GT', 1, 'a'], ['ZADD', 'z', 'NX', 'LT', 1, 'a'],
      ['ZADD', 'z', 'GT', 'LT', 1, 'a'], ['ZADD', 'z', 'INCR', 1, 'a', 2, 'b'], ['ZADD', 'z', 'XX', 'NX', 'INCR', 1, 'a', 2],
      ['ZADD', 'z', 1, 'a', 2], ['ZADD', 'z', 'NX', 'XX'], ['ZADD', 'z', 'CH', 'CH'], ['ZADD', 'z', 'x', 'a'],
      ['ZADD', 'z', 1, 'a', 'y', 'b'], ['ZADD', 'z', 'nan', 'a'], ['ZADD', 'z'], ['ZADD', 'z', 1],
      ['ZADD', 'z', 'XX', 'INCR', 1, 'a'], ['ZRANGE', 'z', 0, -1, 'WITHSCORES'],
      ['ZADD', 'fresh', 'XX', 1, 'a'], ['ZADD', 'fresh', 'XX', 'INCR', 1, 'a'], ['EXISTS', 'fresh'],
      ['ZADD', 'fresh', 'GT', 5, 'a'], ['ZADD', 'fresh', 'LT', 'INCR', 5, 'b'], ['ZRANGE', 'fresh', 0, -1, 'WITHSCORES'],
      ['SET', 'str', 'x'], ['ZADD', 'str', 1, 'a'], ['ZADD', 'str', 'x', 'a'], ['ZADD', 'str', 'NX', 'XX', 1, 'a'],
    ]);
  });

  it('ZINCRBY, infinities and NaN results', async () => {
    await sameAll([
      ['ZINCRBY', 'z', 1, 'a'], ['ZINCRBY', 'z', 1.5, 'a'], ['ZINCRBY', 'z', -0.1, 'a'], ['ZINCRBY', 'z', 'abc', 'a'],
      ['ZINCRBY', 'z', 'inf', 'a'], ['ZINCRBY', 'z', 1, 'a'], ['ZINCRBY', 'z', '-inf', 'a'], ['ZSCORE', 'z', 'a'],
      ['ZADD', 'z', 'INCR', '-inf', 'a'], ['ZADD', 'z', '-inf', 'b'], ['ZINCRBY', 'z', '+inf', 'b'], ['ZSCORE', 'z', 'b'],
      ['ZINCRBY', 'z', 1e308, 'c'], ['ZINCRBY', 'z', 1e308, 'c'], ['ZINCRBY', 'z', 'nan', 'c'],
      ['ZINCRBY', 'z', 'nx', 'c'], ['ZINCRBY', 'z', 1, 'c', 'd'], ['ZRANGE', 'z', 0, -1, 'WITHSCORES'],
      ['SET', 'str', 'x'], ['ZINCRBY', 'str', 1, 'a'],
    ]);
  });

  it('parses scores as strtod does and prints them as Redis 7.0 (%.17g)', async () => {
    const scores = ['1.1', '0.1', '-0.1', '1e17', '1e16', '123456789012345678', '5e-324', '1.23e-18', '1e-5', '0.0001',
      '1234567890123456.25', '1234567890123456.75', '-1234567890123456.25', '1.5e300', '0x10', '0x1.8p1', '+.5', '5.',
      '1E3', '-0', '+0', '3.0000000000000004', '9007199254740993', '4611686018427387904', '-4611686018427387905',
      'inf', '+inf', '-inf', 'Infinity', '-INFINITY', '2.2250738585072014e-308', '1e-310', '123.456'];
    const invalid = ['', ' 1', '1 ', '.', '1e', '1e+', '-.e1', 'nan', '-nan', 'infinit', '1e400', '-1e400', '2e-324', '0x', 'abc', '1\x002'];
    for (const [i, s] of scores.entries()) {
      await same('ZADD', 'z', s, `m${i}`);
      await same('ZSCORE', 'z', `m${i}`);
    }
    for (const s of invalid) await same('ZADD', 'z', s, 'bad');
    await same('ZRANGE', 'z', 0, -1, 'WITHSCORES');
    await same('ZSCAN', 'z', 0);
    // The same scores in a skiplist-encoded set: -0 keeps its sign there, ZSCAN prints %.17g.
    await zadd('big', members(130));
    for (const [i, s] of scores.entries()) await same('ZADD', 'big', s, `x${i}`);
    await same('OBJECT', 'ENCODING', 'big');
    await same('ZRANGE', 'big', 0, -1, 'WITHSCORES');
    for (const [i] of scores.entries()) await same('ZSCORE', 'big', `x${i}`);
  });
});

describe('single-member reads and ZREM', () => {
  it('ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZREM, ties ordered by member bytes', async () => {
    await zadd('z', [[1, 'b'], [1, 'a'], [1, 'B'], [1, '\xff'], [1, ''], [1, 'a\x00'], [0, 'z'], [2, 'aa']]);
    await sameAll([
      ['ZCARD', 'z'], ['ZCARD', 'none'], ['ZSCORE', 'z', 'a'], ['ZSCORE', 'z', 'nope'], ['ZSCORE', 'none', 'a'],
      ['ZMSCORE', 'z', 'a', 'nope', 'z', ''], ['ZMSCORE', 'none', 'a', 'b'],
      ['ZRANGE', 'z', 0, -1, 'WITHSCORES'],
      ...['a', 'b', 'B', '\xff', '', 'a\x00', 'z', 'aa', 'nope'].flatMap((m) => [['ZRANK', 'z', m], ['ZREVRANK', 'z', m]]),
      ['ZRANK', 'none', 'a'], ['ZREVRANK', 'none', 'a'], ['ZRANK', 'z', 'a', 'WITHSCORE'],
      ['ZREM', 'z', 'a', 'nope', 'a'], ['ZREM', 'none', 'a'], ['ZCARD', 'z'],
      ['ZREM', 'z', 'b', 'B', '\xff', '', 'a\x00', 'z', 'aa', 'more'], ['EXISTS', 'z'],
      ['SET', 'str', 'x'], ['ZCARD', 'str'], ['ZSCORE', 'str', 'a'], ['ZMSCORE', 'str', 'a'], ['ZRANK', 'str', 'a'],
      ['ZREVRANK', 'str', 'a'], ['ZREM', 'str', 'a'],
    ]);
  });
});

const SCORE_BOUNDS = ['-inf', '+inf', 'inf', '0', '1', '(1', '2.5', '(2.5', '(-inf', '(+inf', '3', '(3', '10', '-1', '(', '',
  ' 2', '1e400', '-1e400', 'nan', '(nan', 'x', '((1', '1 ', '0x2', '(0x1p1'];
const LEX_BOUNDS = ['-', '+', '[a', '(a', '[b', '(b', '[bb', '(c', '[', '(', '[\xff', 'a', '', '--', '++', '[a\x00'];

describe('counting and range queries', () => {
  beforeEach(async () => {
    await zadd('z', [[1, 'a'], [1, 'b'], [2, 'c'], [2.5, 'd'], [3, 'e'], ['-inf', 'ninf'], ['inf', 'pinf'], [3, 'e2']]);
    await zadd('lex', [[0, 'a'], [0, 'aa'], [0, 'b'], [0, 'bb'], [0, 'c'], [0, ''], [0, '\xff'], [0, 'a\x00']]);
  });

  it('ZCOUNT over every pair of score bounds (exclusive, ±inf, invalid)', async () => {
    for (const min of SCORE_BOUNDS) for (const max of SCORE_BOUNDS) await same('ZCOUNT', 'z', min, max);
    await sameAll([['ZCOUNT', 'none', 0, 1], ['ZCOUNT', 'none', 'x', 1], ['SET', 's', 'x'], ['ZCOUNT', 's', 0, 1], ['ZCOUNT', 's', 'x', 1]]);
  });

  it('ZLEXCOUNT over every pair of lex bounds', async () => {
    for (const min of LEX_BOUNDS) for (const max of LEX_BOUNDS) await same('ZLEXCOUNT', 'lex', min, max);
    // Mixed scores leave lex ranges undefined, but a listpack answers them by a linear scan.
    for (const min of LEX_BOUNDS) for (const max of LEX_BOUNDS) {
      await same('ZLEXCOUNT', 'z', min, max);
      await same('ZRANGEBYLEX', 'z', min, max);
      await same('ZREVRANGEBYLEX', 'z', max, min, 'LIMIT', 1, 2);
    }
    await sameAll([['ZLEXCOUNT', 'none', '-', '+'], ['SET', 's', 'x'], ['ZLEXCOUNT', 's', '-', '+'], ['ZLEXCOUNT', 's', 'x', '+']]);
  });

  it('ZRANGEBYSCORE / ZREVRANGEBYSCORE over bound pairs, with and without LIMIT', async () => {
    const bounds = ['-inf', '+inf', '1', '(1', '2.5', '(2.5', '3', '(3', '(-inf', 'x', ''];
    const limits: Arg[][] = [[], ['LIMIT', 0, 2], ['LIMIT', 1, 1], ['LIMIT', 2, -1], ['LIMIT', -1, 2], ['LIMIT', 0, 0], ['LIMIT', 100, 1], ['LIMIT', 7, 5]];
    for (const min of bounds) for (const max of bounds) {
      for (const lim of limits) {
        await same('ZRANGEBYSCORE', 'z', min, max, ...lim);
        await same('ZREVRANGEBYSCORE', 'z', max, min, 'WITHSCORES', ...lim);
      }
      await same('ZRANGE', 'z', min, max, 'BYSCORE', 'WITHSCORES');
      await same('ZRANGE', 'z', max, min, 'BYSCORE', 'REV', 'LIMIT', 1, 3);
    }
  });

  it('ZRANGEBYLEX / ZREVRANGEBYLEX over bound pairs, with and without LIMIT', async () => {
    const limits: Arg[][] = [[], ['LIMIT', 0, 2], ['LIMIT', 1, -1], ['LIMIT', -1, 1], ['LIMIT', 3, 0], ['LIMIT', 5, 10]];
    for (const min of LEX_BOUNDS) for (const max of LEX_BOUNDS) {
      for (const lim of limits) {
        await same('ZRANGEBYLEX', 'lex', min, max, ...lim);
        await same('ZREVRANGEBYLEX', 'lex', max, min, ...lim);
      }
      await same('ZRANGE', 'lex', min, max, 'BYLEX');
      await same('ZRANGE', 'lex', max, min, 'BYLEX', 'REV', 'LIMIT', 1, 2);
    }
  });

  it('ZRANGE / ZREVRANGE by rank: negative, huge and crossed indexes', async () => {
    const idx: Arg[] = [0, 1, 2, 7, 8, 100, -1, -2, -8, -9, -100, '9223372036854775807', '-9223372036854775808'];
    for (const a of idx) for (const b of idx) {
      await same('ZRANGE', 'z', a, b);
      await same('ZREVRANGE', 'z', a, b, 'WITHSCORES');
      await same('ZRANGE', 'z', a, b, 'REV');
    }
    await sameAll([['ZRANGE', 'z', 'x', 1], ['ZRANGE', 'z', 0, '1.5'], ['ZRANGE', 'z', 0, '9223372036854775808'], ['ZRANGE', 'none', 0, -1]]);
  });

  it('ZRANGE option parsing and its errors, in Redis\'s order', async () => {
    await sameAll([
      ['ZRANGE', 'z', 0, -1, 'LIMIT', 0, -1], ['ZRANGE', 'z', 0, -1, 'LIMIT', 0, -2], ['ZRANGE', 'z', 0, -1, 'LIMIT', 1],
      ['ZRANGE', 'z', 0, -1, 'LIMIT', 'x', 1], ['ZRANGE', 'z', 0, -1, 'BYSCORE', 'LIMIT', 0, 'x'],
      ['ZRANGE', 'lex', '-', '+', 'BYLEX', 'WITHSCORES'], ['ZRANGE', 'lex', '-', '+', 'WITHSCORES', 'BYLEX', 'LIMIT', 0, 1],
      ['ZRANGE', 'z', 0, -1, 'BYSCORE', 'BYLEX'], ['ZRANGE', 'z', 0, -1, 'BYSCORE', 'BYSCORE'], ['ZRANGE', 'z', 0, -1, 'REV', 'REV'],
      ['ZRANGE', 'z', 0, -1, 'foo'], ['ZRANGE', 'z', 'a', 'b', 'BYSCORE'], ['ZRANGE', 'z', 'a', 'b', 'BYLEX'], ['ZRANGE', 'z', 'a', 'b'],
      ['ZRANGE', 'z', 0, -1, 'withscores', 'WITHSCORES'], ['ZRANGE', 'z', '(1', 3, 'byscore', 'limit', 0, 10, 'withscores', 'rev'],
      ['ZRANGE', 'z', 3, '(1', 'byscore', 'limit', 0, 10, 'withscores', 'rev'], ['ZRANGE', 'none', 0, -1, 'LIMIT', 0, 1],
      ['ZRANGE', 'none', 'x', 'y'], ['ZRANGE', 'none', 0, 1, 'BYSCORE', 'WITHSCORES'],
      ['ZRANGEBYSCORE', 'z', 0, 10, 'REV'], ['ZRANGEBYSCORE', 'z', 0, 10, 'BYLEX'], ['ZRANGEBYSCORE', 'z', 0, 10, 'LIMIT', 1],
      ['ZRANGEBYSCORE', 'z', 'a', 10, 'LIMIT', 'x', 1], ['ZRANGEBYSCORE', 'z', 0, 10, 'LIMIT', 1, 2, 'WITHSCORES', 'WITHSCORES'],
      ['ZRANGEBYLEX', 'lex', '-', '+', 'WITHSCORES'], ['ZRANGEBYLEX', 'lex', 'a', '+'], ['ZREVRANGEBYLEX', 'lex', '+', '-', 'REV'],
      ['ZREVRANGE', 'z', 0, -1, 'BYSCORE'], ['ZREVRANGE', 'z', 0, -1, 'LIMIT', 0, 1], ['ZREVRANGE', 'z', 0, -1, 'REV'],
      ['SET', 's', 'x'], ['ZRANGE', 's', 0, -1], ['ZRANGE', 's', 'x', -1], ['ZRANGEBYSCORE', 's', 0, 1], ['ZRANGEBYLEX', 's', '-', '+'],
    ]);
  });

  it('ZRANGESTORE: results, empty results delete the destination, encodings, errors', async () => {
    await zadd('big', members(200));
    await sameAll([
      ['ZRANGESTORE', 'd', 'z', 0, -1], ['ZRANGE', 'd', 0, -1, 'WITHSCORES'], ['OBJECT', 'ENCODING', 'd'],
      ['ZRANGESTORE', 'd', 'z', '(1', 3, 'BYSCORE', 'LIMIT', 1, 2], ['ZRANGE', 'd', 0, -1, 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'lex', '+', '[b', 'BYLEX', 'REV'], ['ZRANGE', 'd', 0, -1, 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'z', 5, 1], ['EXISTS', 'd'], ['ZRANGESTORE', 'd', 'none', 0, -1],
      ['ZRANGESTORE', 'd', 'z', 0, -1, 'WITHSCORES'], ['ZRANGESTORE', 'd', 'z', 0, -1, 'LIMIT', 0, 1],
      ['ZRANGESTORE', 'd', 'big', 0, 129], ['OBJECT', 'ENCODING', 'd'], ['ZRANGESTORE', 'd', 'big', 0, 127], ['OBJECT', 'ENCODING', 'd'],
      ['ZRANGESTORE', 'd', 'big', 0, 300, 'BYSCORE'], ['OBJECT', 'ENCODING', 'd'], ['ZRANGESTORE', 'd', 'big', 0, 5, 'BYSCORE'], ['OBJECT', 'ENCODING', 'd'],
      ['SET', 's', 'x'], ['ZRANGESTORE', 'd', 's', 0, -1], ['ZRANGESTORE', 's', 'z', 0, 1], ['TYPE', 's'], ['ZRANGE', 's', 0, -1],
      ['SET', 's2', 'y'], ['EXPIRE', 's2', 100], ['ZRANGESTORE', 's2', 'z', 0, 0], ['TTL', 's2'],
    ]);
  });
});

describe('ZREMRANGEBYRANK / BYSCORE / BYLEX', () => {
  it('removes ranges, deletes emptied keys, reports errors', async () => {
    const reset = () => zadd('z', [[1, 'a'], [1, 'b'], [2, 'c'], [2.5, 'd'], [3, 'e'], ['-inf', 'ninf'], ['inf', 'pinf']]);
    const cases: Arg[][] = [
      ['ZREMRANGEBYRANK', 'z', 0, 0], ['ZREMRANGEBYRANK', 'z', -2, -1], ['ZREMRANGEBYRANK', 'z', 5, 2], ['ZREMRANGEBYRANK', 'z', 10, 20],
      ['ZREMRANGEBYRANK', 'z', -100, 1], ['ZREMRANGEBYRANK', 'z', 0, -1], ['ZREMRANGEBYRANK', 'z', 'x', 1], ['ZREMRANGEBYRANK', 'z', 1, '1.0'],
      ['ZREMRANGEBYSCORE', 'z', '(1', 3], ['ZREMRANGEBYSCORE', 'z', '-inf', '(2'], ['ZREMRANGEBYSCORE', 'z', 3, 1], ['ZREMRANGEBYSCORE', 'z', '(2', '(2'],
      ['ZREMRANGEBYSCORE', 'z', '-inf', '+inf'], ['ZREMRANGEBYSCORE', 'z', 'x', 1], ['ZREMRANGEBYSCORE', 'z', 'inf', 'inf'],
      ['ZREMRANGEBYLEX', 'z', '-', '+'], ['ZREMRANGEBYLEX', 'z', '[a', '(c'], ['ZREMRANGEBYLEX', 'z', '(a', '+'], ['ZREMRANGEBYLEX', 'z', 'a', '+'],
      ['ZREMRANGEBYLEX', 'z', '+', '-'],
    ];
    for (const cmd of cases) {
      await same('DEL', 'z');
      await reset();
      await same(...cmd);
      await same('ZRANGE', 'z', 0, -1, 'WITHSCORES');
      await same('EXISTS', 'z');
    }
    await sameAll([
      ['ZREMRANGEBYRANK', 'none', 0, -1], ['ZREMRANGEBYSCORE', 'none', 'x', 1], ['ZREMRANGEBYLEX', 'none', '-', '+'],
      ['SET', 's', 'x'], ['ZREMRANGEBYRANK', 's', 0, 1], ['ZREMRANGEBYSCORE', 's', 0, 1], ['ZREMRANGEBYLEX', 's', '-', '+'], ['ZREMRANGEBYLEX', 's', 'x', '+'],
    ]);
  });

  it('works on a skiplist-encoded set, keeping ranks consistent', async () => {
    await zadd('big', members(300, (i) => i % 50));
    await sameAll([
      ['ZREMRANGEBYRANK', 'big', 10, 19], ['ZREMRANGEBYSCORE', 'big', '(40', 45],
      ['ZADD', 'lex', ...members(300, () => 0).flat()], ['ZREMRANGEBYLEX', 'lex', '[m1', '(m2'], ['ZRANGE', 'lex', 95, 105],
      ['ZREMRANGEBYLEX', 'lex', '(m050', '[m060'], ['ZRANGE', 'lex', 45, 55], ['ZRANK', 'lex', 'm299'], ['ZLEXCOUNT', 'lex', '[m0', '(m3'],
      ['ZCARD', 'big'], ['ZRANGE', 'big', 0, -1, 'WITHSCORES'], ['OBJECT', 'ENCODING', 'big'],
      ['ZRANK', 'big', 'm299'], ['ZREVRANK', 'big', 'm000'], ['ZCOUNT', 'big', 5, 30],
    ]);
  });
});

describe('ZPOPMIN ZPOPMAX ZMPOP', () => {
  it('pops from either end, deletes the emptied key, reports errors', async () => {
    await zadd('z', [[1, 'a'], [2, 'b'], [3, 'c'], [3, 'd'], [4, 'e']]);
    await sameAll([
      ['ZPOPMIN', 'z'], ['ZPOPMAX', 'z'], ['ZPOPMIN', 'z', 2], ['ZPOPMAX', 'z', 0], ['ZPOPMIN', 'z', -1], ['ZPOPMIN', 'z', 'x'],
      ['ZPOPMIN', 'z', 1, 2], ['ZPOPMIN', 'none'], ['ZPOPMIN', 'none', 3], ['ZPOPMIN', 'none', 0], ['ZPOPMAX', 'z', 10], ['EXISTS', 'z'],
      ['SET', 's', 'x'], ['ZPOPMIN', 's'], ['ZPOPMIN', 's', 0], ['ZPOPMAX', 's', -1],
    ]);
    await zadd('z', [[1, 'a'], [2, 'b'], [3, 'c']]);
    await zadd('y', [[5, 'p'], [6, 'q']]);
    await sameAll([
      ['ZMPOP', 1, 'z', 'MIN'], ['ZMPOP', 2, 'none', 'z', 'max', 'COUNT', 5], ['ZMPOP', 2, 'none', 'z', 'MIN'], ['ZMPOP', 3, 'none', 'z', 'y', 'MIN', 'COUNT', 1],
      ['ZMPOP', 1, 'none', 'MIN'], ['ZMPOP', 0, 'y', 'MIN'], ['ZMPOP', 'x', 'y', 'MIN'], ['ZMPOP', -1, 'y', 'MIN'], ['ZMPOP', 2, 'y', 'MIN'],
      ['ZMPOP', 1, 'y', 'FOO'], ['ZMPOP', 1, 'y', 'MIN', 'COUNT'], ['ZMPOP', 1, 'y', 'MIN', 'COUNT', 0], ['ZMPOP', 1, 'y', 'MIN', 'COUNT', 'x'],
      ['ZMPOP', 1, 'y', 'MIN', 'COUNT', 1, 'COUNT', 1], ['ZMPOP', 1, 'y', 'MIN', 'LIMIT', 1], ['ZMPOP', '9223372036854775807', 'y', 'MIN'],
      ['ZMPOP', 2, 's', 'y', 'MIN'], ['ZMPOP', 2, 'y', 's', 'MAX'], ['ZMPOP', 1, 'y', 'MAX', 'COUNT', 10], ['ZMPOP', 2, 'none', 's', 'MIN'],
    ]);
  });
});

describe('set algebra', () => {
  beforeEach(async () => {
    await zadd('a', [[1, 'x'], [2, 'y'], [3, 'z'], ['inf', 'i'], [0.1, 'f']]);
    await zadd('b', [[10, 'y'], [20, 'z'], [30, 'w'], ['-inf', 'i'], [0.2, 'f']]);
    await zadd('c', [[5, 'z'], [6, 'q']]);
    await same('SADD', 'set', 'x', 'z', 'w', 'only');
    await same('SET', 'str', 'v');
  });

  it('ZUNION ZINTER ZDIFF with WEIGHTS, AGGREGATE, plain sets and missing keys', async () => {
    const inputs: Arg[][] = [[1, 'a'], [2, 'a', 'b'], [3, 'a', 'b', 'c'], [2, 'a', 'set'], [2, 'set', 'b'], [2, 'a', 'none'], [2, 'none', 'a'], [2, 'a', 'a'], [1, 'set']];
    const opts: Arg[][] = [[], ['WITHSCORES'], ['AGGREGATE', 'MIN', 'WITHSCORES'], ['AGGREGATE', 'max', 'WITHSCORES'], ['AGGREGATE', 'sum', 'WITHSCORES']];
    for (const inp of inputs) {
      const n = Number(inp[0]);
      const weightSets: Arg[][] = [[], ['WEIGHTS', ...Array(n).fill(2)], ['WEIGHTS', ...Array(n).fill(0)], ['WEIGHTS', ...Array.from({ length: n }, (_, i) => (i % 2 ? '-1.5' : 'inf'))]];
      for (const o of opts) {
        await same('ZDIFF', ...inp, ...o.filter((x) => x === 'WITHSCORES'));
        for (const w of weightSets) {
          await same('ZUNION', ...inp, ...w, ...o);
          await same('ZINTER', ...inp, ...w, ...o);
        }
      }
    }
  });

  it('the STORE forms and ZINTERCARD, with encodings of the results', async () => {
    await zadd('big', members(200));
    await zadd('long', [[1, 'x'.repeat(65)], [2, 'y']]);
    await zadd('negz', members(130, () => '-0'));
    await sameAll([
      ['ZUNIONSTORE', 'd', 3, 'a', 'b', 'set', 'WEIGHTS', 1, 2, 3], ['ZRANGE', 'd', 0, -1, 'WITHSCORES'], ['OBJECT', 'ENCODING', 'd'],
      ['ZINTERSTORE', 'd', 2, 'a', 'b', 'AGGREGATE', 'MAX'], ['ZRANGE', 'd', 0, -1, 'WITHSCORES'],
      ['ZDIFFSTORE', 'd', 2, 'a', 'b'], ['ZRANGE', 'd', 0, -1, 'WITHSCORES'],
      ['ZINTERSTORE', 'd', 2, 'a', 'none'], ['EXISTS', 'd'], ['ZUNIONSTORE', 'd', 1, 'none'], ['ZDIFFSTORE', 'd', 2, 'a', 'a'],
      ['ZUNIONSTORE', 'd', 1, 'big'], ['OBJECT', 'ENCODING', 'd'], ['ZINTERSTORE', 'd', 2, 'big', 'a'], ['OBJECT', 'ENCODING', 'd'],
      ['ZUNIONSTORE', 'd', 1, 'long'], ['OBJECT', 'ENCODING', 'd'], ['ZDIFFSTORE', 'd', 1, 'big'], ['OBJECT', 'ENCODING', 'd'],
      ['ZUNIONSTORE', 'd', 1, 'negz'], ['ZRANGE', 'd', 0, 2, 'WITHSCORES'], ['OBJECT', 'ENCODING', 'd'],
      ['ZRANGESTORE', 'd', 'negz', 0, 2], ['ZRANGE', 'd', 0, -1, 'WITHSCORES'], ['ZUNION', 1, 'negz', 'WITHSCORES'],
      ['ZUNIONSTORE', 'a', 2, 'a', 'c'], ['ZRANGE', 'a', 0, -1, 'WITHSCORES'],
      ['ZINTERCARD', 1, 'a'], ['ZINTERCARD', 2, 'a', 'b'], ['ZINTERCARD', 2, 'a', 'set'], ['ZINTERCARD', 2, 'a', 'b', 'LIMIT', 1],
      ['ZINTERCARD', 2, 'a', 'b', 'LIMIT', 0], ['ZINTERCARD', 2, 'a', 'none'], ['ZINTERCARD', 1, 'none'],
      ['SET', 'dst', 'v'], ['EXPIRE', 'dst', 100], ['ZUNIONSTORE', 'dst', 1, 'a'], ['TTL', 'dst'], ['TYPE', 'dst'],
    ]);
  });

  it('errors: numkeys, syntax, WEIGHTS, AGGREGATE, LIMIT, wrong types before options', async () => {
    await sameAll([
      ['ZUNION', 0, 'a'], ['ZUNION', -1, 'a'], ['ZUNION', 'x', 'a'], ['ZUNION', 3, 'a', 'b'], ['ZINTER', 2, 'a', 'b', 'WEIGHTS', 1],
      ['ZINTER', 2, 'a', 'b', 'WEIGHTS', 1, 'x'], ['ZINTER', 2, 'a', 'b', 'WEIGHTS', 1, 'nan'], ['ZINTER', 1, 'a', 'AGGREGATE'],
      ['ZINTER', 1, 'a', 'AGGREGATE', 'avg'], ['ZINTER', 1, 'a', 'WITHSCORES', 'foo'], ['ZDIFF', 1, 'a', 'WEIGHTS', 1],
      ['ZDIFF', 1, 'a', 'AGGREGATE', 'MIN'], ['ZDIFF', 0, 'a'], ['ZDIFF', 2, 'a'], ['ZUNIONSTORE', 'd', 0, 'a'],
      ['ZUNIONSTORE', 'd', 1, 'a', 'WITHSCORES'], ['ZINTERSTORE', 'd', 2, 'a'], ['ZDIFFSTORE', 'd', 1, 'a', 'WITHSCORES'],
      ['ZINTERCARD', 0, 'a'], ['ZINTERCARD', 'x', 'a'], ['ZINTERCARD', 1, 'a', 'LIMIT', -1], ['ZINTERCARD', 1, 'a', 'LIMIT', 'x'],
      ['ZINTERCARD', 1, 'a', 'LIMIT'], ['ZINTERCARD', 1, 'a', 'WEIGHTS', 1], ['ZINTERCARD', 1, 'a', 'WITHSCORES'],
      ['ZUNION', 2, 'a', 'str'], ['ZUNION', 2, 'a', 'str', 'WEIGHTS', 'x'], ['ZINTER', 2, 'none', 'str'], ['ZDIFF', 2, 'a', 'str', 'bad'],
      ['ZUNIONSTORE', 'd', 2, 'str', 'a'], ['ZINTERCARD', 2, 'a', 'str'], ['ZUNIONSTORE', 'str', 1, 'a'], ['TYPE', 'str'],
    ]);
  });
});

describe('ZRANDMEMBER and ZSCAN', () => {
  it('ZRANDMEMBER: errors and the deterministic cases match Redis', async () => {
    await zadd('z', [[1, 'a'], [2, 'b'], [3, 'c']]);
    await zadd('big', members(200));
    await sameAll([
      ['ZRANDMEMBER', 'none'], ['ZRANDMEMBER', 'none', 5], ['ZRANDMEMBER', 'none', -5, 'WITHSCORES'], ['ZRANDMEMBER', 'z', 0],
      ['ZRANDMEMBER', 'z', 3], ['ZRANDMEMBER', 'z', 10, 'WITHSCORES'], ['ZRANDMEMBER', 'big', 200], ['ZRANDMEMBER', 'big', 1000, 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', 'x'], ['ZRANDMEMBER', 'z', 1.5], ['ZRANDMEMBER', 'z', 1, 'WITHSCORE'], ['ZRANDMEMBER', 'z', 1, 'WITHSCORES', 'x'],
      ['ZRANDMEMBER', 'z', '-9223372036854775808'], ['ZRANDMEMBER', 'z', '9223372036854775807', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '-4611686018427387904', 'WITHSCORES'], ['ZRANDMEMBER', 'none', '9223372036854775807'],
      ['SET', 's', 'x'], ['ZRANDMEMBER', 's'], ['ZRANDMEMBER', 's', 1], ['ZRANDMEMBER', 's', 'x'],
    ]);
  });

  it('ZRANDMEMBER: random samples have the documented shape', async () => {
    await zadd('z', [[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd'], [5, 'e']]);
    await zadd('big', members(200));
    const r = await RawClient.connect(node.port);
    try {
      expect(['a', 'b', 'c', 'd', 'e']).toContain(await r.call('ZRANDMEMBER', 'z'));
      const rep = (await r.call('ZRANDMEMBER', 'z', -20, 'WITHSCORES')) as string[];
      expect(rep).toHaveLength(40);
      for (let i = 0; i < 40; i += 2) expect(String(' abcde'.indexOf(rep[i]))).toBe(rep[i + 1]);
      const uniq = (await r.call('ZRANDMEMBER', 'z', 3)) as string[];
      expect(new Set(uniq).size).toBe(3);
      for (const m of uniq) expect(['a', 'b', 'c', 'd', 'e']).toContain(m);
      for (const count of [5, 150]) {
        const big = (await r.call('ZRANDMEMBER', 'big', count)) as string[];
        expect(new Set(big).size).toBe(count);
        for (const m of big) expect(m).toMatch(/^m\d{3}$/);
      }
      const seen = new Set<string>();
      for (let i = 0; i < 50; i++) seen.add((await r.call('ZRANDMEMBER', 'big')) as string);
      expect(seen.size).toBeGreaterThan(10);
    } finally {
      r.close();
    }
  });

  it('ZSCAN: a listpack comes back whole and in order; errors as Redis', async () => {
    await zadd('z', [[1, 'a'], [1e17, 'b'], [-0, 'c'], [2.5, 'd'], ['inf', 'e'], [4611686018427387904, 'f'], [9.2e18, 'g'], [0.1, 'ab']]);
    await sameAll([
      ['ZSCAN', 'z', 0], ['ZSCAN', 'z', 0, 'COUNT', 1], ['ZSCAN', 'z', 0, 'MATCH', 'a*'], ['ZSCAN', 'z', 0, 'MATCH', '*', 'COUNT', 100],
      ['ZSCAN', 'z', 0, 'COUNT', 0], ['ZSCAN', 'z', 0, 'COUNT', 'x'], ['ZSCAN', 'z', 0, 'TYPE', 'zset'], ['ZSCAN', 'z', 0, 'MATCH'],
      ['ZSCAN', 'z', 'x'], ['ZSCAN', 'z', -1], ['ZSCAN', 'none', 0], ['ZSCAN', 'none', 0, 'COUNT', 0], ['ZSCAN', 'none', 'x'],
      ['SET', 's', 'x'], ['ZSCAN', 's', 0], ['ZSCAN', 's', 0, 'COUNT', 0],
    ]);
  });

  it('ZSCAN: a skiplist is walked with a cursor that returns every member', async () => {
    const pairs = members(500, (i) => (i % 7) / 4);
    await zadd('big', pairs);
    const r = await RawClient.connect(node.port);
    try {
      const got = new Map<string, string>();
      let cursor = '0';
      let calls = 0;
      do {
        const [next, flat] = (await r.call('ZSCAN', 'big', cursor, 'COUNT', 20)) as [string, string[]];
        for (let i = 0; i < flat.length; i += 2) got.set(flat[i], flat[i + 1]);
        cursor = next;
        calls++;
      } while (cursor !== '0');
      expect(calls).toBeGreaterThan(10);
      expect(got.size).toBe(500);
      const ref = (await d.ref.call('ZRANGE', 'big', 0, -1, 'WITHSCORES')) as string[];
      for (let i = 0; i < ref.length; i += 2) expect(got.get(ref[i]), ref[i]).toBe(ref[i + 1]);
      const [, matched] = (await r.call('ZSCAN', 'big', 0, 'MATCH', 'm00*', 'COUNT', 1000)) as [string, string[]];
      expect(matched.filter((_, i) => i % 2 === 0).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m00${i}`));
    } finally {
      r.close();
    }
  });
});

describe('encodings', () => {
  it('listpack up to 128 members of up to 64 bytes, then skiplist for good', async () => {
    const long = 'x'.repeat(65);
    await sameAll([
      ['ZADD', 'z', ...members(128).flat()], ['OBJECT', 'ENCODING', 'z'], ['ZADD', 'z', 1, 'm000'], ['OBJECT', 'ENCODING', 'z'],
      ['ZADD', 'z', 1, 'new'], ['OBJECT', 'ENCODING', 'z'], ['ZPOPMIN', 'z', 100], ['OBJECT', 'ENCODING', 'z'],
      ['ZADD', 'y', 1, 'x'.repeat(64)], ['OBJECT', 'ENCODING', 'y'], ['ZADD', 'y', 1, long], ['OBJECT', 'ENCODING', 'y'],
      ['ZREM', 'y', long], ['OBJECT', 'ENCODING', 'y'], ['ZADD', 'w', ...Array(200).fill([1, 'same']).flat()], ['OBJECT', 'ENCODING', 'w'],
      ['ZADD', 'v', 1, long, '-0', 'neg'], ['ZSCORE', 'v', 'neg'], ['ZADD', 'u', '-0', 'neg', 1, long], ['ZSCORE', 'u', 'neg'],
      ['ZINCRBY', 'k3', 1, long], ['OBJECT', 'ENCODING', 'k3'], ['ZADD', 'k4', '-0', 'a'], ['ZSCORE', 'k4', 'a'],
    ]);
  });

  it('COPY keeps the members, scores and encoding', async () => {
    await zadd('z', members(130, (i) => i / 3));
    await sameAll([['COPY', 'z', 'z2'], ['ZADD', 'z', 5, 'extra'], ['ZRANGE', 'z2', 0, -1, 'WITHSCORES'], ['OBJECT', 'ENCODING', 'z2'], ['ZCARD', 'z']]);
  });
});

describe('RESP3 reply shapes (raw bytes)', () => {
  it('doubles, nulls, pairs and maps as Redis 7 sends them', async () => {
    await zadd('z', [[1.1, 'a'], [2, 'b'], [-0, 'c'], ['inf', 'd']]);
    await zadd('big', members(130, (i) => i + 0.5));
    const cmds: Arg[][] = [
      ['ZSCORE', 'z', 'a'], ['ZSCORE', 'z', 'd'], ['ZSCORE', 'z', 'none'], ['ZMSCORE', 'z', 'a', 'none', 'd'], ['ZINCRBY', 'z', 0, 'a'],
      ['ZADD', 'z', 'INCR', 1, 'b'], ['ZADD', 'z', 'XX', 'INCR', 1, 'none'], ['ZRANK', 'z', 'none'],
      ['ZRANGE', 'z', 0, -1], ['ZRANGE', 'z', 0, -1, 'WITHSCORES'], ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'WITHSCORES', 'LIMIT', 1, 2],
      ['ZREVRANGE', 'z', 0, 1, 'WITHSCORES'], ['ZRANGE', 'big', 0, 2, 'WITHSCORES'], ['ZRANGE', 'none', 0, -1, 'WITHSCORES'],
      ['ZUNION', 2, 'z', 'big', 'WITHSCORES'], ['ZINTER', 1, 'z', 'WITHSCORES'], ['ZDIFF', 1, 'z', 'WITHSCORES'], ['ZUNION', 1, 'z'],
      ['ZRANDMEMBER', 'z', 10, 'WITHSCORES'], ['ZRANDMEMBER', 'none'], ['ZRANDMEMBER', 'none', 2, 'WITHSCORES'],
      ['ZSCAN', 'z', 0], ['ZPOPMIN', 'z'], ['ZPOPMAX', 'z', 1], ['ZPOPMIN', 'big', 2], ['ZPOPMIN', 'none'], ['ZPOPMIN', 'none', 2],
      ['ZMPOP', 1, 'z', 'MIN'], ['ZMPOP', 1, 'none', 'MIN'], ['ZMPOP', 1, 'big', 'MAX', 'COUNT', 2],
      ['BZPOPMIN', 'big', 0], ['BZPOPMAX', 'big', 0], ['BZMPOP', 0, 2, 'none', 'big', 'MIN', 'COUNT', 2],
      ['ZADD', 'z', 'GT', 'INCR', -1, 'b'], ['ZCARD', 'z'],
    ];
    await sameBytes(cmds, true);
    await d.both('FLUSHALL');
    await zadd('z', [[1.1, 'a'], [2, 'b'], [-0, 'c'], ['inf', 'd']]);
    await zadd('big', members(130, (i) => i + 0.5));
    await sameBytes(cmds, false);
  });
});

describe('randomized workload', () => {
  it('2000 random writes leave both servers with the same sets, ranks and ranges', async () => {
    const rand = rng(20240611);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    // Lex ranges are only defined when all scores are equal: 'lexk' keeps every score 0.
    const keys = ['small', 'big', 'lexk'];
    const universe = (key: string) => (key === 'big' ? 300 : 40);
    const member = (key: string) => `m${Math.floor(rand() * universe(key))}`;
    const scores = ['0', '1', '-1', '1.5', '2.25', '-3.75', '100', 'inf', '-inf', '0.1', '1e10', '-0', '3'];
    const score = (key: string) => (key === 'lexk' ? '0' : rand() < 0.5 ? pick(scores) : String(Math.round((rand() - 0.5) * 2000) / 8));
    const flagSets = [[], [], ['NX'], ['XX'], ['GT'], ['LT'], ['CH'], ['XX', 'GT', 'CH'], ['LT', 'CH']];
    for (let step = 0; step < 2000; step++) {
      const key = pick(keys);
      const op = rand();
      if (op < 0.45) {
        const pairs = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => [score(key), member(key)]).flat();
        await same('ZADD', key, ...pick(flagSets), ...pairs);
      } else if (op < 0.65) {
        await same('ZREM', key, member(key), member(key));
      } else if (op < 0.85) {
        await same('ZINCRBY', key, score(key), member(key));
      } else if (op < 0.9) {
        await same('ZRANGEBYSCORE', key, pick(SCORE_BOUNDS.slice(0, 12)), pick(SCORE_BOUNDS.slice(0, 12)), 'WITHSCORES', 'LIMIT', Math.floor(rand() * 5), Math.floor(rand() * 8) - 1);
      } else if (op < 0.95) {
        // Lex queries on 'lexk', and on 'small' too: mixed scores, but a listpack scans linearly.
        const lk = pick(['lexk', 'small']);
        const lo = member(lk);
        await same('ZRANGEBYLEX', lk, pick(['[', '(']) + lo, pick(['+', `[${lo}z`, '(m9']), 'LIMIT', Math.floor(rand() * 3), Math.floor(rand() * 6) - 1);
        await same('ZLEXCOUNT', lk, pick(['-', '[m1', '(m2']), pick(['+', '[m3', '(m30']));
        if (rand() < 0.2) await same('ZREMRANGEBYLEX', lk, pick(['[m1', '(m2']), pick(['(m15', '[m25']));
      } else if (op < 0.97) {
        await same('ZREMRANGEBYSCORE', key, pick(['(0', '100', '-inf']), pick(['(1', '100', String(Math.round(rand() * 10))]));
      } else {
        await same('ZRANGE', key, Math.floor(rand() * 20) - 10, Math.floor(rand() * 20) - 10, 'WITHSCORES');
      }
      if (step % 100 === 99) {
        for (const k of keys) {
          await same('ZRANGE', k, 0, -1, 'WITHSCORES');
          await same('ZCARD', k);
          await same('OBJECT', 'ENCODING', k);
          for (let i = 0; i < 10; i++) {
            const m = member(k);
            await same('ZRANK', k, m);
            await same('ZREVRANK', k, m);
          }
        }
      }
    }
    for (const k of keys) {
      await same('ZRANGE', k, 0, -1, 'WITHSCORES');
      const all = (await d.ref.call('ZRANGE', k, 0, -1)) as string[];
      for (const m of all) await same('ZRANK', k, m);
      await same('ZCOUNT', k, '-inf', '+inf');
      await same('ZCOUNT', k, '(-1', 3);
    }
  });
});

/** Polls INFO until the server reports n blocked clients (readiness, not a sleep). */
async function waitBlocked(c: RawClient, n: number): Promise<void> {
  await waitUntil(async () => String(await c.call('INFO', 'clients')).includes(`blocked_clients:${n}\r\n`), 5000, `${n} blocked clients`, 5);
}

/**
 * A blocking scenario on one server: `blockers` each send their command, wait until all block,
 * then `ctl` runs `writes`; returns every reply in order (blockers' replies last, in blocker order).
 */
async function blockingScenario(port: number, blockers: Arg[][], writes: Arg[][]): Promise<Reply[]> {
  const ctl = await RawClient.connect(port);
  const bs = await Promise.all(blockers.map(() => RawClient.connect(port)));
  try {
    await ctl.call('FLUSHALL');
    bs.forEach((b, i) => b.send(...blockers[i]));
    await waitBlocked(ctl, blockers.length);
    const out: Reply[] = [];
    for (const w of writes) out.push(await ctl.call(...w));
    for (const b of bs) out.push(await b.reply());
    out.push(await ctl.call('ZRANGE', 'k', 0, -1, 'WITHSCORES'));
    return out;
  } finally {
    ctl.close();
    bs.forEach((b) => b.close());
  }
}

async function sameScenario(blockers: Arg[][], writes: Arg[][]): Promise<Reply[]> {
  const ours = await blockingScenario(node.port, blockers, writes);
  const ref = await blockingScenario(redis.port, blockers, writes);
  expect(ours, JSON.stringify({ blockers, writes })).toEqual(ref);
  return ref;
}

describe('blocking pops', () => {
  it('serve at once when a key has members; argument errors as Redis', async () => {
    await zadd('k', [[1, 'a'], [2, 'b'], [3, 'c']]);
    await sameAll([
      ['BZPOPMIN', 'none', 'k', 0], ['BZPOPMAX', 'k', 1], ['BZMPOP', 0, 2, 'none', 'k', 'MIN', 'COUNT', 5], ['EXISTS', 'k'],
      ['BZPOPMIN', 'k', -1], ['BZPOPMIN', 'k', 'abc'], ['BZPOPMIN', 'k', '1e400'], ['BZPOPMIN', 'k', 'inf'], ['BZPOPMIN', 'k', '-inf'],
      ['BZPOPMIN', 'k', '9223372036854775807'], ['BZPOPMIN', 'k', '9223372036854775.808'], ['BZPOPMIN', 'k', '-0.0011'], ['BZPOPMIN', 'k', ' 1'], ['BZPOPMIN', 'k', ''],
      ['BZMPOP', -1, 1, 'k', 'MIN'], ['BZMPOP', 'abc', 1, 'k', 'MIN'], ['BZMPOP', 0, 0, 'k', 'MIN'], ['BZMPOP', 'abc', 0, 'k', 'MIN'],
      ['BZMPOP', 0, 1, 'k', 'FOO'], ['BZMPOP', 0, 1, 'k', 'MIN', 'COUNT', 0], ['BZMPOP', 0, 2, 'k'],
      ['SET', 's', 'x'], ['BZPOPMIN', 'none', 's', 0], ['BZMPOP', 0, 2, 's', 'k', 'MIN'], ['ZADD', 'k', 1, 'a'], ['BZPOPMIN', 'k', 's', 0],
      ['MULTI'], ['BZPOPMIN', 'empty', 0], ['BZMPOP', 0, 1, 'empty', 'MAX'], ['EXEC'],
    ]);
  });

  it('a blocked BZPOPMIN wakes on ZADD; waiters are served in blocking order', async () => {
    await sameScenario([['BZPOPMIN', 'k', 0]], [['ZADD', 'k', 2, 'b', 1, 'a']]);
    await sameScenario([['BZPOPMAX', 'other', 'k', 0], ['BZPOPMIN', 'k', 0], ['BZPOPMIN', 'k', 0]], [['ZADD', 'k', 1, 'a', 2, 'b', 3, 'c']]);
    await sameScenario([['BZMPOP', 0, 2, 'x', 'k', 'MAX', 'COUNT', 2]], [['ZADD', 'k', 1, 'a', 2, 'b', 3, 'c']]);
    await sameScenario([['BZPOPMIN', 'k', 0]], [['MULTI'], ['ZADD', 'k', 1, 'a'], ['ZADD', 'k', 2, 'b'], ['EXEC']]);
    await sameScenario([['BZPOPMIN', 'k', 0]], [['SET', 'k', 'str'], ['DEL', 'k'], ['ZUNIONSTORE', 'k', 1, 'none'], ['ZADD', 'k', 5, 'e']]);
    // -0.001 s rounds up to 0 ms, "forever" to Redis; a timeout beyond any clock never fires
    // either (7.0 has no upper bound check).
    await sameScenario([['BZPOPMIN', 'k', '-0.001'], ['BZPOPMAX', 'k', '9223372036854775'], ['BZPOPMIN', 'k', '-0']], [['ZADD', 'k', 1, 'a', 2, 'b', 3, 'c']]);
  });

  it('times out with a null array', async () => {
    for (const port of [node.port, redis.port]) {
      const r = await RawClient.connect(port);
      try {
        const t0 = Date.now();
        expect(await r.call('BZPOPMIN', 'nothing', '0.05')).toBeNull();
        expect(await r.call('BZMPOP', '0.05', 1, 'nothing', 'MIN')).toBeNull();
        // A sub-millisecond timeout rounds up to 1 ms rather than down to "forever".
        expect(await r.call('BZPOPMAX', 'nothing', '0.0001')).toBeNull();
        expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
        expect(await r.call('PING')).toBe('PONG');
      } finally {
        r.close();
      }
    }
  });
});

describe('client libraries', () => {
  it('ioredis', async () => {
    const r = new Redis({ port: node.port, host: '127.0.0.1', enableReadyCheck: false, lazyConnect: true, maxRetriesPerRequest: 0 });
    const b = new Redis({ port: node.port, host: '127.0.0.1', enableReadyCheck: false, lazyConnect: true, maxRetriesPerRequest: 0 });
    await Promise.all([r.connect(), b.connect()]);
    try {
      expect(await r.zadd('io:z', 1, 'a', 2, 'b', 1.5, 'c')).toBe(3);
      expect(await r.zadd('io:z', 'XX', 'CH', 3, 'a')).toBe(1);
      expect(await r.zrange('io:z', 0, -1, 'WITHSCORES')).toEqual(['c', '1.5', 'b', '2', 'a', '3']);
      expect(await r.zrangebyscore('io:z', '(1.5', '+inf', 'LIMIT', 0, 1)).toEqual(['b']);
      expect(await r.zscore('io:z', 'c')).toBe('1.5');
      expect(await r.zincrby('io:z', 0.1, 'c')).toBe('1.6000000000000001');
      expect(await r.zrank('io:z', 'a')).toBe(2);
      expect(await r.zcount('io:z', '-inf', 2)).toBe(2);
      expect(await r.zunionstore('io:u', 2, 'io:z', 'io:z', 'WEIGHTS', 1, 2)).toBe(3);
      expect(await r.zpopmax('io:u')).toEqual(['a', '9']);
      const waiting = b.bzpopmin('io:q', 0);
      await waitUntil(() => node.server.blocking.count === 1, 5000, 'ioredis client to block', 5);
      await r.zadd('io:q', 7, 'x');
      expect(await waiting).toEqual(['io:q', 'x', '7']);
      await expect(r.zadd('io:z', 'NX', 'XX', 1, 'a')).rejects.toThrow('ERR XX and NX options at the same time are not compatible');
    } finally {
      r.disconnect();
      b.disconnect();
    }
  });

  it('node-redis, over RESP2 and RESP3', async () => {
    for (const RESP of [2, 3] as const) {
      const r = createClient({ socket: { port: node.port, host: '127.0.0.1', reconnectStrategy: false }, RESP });
      r.on('error', () => {});
      await r.connect();
      try {
        const k = `nr${RESP}:z`;
        expect(await r.zAdd(k, [{ score: 1, value: 'a' }, { score: 2.5, value: 'b' }, { score: 2, value: 'c' }])).toBe(3);
        expect(await r.zRange(k, 0, -1)).toEqual(['a', 'c', 'b']);
        expect(await r.zRangeWithScores(k, 0, -1)).toEqual([{ value: 'a', score: 1 }, { value: 'c', score: 2 }, { value: 'b', score: 2.5 }]);
        expect(Number(await r.zScore(k, 'b'))).toBe(2.5);
        expect(await r.zCard(k)).toBe(3);
        expect(await r.zRank(k, 'b')).toBe(2);
        expect(await r.zRangeByScore(k, '(1', '+inf')).toEqual(['c', 'b']);
        expect(await r.zPopMin(k)).toEqual({ value: 'a', score: 1 });
        expect(await r.zmPop(k, 'MAX')).toEqual({ key: k, members: [{ value: 'b', score: 2.5 }] });
        expect(await r.zRem(k, 'c')).toBe(1);
        expect(await r.exists(k)).toBe(0);
      } finally {
        await r.close();
      }
    }
  });
});

describe('a 1M-member sorted set', () => {
  it('answers LIMIT, rank and count queries touching O(log n + count) nodes', async () => {
    const r = await RawClient.connect(node.port);
    try {
      const N = 1_000_000;
      const BATCH = 20_000;
      for (let base = 0; base < N; base += BATCH) {
        const args: (string | number)[] = ['ZADD', 'huge'];
        // Scores i/10 truncated: groups of ten ties ordered by member.
        for (let i = base; i < base + BATCH; i++) args.push(Math.floor(i / 10), `m${String(i).padStart(7, '0')}`);
        r.send(...args);
      }
      for (let base = 0; base < N; base += BATCH) expect(await r.reply(30_000)).toBe(BATCH);
      expect(await r.call('ZCARD', 'huge')).toBe(N);
      const tree = OURS_ZSET('huge').tree;
      const bounded = async (args: Arg[], expected: Reply, maxHops: number) => {
        tree.hops = 0;
        expect(await r.call(...args), args.join(' ')).toEqual(expected);
        expect(tree.hops, args.join(' ')).toBeLessThan(maxHops);
      };
      const m = (i: number) => `m${String(i).padStart(7, '0')}`;
      // A full scan would take 1M hops; a descent of the order tree visits 3-4 nodes.
      await bounded(['ZRANGEBYSCORE', 'huge', 50_000, '+inf', 'LIMIT', 250_000, 3], [m(750_000), m(750_001), m(750_002)], 100);
      await bounded(['ZREVRANGEBYSCORE', 'huge', '(50000', '-inf', 'LIMIT', 250_000, 2], [m(249_999), m(249_998)], 100);
      await bounded(['ZRANGE', 'huge', '99999', '+inf', 'BYSCORE', 'LIMIT', 0, 5], [m(999_990), m(999_991), m(999_992), m(999_993), m(999_994)], 100);
      await bounded(['ZRANGEBYSCORE', 'huge', '-inf', '+inf', 'LIMIT', 999_999, 10], [m(999_999)], 100);
      await bounded(['ZRANGEBYSCORE', 'huge', '-inf', '+inf', 'LIMIT', 1_000_000, 10], [], 100);
      await bounded(['ZRANGEBYLEX', 'huge', '(m0500000', '+', 'LIMIT', 100_000, 1], [m(600_001)], 100);
      await bounded(['ZCOUNT', 'huge', '(10000', 20000], 100_000, 100);
      await bounded(['ZLEXCOUNT', 'huge', '[m0000010', '(m0000020'], 10, 100);
      await bounded(['ZRANK', 'huge', m(654_321)], 654_321, 20);
      await bounded(['ZREVRANGE', 'huge', 500_000, 500_001], [m(499_999), m(499_998)], 100);
      await bounded(['ZSCORE', 'huge', m(123_456)], '12345', 1);
      await bounded(['ZREMRANGEBYRANK', 'huge', 10, 19], 10, 100);
      await bounded(['ZRANGE', 'huge', 9, 10], [m(9), m(20)], 100);
      expect(await r.call('DEL', 'huge')).toBe(1);
    } finally {
      r.close();
    }
  }, 120_000);
});
