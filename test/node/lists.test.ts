/**
 * List commands, differentially against a real redis-server 7: every command with its errors,
 * negative indexes, counts of 0 and below, huge ranges, RESP3 shapes (raw bytes) and a randomized
 * workload go to both servers and the replies must be identical. Blocking commands run the same
 * scenarios (real sockets) on both servers: wake order, several keys, pipelines, MULTI, chained
 * BLMOVE, timeouts, disconnects. Where slotgate deliberately follows Redis 7.2 instead of the 7.0
 * reference (OBJECT ENCODING listpack) the documented behaviour is asserted. A 1M-element list
 * checks that pushes and pops do O(1) work each.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { List } from '../../nodes/types/list.js';
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

const BIG = '9223372036854775807';
const SMALL = '-9223372036854775808';

describe('push, pop, length', () => {
  it('LPUSH RPUSH LPUSHX RPUSHX LLEN', async () => {
    await sameAll([
      ['LPUSH', 'l', 'a', 'b', 'c'], ['RPUSH', 'l', 'd', 'e'], ['LRANGE', 'l', 0, -1], ['LLEN', 'l'],
      ['LPUSHX', 'none', 'x'], ['RPUSHX', 'none', 'x', 'y'], ['EXISTS', 'none'], ['LLEN', 'none'],
      ['LPUSHX', 'l', 'x', 'y'], ['RPUSHX', 'l', 'z'], ['LRANGE', 'l', 0, -1],
      ['RPUSH', 'bin', '\x00\xff\r\n', '', '12', '-5', BIG, '18446744073709551616'], ['LRANGE', 'bin', 0, -1],
      ['LPUSH', 'l'], ['RPUSHX', 'l'], ['LLEN'], ['LLEN', 'l', 'x'],
    ]);
  });

  it('LPOP RPOP with and without count', async () => {
    await sameAll([
      ['RPUSH', 'l', 1, 2, 3, 4, 5, 6],
      ['LPOP', 'l'], ['RPOP', 'l'], ['LPOP', 'l', 2], ['RPOP', 'l', 1], ['LRANGE', 'l', 0, -1],
      ['LPOP', 'l', 0], ['RPOP', 'l', 0], ['LPOP', 'l', -1], ['RPOP', 'l', -5], ['LPOP', 'l', 'abc'], ['LPOP', 'l', '1.5'],
      ['LPOP', 'l', SMALL], ['LPOP', 'l', '99999999999999999999'], ['LPOP', 'l', 1, 2], ['RPOP', 'l', 1, 2, 3],
      ['LPOP', 'none'], ['RPOP', 'none'], ['LPOP', 'none', 3], ['RPOP', 'none', 0], ['LPOP', 'none', -1],
      ['RPOP', 'l', BIG], ['EXISTS', 'l'], ['LPOP', 'l'],
      ['RPUSH', 'l', 'x'], ['LPOP', 'l', 0], ['EXISTS', 'l'], ['RPOP', 'l'], ['EXISTS', 'l'],
    ]);
  });

  it('RESP3 shapes: null bulk, null array, empty array', async () => {
    await same('RPUSH', 'l', 'a', 'b');
    const cmds: Arg[][] = [
      ['LPOP', 'none'], ['LPOP', 'none', 2], ['LPOP', 'l', 0], ['RPOP', 'l', 5], ['LINDEX', 'none', 0], ['LPOS', 'none', 'a'],
      ['LPOS', 'none', 'a', 'COUNT', 0], ['LMPOP', 1, 'none', 'LEFT'], ['LMOVE', 'none', 'x', 'LEFT', 'LEFT'], ['LRANGE', 'none', 0, -1],
    ];
    await sameBytes(cmds, true);
    await sameBytes(cmds, false);
  });
});

describe('indexes and ranges', () => {
  beforeEach(async () => {
    await same('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e');
  });

  it('LRANGE with negative, out-of-range and 64-bit bounds', async () => {
    const bounds: Arg[] = [0, 1, 4, 5, 6, -1, -2, -5, -6, -100, 100, BIG, SMALL, '-9223372036854775807'];
    for (const s of bounds) for (const e of bounds) await same('LRANGE', 'l', s, e);
    await sameAll([
      ['LRANGE', 'l', 'a', 1], ['LRANGE', 'l', 0, '1.0'], ['LRANGE', 'l', '', 1], ['LRANGE', 'l', '9223372036854775808', 1],
      ['LRANGE', 'none', 'x', 1], ['LRANGE', 'none', 0, -1], ['LRANGE', 'l', 0],
    ]);
  });

  it('LINDEX and LSET', async () => {
    for (const i of [0, 4, 5, -1, -5, -6, BIG, SMALL]) await same('LINDEX', 'l', i);
    await sameAll([
      ['LINDEX', 'l', 'x'], ['LINDEX', 'none', 'x'], ['LINDEX', 'none', 0],
      ['LSET', 'l', 0, 'A'], ['LSET', 'l', -1, 'E'], ['LSET', 'l', -5, 'a2'], ['LSET', 'l', 5, 'x'], ['LSET', 'l', -6, 'x'],
      ['LSET', 'l', BIG, 'x'], ['LSET', 'l', 'x', 'y'], ['LSET', 'none', 0, 'x'], ['LSET', 'none', 'x', 'y'], ['LRANGE', 'l', 0, -1],
    ]);
  });

  it('LTRIM keeps a range; an empty range deletes the key', async () => {
    await sameAll([
      ['LTRIM', 'l', 1, -2], ['LRANGE', 'l', 0, -1], ['LTRIM', 'l', -100, 100], ['LRANGE', 'l', 0, -1],
      ['LTRIM', 'l', 'x', 1], ['LTRIM', 'none', 0, 1], ['LTRIM', 'none', 'a', 'b'], ['EXISTS', 'none'],
      ['LTRIM', 'l', 1, 1], ['LRANGE', 'l', 0, -1], ['LTRIM', 'l', 2, 1], ['EXISTS', 'l'],
    ]);
    for (const [s, e] of [[0, -1], [-2, -1], [BIG, 0], [SMALL, BIG], [3, 2], [-1, -2], [0, SMALL]]) {
      await same('DEL', 't');
      await same('RPUSH', 't', 1, 2, 3, 4);
      await sameAll([['LTRIM', 't', s, e], ['LRANGE', 't', 0, -1], ['EXISTS', 't']]);
    }
  });
});

describe('search and edit', () => {
  it('LINSERT', async () => {
    await sameAll([
      ['RPUSH', 'l', 'a', 'b', 'a'], ['LINSERT', 'l', 'BEFORE', 'a', 'x'], ['LINSERT', 'l', 'after', 'a', 'y'],
      ['LINSERT', 'l', 'After', 'b', 'z'], ['LINSERT', 'l', 'before', 'missing', 'q'], ['LINSERT', 'l', 'middle', 'a', 'q'],
      ['LINSERT', 'none', 'before', 'a', 'q'], ['LINSERT', 'none', 'middle', 'a', 'q'], ['EXISTS', 'none'], ['LRANGE', 'l', 0, -1],
      ['LINSERT', 'l', 'before', 'a'],
    ]);
  });

  it('LINSERT in the middle of a long list shifts either side correctly', async () => {
    const items = Array.from({ length: 300 }, (_, i) => `v${i}`);
    await same('RPUSH', 'l', ...items);
    for (const pivot of ['v0', 'v1', 'v100', 'v150', 'v151', 'v298', 'v299']) {
      await same('LINSERT', 'l', 'BEFORE', pivot, `b-${pivot}`);
      await same('LINSERT', 'l', 'AFTER', pivot, `a-${pivot}`);
    }
    await same('LRANGE', 'l', 0, -1);
  });

  it('a list of several storage blocks (past 4096 elements) behaves the same through every command', async () => {
    const items = Array.from({ length: 9000 }, (_, i) => `v${i % 700}`);
    for (let i = 0; i < items.length; i += 1000) {
      await same('RPUSH', 'big', ...items.slice(i, i + 500));
      await same('LPUSH', 'big', ...items.slice(i + 500, i + 1000));
    }
    await sameAll([
      ['LLEN', 'big'], ['LINDEX', 'big', 0], ['LINDEX', 'big', 4095], ['LINDEX', 'big', 4096], ['LINDEX', 'big', -4097],
      ['LSET', 'big', 5000, 'set-here'], ['LINSERT', 'big', 'BEFORE', 'set-here', 'ins-b'], ['LINSERT', 'big', 'AFTER', 'v3', 'ins-a'],
      ['LPOS', 'big', 'set-here'], ['LRANGE', 'big', 4090, 4110], ['LREM', 'big', 5, 'v7'], ['LREM', 'big', -3, 'v8'],
      ['LRANGE', 'big', 0, -1],
      ['LPOP', 'big', 3000], ['RPOP', 'big', 2500], ['LLEN', 'big'], ['LRANGE', 'big', 0, -1],
      ['LTRIM', 'big', 100, -100], ['LRANGE', 'big', 0, -1], ['LREM', 'big', 0, 'v1'], ['LRANGE', 'big', 0, -1],
    ]);
  });

  it('LREM with positive, negative and zero counts', async () => {
    for (const count of [0, 1, 2, -1, -2, 100, -100, BIG, SMALL]) {
      await same('DEL', 'l');
      await same('RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'b');
      await sameAll([['LREM', 'l', count, 'a'], ['LRANGE', 'l', 0, -1]]);
    }
    await sameAll([
      ['LREM', 'l', 0, 'zz'], ['LREM', 'l', 'x', 'a'], ['LREM', 'none', 0, 'a'], ['LREM', 'none', 'x', 'a'],
      ['LREM', 'l', 0, 'b'], ['LREM', 'l', 0, 'c'], ['EXISTS', 'l'],
    ]);
  });

  it('LPOS with RANK, COUNT, MAXLEN and their errors', async () => {
    await same('RPUSH', 'l', 'a', 'b', 'c', 'a', 'b', 'a', 'd', 'a');
    const options: Arg[][] = [
      [], ['RANK', 1], ['RANK', 2], ['RANK', 4], ['RANK', 5], ['RANK', -1], ['RANK', -3], ['RANK', -5], ['RANK', BIG],
      ['RANK', SMALL], ['RANK', '-9223372036854775807'], ['COUNT', 0], ['COUNT', 1], ['COUNT', 2], ['COUNT', 10],
      ['MAXLEN', 0], ['MAXLEN', 1], ['MAXLEN', 4], ['MAXLEN', 100],
    ];
    for (const a of options) for (const b of options) {
      if (a.length > 0 && a[0] === b[0]) continue;
      await same('LPOS', 'l', 'a', ...a, ...b);
    }
    await sameAll([
      ['LPOS', 'l', 'a', 'RANK', SMALL, 'COUNT', 1], ['LPOS', 'l', 'zz'], ['LPOS', 'l', 'zz', 'COUNT', 0],
      ['LPOS', 'l', 'a', 'RANK', 0], ['LPOS', 'l', 'a', 'RANK', 'x'], ['LPOS', 'l', 'a', 'COUNT', -1], ['LPOS', 'l', 'a', 'COUNT', 'x'],
      ['LPOS', 'l', 'a', 'MAXLEN', -1], ['LPOS', 'l', 'a', 'MAXLEN', 'x'], ['LPOS', 'l', 'a', 'FOO'], ['LPOS', 'l', 'a', 'RANK'],
      ['LPOS', 'l', 'a', 'COUNT', 1, 'RANK', 2, 'COUNT', 3], ['LPOS', 'none', 'a', 'RANK', 0], ['LPOS', 'none', 'a', 'COUNT', 2],
      ['SET', 's', 'v'], ['LPOS', 's', 'a'], ['LPOS', 's', 'a', 'RANK', 0],
    ]);
  });
});

describe('moving between lists', () => {
  it('LMOVE and RPOPLPUSH, including one key rotating', async () => {
    await sameAll([
      ['RPUSH', 'src', 'a', 'b', 'c'],
      ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'], ['LMOVE', 'src', 'dst', 'right', 'left'], ['RPOPLPUSH', 'src', 'dst'],
      ['EXISTS', 'src'], ['LRANGE', 'dst', 0, -1], ['LMOVE', 'dst', 'dst', 'LEFT', 'RIGHT'], ['LRANGE', 'dst', 0, -1],
      ['RPOPLPUSH', 'dst', 'dst'], ['LRANGE', 'dst', 0, -1],
      ['LMOVE', 'none', 'dst', 'LEFT', 'LEFT'], ['RPOPLPUSH', 'none', 'dst'], ['LMOVE', 'dst', 'x', 'UP', 'LEFT'],
      ['LMOVE', 'none', 'x', 'LEFT', 'DOWN'], ['SET', 's', 'v'], ['LMOVE', 'dst', 's', 'LEFT', 'LEFT'], ['RPOPLPUSH', 's', 'dst'],
      ['RPOPLPUSH', 'dst', 's'], ['LRANGE', 'dst', 0, -1], ['LMOVE', 's', 'none', 'LEFT', 'RIGHT'],
      ['RPUSH', 'one', 'x'], ['LMOVE', 'one', 'one', 'LEFT', 'LEFT'], ['LRANGE', 'one', 0, -1], ['RPOPLPUSH', 'one', 'two'], ['EXISTS', 'one'],
    ]);
  });

  it('LMPOP with its argument errors', async () => {
    await sameAll([
      ['RPUSH', 'b', 1, 2, 3, 4], ['RPUSH', 'c', 'x'],
      ['LMPOP', 2, 'a', 'b', 'LEFT'], ['LMPOP', 2, 'a', 'b', 'RIGHT', 'COUNT', 2], ['LMPOP', 3, 'a', 'c', 'b', 'left', 'count', 10],
      ['LMPOP', 1, 'b', 'LEFT', 'COUNT', 100], ['EXISTS', 'b'], ['LMPOP', 2, 'a', 'b', 'LEFT'],
      ['LMPOP', 0, 'a', 'LEFT'], ['LMPOP', -1, 'a', 'LEFT'], ['LMPOP', 'x', 'a', 'LEFT'], ['LMPOP', 1, 'a', 'MIDDLE'],
      ['LMPOP', 2, 'a', 'LEFT'], ['LMPOP', 5, 'a', 'LEFT'], ['LMPOP', 1, 'a', 'LEFT', 'COUNT', 0], ['LMPOP', 1, 'a', 'LEFT', 'COUNT', -1],
      ['LMPOP', 1, 'a', 'LEFT', 'COUNT', 'x'], ['LMPOP', 1, 'a', 'LEFT', 'COUNT'], ['LMPOP', 1, 'a', 'LEFT', 'COUNT', 1, 'COUNT', 1],
      ['LMPOP', 1, 'a', 'LEFT', 'FOO'], ['LMPOP', BIG, 'a', 'LEFT'], ['LMPOP', 1],
      ['SET', 's', 'v'], ['RPUSH', 'l', 'z'], ['LMPOP', 2, 's', 'l', 'LEFT'], ['LMPOP', 2, 'l', 's', 'LEFT'], ['LMPOP', 2, 'a', 's', 'LEFT'],
    ]);
  });
});

describe('types and key lifecycle', () => {
  it('WRONGTYPE for every list command against a string, and list keys against string commands', async () => {
    await same('SET', 's', 'v');
    await same('RPUSH', 'l', 'a');
    await sameAll([
      ['LPUSH', 's', 'x'], ['RPUSH', 's', 'x'], ['LPUSHX', 's', 'x'], ['RPUSHX', 's', 'x'], ['LPOP', 's'], ['RPOP', 's', 2],
      ['LLEN', 's'], ['LRANGE', 's', 0, -1], ['LINDEX', 's', 0], ['LSET', 's', 0, 'x'], ['LINSERT', 's', 'BEFORE', 'a', 'b'],
      ['LREM', 's', 0, 'a'], ['LTRIM', 's', 0, 1], ['LPOS', 's', 'a'], ['LMOVE', 's', 'l', 'LEFT', 'LEFT'],
      ['RPOPLPUSH', 's', 'l'], ['LMPOP', 1, 's', 'LEFT'], ['BLPOP', 's', 0], ['BRPOP', 'none', 's', 0], ['BLMOVE', 's', 'l', 'LEFT', 'LEFT', 0],
      ['BRPOPLPUSH', 's', 'l', 0], ['BLMPOP', 0, 1, 's', 'LEFT'], ['BLMOVE', 'l', 's', 'LEFT', 'LEFT', 0], ['LRANGE', 'l', 0, -1],
      ['GET', 'l'], ['INCR', 'l'], ['APPEND', 'l', 'x'], ['TYPE', 'l'], ['TYPE', 's'],
    ]);
  });

  it('keys emptied by their last removal disappear; a TTL survives in-place writes', async () => {
    await sameAll([
      ['RPUSH', 'l', 'a', 'b'], ['EXPIRE', 'l', 100], ['RPUSH', 'l', 'c'], ['LSET', 'l', 0, 'z'], ['LPOP', 'l'], ['TTL', 'l'],
      ['LREM', 'l', 0, 'b'], ['RPOP', 'l'], ['EXISTS', 'l'], ['TTL', 'l'], ['RPUSH', 'l', 'x'], ['TTL', 'l'],
      ['RPUSH', 'm', 'x'], ['LMPOP', 1, 'm', 'RIGHT', 'COUNT', 5], ['EXISTS', 'm'],
    ]);
  });

  it('COPY makes an independent list; reads count keyspace hits and misses as Redis', async () => {
    await sameAll([
      ['RPUSH', 'l', 'a', 'b'], ['COPY', 'l', 'c'], ['RPUSH', 'c', 'x'], ['LPOP', 'l'], ['LRANGE', 'l', 0, -1], ['LRANGE', 'c', 0, -1],
      ['CONFIG', 'RESETSTAT'], ['LLEN', 'l'], ['LRANGE', 'none', 0, 1], ['LINDEX', 'l', 0], ['LPOS', 'none', 'a'], ['LPOS', 'l', 'b'],
      ['LPOP', 'none'], ['RPUSH', 'n', 1], ['LMOVE', 'n', 'm', 'LEFT', 'LEFT'], ['BLPOP', 'none', 'm', 0],
    ]);
    const stats = async (r: RawClient) => String(await r.call('INFO', 'stats')).match(/keyspace_(hits|misses):\d+/g);
    expect(await stats(d.ours)).toEqual(await stats(d.ref));
  });

  it('WATCH sees every list write, including an LTRIM that removes nothing', async () => {
    for (const port of [node.port, redis.port]) {
      const [a, b] = await Promise.all([RawClient.connect(port), RawClient.connect(port)]);
      try {
        await a.call('RPUSH', 'w', 1, 2, 3);
        const outcomes: Reply[] = [];
        for (const write of [['LTRIM', 'w', 0, -1], ['LREM', 'w', 0, 'none'], ['LINSERT', 'w', 'BEFORE', 'none', 'x'], ['LSET', 'w', 0, 1], ['LPUSHX', 'none', 'x']]) {
          await a.call('WATCH', 'w', 'none');
          await b.call(...write);
          await a.call('MULTI');
          await a.call('PING');
          outcomes.push(await a.call('EXEC'));
        }
        expect(outcomes, `port ${port}`).toEqual([null, ['PONG'], ['PONG'], null, ['PONG']]);
      } finally {
        a.close();
        b.close();
      }
    }
  });

  it('OBJECT ENCODING: listpack while small, quicklist past 8 KB, listpack again below 4 KB (Redis 7.2 rule)', async () => {
    const r = await RawClient.connect(node.port);
    try {
      await r.call('RPUSH', 'l', 'a', 12, -5);
      expect(await r.call('OBJECT', 'ENCODING', 'l')).toBe('listpack');
      const chunk = 'x'.repeat(100);
      for (let i = 0; i < 79; i++) await r.call('RPUSH', 'l', chunk);
      expect(await r.call('OBJECT', 'ENCODING', 'l')).toBe('listpack');
      for (let i = 0; i < 2; i++) await r.call('RPUSH', 'l', chunk);
      expect(await r.call('OBJECT', 'ENCODING', 'l')).toBe('quicklist');
      await r.call('LTRIM', 'l', 0, 50);
      expect(await r.call('OBJECT', 'ENCODING', 'l')).toBe('quicklist');
      await r.call('LTRIM', 'l', 0, 30);
      expect(await r.call('OBJECT', 'ENCODING', 'l')).toBe('listpack');
      await r.call('RPUSH', 'big', 'y'.repeat(9000));
      expect(await r.call('OBJECT', 'ENCODING', 'big')).toBe('quicklist');
      expect(await r.call('TYPE', 'big')).toBe('list');
    } finally {
      r.close();
    }
  });

  it('clone is a deep copy (COPY); memory usage is positive', () => {
    const a = List.from(['1', '2', '3']);
    const b = a.clone();
    b.push('left', '0');
    expect([...a.values()]).toEqual(['1', '2', '3']);
    expect([...b.values()]).toEqual(['0', '1', '2', '3']);
    expect(a.memoryUsage()).toBeGreaterThan(0);
  });
});

describe('randomized workload', () => {
  it('matches Redis reply for reply', async () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const keys = ['k1', 'k2', 'k3'];
    const vals = ['a', 'b', 'c', '1', '-2', ''];
    const idx = () => rnd(13) - 6;
    const gens: (() => Arg[])[] = [
      () => ['LPUSH', keys[rnd(3)], vals[rnd(6)], vals[rnd(6)]],
      () => ['RPUSH', keys[rnd(3)], vals[rnd(6)]],
      () => ['LPOP', keys[rnd(3)], ...(rnd(2) ? [rnd(4)] : [])],
      () => ['RPOP', keys[rnd(3)], ...(rnd(2) ? [rnd(4)] : [])],
      () => ['LRANGE', keys[rnd(3)], idx(), idx()],
      () => ['LTRIM', keys[rnd(3)], idx(), idx()],
      () => ['LINDEX', keys[rnd(3)], idx()],
      () => ['LSET', keys[rnd(3)], idx(), vals[rnd(6)]],
      () => ['LINSERT', keys[rnd(3)], rnd(2) ? 'BEFORE' : 'AFTER', vals[rnd(6)], vals[rnd(6)]],
      () => ['LREM', keys[rnd(3)], idx(), vals[rnd(6)]],
      () => ['LPOS', keys[rnd(3)], vals[rnd(6)], 'RANK', rnd(2) ? 1 + rnd(3) : -1 - rnd(3), 'COUNT', rnd(3)],
      () => ['LMOVE', keys[rnd(3)], keys[rnd(3)], rnd(2) ? 'LEFT' : 'RIGHT', rnd(2) ? 'LEFT' : 'RIGHT'],
      () => ['LMPOP', 2, keys[rnd(3)], keys[rnd(3)], rnd(2) ? 'LEFT' : 'RIGHT', 'COUNT', 1 + rnd(3)],
      () => ['LLEN', keys[rnd(3)]],
      () => ['EXISTS', ...keys],
    ];
    for (let i = 0; i < 1500; i++) await same(...gens[rnd(gens.length)]());
    for (const k of keys) await same('LRANGE', k, 0, -1);
  });
});

/** Polls INFO until the server reports n blocked clients (readiness, not a sleep). */
async function waitBlocked(c: RawClient, n: number): Promise<void> {
  await waitUntil(async () => String(await c.call('INFO', 'clients')).includes(`blocked_clients:${n}\r\n`), 5000, `${n} blocked clients`, 5);
}

/**
 * A blocking scenario on one server: the `blockers` each send their command in turn (each blocked
 * before the next is sent, so the blocking order is fixed), then `ctl` runs `writes` (a nested
 * array is sent as one pipelined write); returns every reply: writes, then blockers' in order,
 * then the contents of `inspect` keys.
 */
async function blockingScenario(port: number, blockers: Arg[][], writes: (Arg[] | Arg[][])[], inspect: string[]): Promise<Reply[]> {
  const ctl = await RawClient.connect(port);
  const bs = await Promise.all(blockers.map(() => RawClient.connect(port)));
  try {
    await ctl.call('FLUSHALL');
    for (let i = 0; i < bs.length; i++) {
      bs[i].send(...blockers[i]);
      await waitBlocked(ctl, i + 1);
    }
    const out: Reply[] = [];
    for (const w of writes) {
      if (Array.isArray(w[0])) {
        const batch = w as Arg[][];
        ctl.write(Buffer.from(batch.map((a) => `*${a.length}\r\n` + a.map((x) => `$${String(x).length}\r\n${x}\r\n`).join('')).join(''), 'latin1'));
        for (let i = 0; i < batch.length; i++) out.push(await ctl.reply());
      } else {
        out.push(await ctl.call(...(w as Arg[])));
      }
    }
    for (const b of bs) out.push(await b.reply());
    for (const k of inspect) out.push(await ctl.call('LRANGE', k, 0, -1));
    out.push(await ctl.call('INFO', 'clients').then((s) => String(s).match(/blocked_clients:\d+/)![0]));
    return out;
  } finally {
    ctl.close();
    bs.forEach((b) => b.close());
  }
}

async function sameScenario(blockers: Arg[][], writes: (Arg[] | Arg[][])[], inspect: string[] = ['k']): Promise<Reply[]> {
  const ours = await blockingScenario(node.port, blockers, writes, inspect);
  const ref = await blockingScenario(redis.port, blockers, writes, inspect);
  expect(ours, JSON.stringify({ blockers, writes })).toEqual(ref);
  return ref;
}

describe('blocking commands', () => {
  it('serve at once when a key has elements; timeout and argument errors as Redis', async () => {
    await sameAll([
      ['RPUSH', 'k', 'a', 'b', 'c', 'd', 'e', 'f'],
      ['BLPOP', 'none', 'k', 0], ['BRPOP', 'k', 'none', 1], ['BLMPOP', 0, 2, 'none', 'k', 'RIGHT', 'COUNT', 2],
      ['BLMOVE', 'k', 'd', 'LEFT', 'RIGHT', 0], ['BRPOPLPUSH', 'k', 'd', 0], ['LRANGE', 'd', 0, -1], ['EXISTS', 'k'],
      // From here on k always has elements: a timeout that parses pops at once instead of blocking.
      ['RPUSH', 'k', ...'abcdefghijklmnopqrstuvwxyz'], ['BLPOP', 'k', -1], ['BLPOP', 'k', 'abc'], ['BLPOP', 'k', '1e400'], ['BLPOP', 'k', 'inf'], ['BLPOP', 'k', '-inf'], ['BLPOP', 'k', 'nan'],
      ['BLPOP', 'k', BIG], ['BLPOP', 'k', '9223372036854775.808'], ['BLPOP', 'k', '-0.0011'], ['BLPOP', 'k', ' 1'], ['BLPOP', 'k', ''],
      ['BLPOP', 'k', '9.3e15'], ['BLPOP', 'k', '0x10'], ['BLPOP', 'k', '-0.001'], ['BLPOP', 'k', '-0.002'], ['RPUSH', 'k', 'g', 'h'],
      ['BLMOVE', 'k', 'd', 'UP', 'LEFT', 0], ['BLMOVE', 'k', 'd', 'LEFT', 'LEFT', 'x'], ['BLMOVE', 'k', 'd', 'x', 'LEFT', 'x'],
      ['BRPOPLPUSH', 'k', 'd', -1], ['BLMPOP', -1, 1, 'k', 'LEFT'], ['BLMPOP', 'abc', 1, 'k', 'LEFT'], ['BLMPOP', 0, 0, 'k', 'LEFT'],
      ['BLMPOP', 'abc', 0, 'k', 'LEFT'], ['BLMPOP', 0, 1, 'k', 'FOO'], ['BLMPOP', 0, 1, 'k', 'LEFT', 'COUNT', 0], ['BLMPOP', 0, 2, 'k'],
      ['BLPOP', 'k'], ['SET', 's', 'x'], ['BLPOP', 'none', 's', 0], ['BLPOP', 'k', 's', 0], ['BLMPOP', 0, 2, 's', 'k', 'LEFT'],
      ['LRANGE', 'k', 0, -1], ['LRANGE', 'd', 0, -1],
      ['MULTI'], ['BLPOP', 'empty', 0], ['BRPOP', 'd', 0], ['BLMPOP', 0, 1, 'empty', 'LEFT'], ['BLMOVE', 'empty', 'x', 'LEFT', 'LEFT', 0],
      ['BRPOPLPUSH', 'empty', 'x', 0], ['EXEC'],
    ]);
  });

  it('a blocked BLPOP wakes on a push; waiters are served first come first served', async () => {
    await sameScenario([['BLPOP', 'k', 0]], [['RPUSH', 'k', 'a', 'b']]);
    await sameScenario([['BRPOP', 'k', 0], ['BLPOP', 'k', 0], ['BLMPOP', 0, 1, 'k', 'LEFT', 'COUNT', 5]], [['RPUSH', 'k', 'a'], ['RPUSH', 'k', 'b', 'c'], ['LPUSH', 'k', 'x', 'y', 'z']]);
    await sameScenario([['BLPOP', 'k', 0], ['BLPOP', 'k', 0]], [['RPUSH', 'k', 'a', 'b', 'c']]);
    await sameScenario([['BLPOP', 'k', '-0.001'], ['BRPOP', 'k', '9223372036854775'], ['BLPOP', 'k', '-0']], [['RPUSH', 'k', 'a', 'b', 'c']]);
  });

  it('several keys: a waiter takes the first key that gets elements', async () => {
    await sameScenario([['BLPOP', 'a', 'b', 'k', 0], ['BRPOP', 'k', 'a', 0]], [['RPUSH', 'k', 1, 2, 3], ['RPUSH', 'a', 'x']], ['k', 'a']);
    await sameScenario([['BLMPOP', 0, 3, 'x', 'y', 'k', 'LEFT', 'COUNT', 2]], [['RPUSH', 'y', 1, 2, 3]], ['y', 'k']);
    // A key written with another type does not wake the waiter; a list later does.
    await sameScenario([['BLPOP', 'k', 0]], [['SET', 'k', 'str'], ['DEL', 'k'], ['LPUSHX', 'k', 'no'], ['RPUSH', 'k', 'yes']]);
  });

  it('keys filled by one transaction: the waiter takes the first non-empty key in argument order', async () => {
    // Redis 7.2 re-runs the blocked command, so argument order decides; 7.0 served the key that
    // was signalled first (here b). slotgate follows the 7.2 rule.
    const [ctl, w] = await Promise.all([RawClient.connect(node.port), RawClient.connect(node.port)]);
    try {
      w.send('BLPOP', 'a', 'b', 0);
      await waitUntil(() => node.server.blocking.count === 1, 5000, 'BLPOP to block', 5);
      ctl.send('MULTI');
      ctl.send('RPUSH', 'b', 'from-b');
      ctl.send('RPUSH', 'a', 'from-a');
      ctl.send('EXEC');
      for (let i = 0; i < 4; i++) await ctl.reply();
      expect(await w.reply()).toEqual(['a', 'from-a']);
      expect(await ctl.call('LRANGE', 'b', 0, -1)).toEqual(['from-b']);
    } finally {
      ctl.close();
      w.close();
    }
  });

  it('a push inside a pipeline or a MULTI wakes the waiter after that command or the EXEC', async () => {
    await sameScenario([['BLPOP', 'k', 0]], [[['RPUSH', 'k', 'a'], ['LLEN', 'k'], ['RPUSH', 'k', 'b'], ['LLEN', 'k']]]);
    await sameScenario([['BLPOP', 'k', 0]], [['MULTI'], ['RPUSH', 'k', 'a'], ['RPUSH', 'k', 'b'], ['LPOP', 'k'], ['EXEC']]);
    await sameScenario([['BLPOP', 'k', 0]], [['MULTI'], ['RPUSH', 'k', 'a'], ['LPOP', 'k'], ['EXEC'], ['RPUSH', 'k', 'late']]);
  });

  it('BLMOVE into a key another client waits on wakes that client too (chains)', async () => {
    await sameScenario([['BLMOVE', 'k', 'mid', 'LEFT', 'RIGHT', 0], ['BRPOPLPUSH', 'mid', 'end', 0], ['BLPOP', 'end', 0]], [['RPUSH', 'k', 'a', 'b']], ['k', 'mid', 'end']);
    await sameScenario([['BLMOVE', 'k', 'k', 'LEFT', 'RIGHT', 0], ['BLPOP', 'k', 0]], [['RPUSH', 'k', 'a']], ['k']);
    // A destination of another type: the waiter gets WRONGTYPE and nothing moves.
    await sameScenario([['BLMOVE', 'k', 's', 'LEFT', 'RIGHT', 0]], [['SET', 's', 'str'], ['RPUSH', 'k', 'a'], ['GET', 's']], ['k']);
  });

  it('times out with a null reply; commands sent meanwhile run after it', async () => {
    for (const port of [node.port, redis.port]) {
      const r = await RawClient.connect(port);
      try {
        const t0 = Date.now();
        expect(await r.call('BLPOP', 'nothing', '0.05')).toBeNull();
        expect(await r.call('BLMPOP', '0.05', 1, 'nothing', 'LEFT')).toBeNull();
        expect(await r.call('BLMOVE', 'nothing', 'x', 'LEFT', 'LEFT', '0.0001')).toBeNull();
        expect(await r.call('BRPOPLPUSH', 'nothing', 'x', '0.01')).toBeNull();
        expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
        r.send('BRPOP', 'nothing', '0.03');
        r.send('PING');
        expect(await r.reply()).toBeNull();
        expect(await r.reply()).toBe('PONG');
      } finally {
        r.close();
      }
    }
    expect(node.server.blocking.count).toBe(0);
  });

  it('a client that disconnects while blocked leaves nothing behind', async () => {
    const rs = await Promise.all([1, 2, 3].map(() => RawClient.connect(node.port)));
    rs[0].send('BLPOP', 'q1', 'q2', 0);
    rs[1].send('BLMOVE', 'q1', 'q3', 'LEFT', 'LEFT', 0);
    rs[2].send('BLMPOP', 100, 2, 'q2', 'q1', 'LEFT');
    await waitUntil(() => node.server.blocking.count === 3, 5000, 'three blocked clients', 5);
    rs[0].close();
    rs[2].close();
    await waitUntil(() => node.server.blocking.count === 1, 5000, 'two disconnects', 5);
    const ctl = await RawClient.connect(node.port);
    try {
      expect(await ctl.call('RPUSH', 'q1', 'v')).toBe(1);
      expect(await rs[1].reply()).toBe('v');
      expect(node.server.blocking.count).toBe(0);
      expect(await ctl.call('LRANGE', 'q3', 0, -1)).toEqual(['v']);
      expect(await ctl.call('EXISTS', 'q1')).toBe(0);
    } finally {
      ctl.close();
      rs[1].close();
    }
  });
});

describe('client libraries', () => {
  it('ioredis, including a blocking pop', async () => {
    const r = new Redis({ port: node.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    const b = new Redis({ port: node.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    await Promise.all([r.connect(), b.connect()]);
    try {
      expect(await r.rpush('io:l', 'a', 'b', 'c')).toBe(3);
      expect(await r.lrange('io:l', 0, -1)).toEqual(['a', 'b', 'c']);
      expect(await r.lpop('io:l', 2)).toEqual(['a', 'b']);
      expect(await r.lpos('io:l', 'c')).toBe(0);
      expect(await r.lmove('io:l', 'io:m', 'LEFT', 'RIGHT')).toBe('c');
      expect(await r.exists('io:l')).toBe(0);
      const waiting = b.blpop('io:q', 'io:w', 0);
      await waitUntil(() => node.server.blocking.count === 1, 5000, 'ioredis client to block', 5);
      await r.rpush('io:w', 'x');
      expect(await waiting).toEqual(['io:w', 'x']);
      const moving = b.blmove('io:q', 'io:m', 'RIGHT', 'LEFT', 0);
      await waitUntil(() => node.server.blocking.count === 1, 5000, 'ioredis client to block', 5);
      await r.lpush('io:q', 'y');
      expect(await moving).toBe('y');
      expect(await r.lrange('io:m', 0, -1)).toEqual(['y', 'c']);
      expect(await b.brpop('io:none', 0.05)).toBeNull();
      await expect(r.lset('io:none', 0, 'x')).rejects.toThrow('ERR no such key');
    } finally {
      r.disconnect();
      b.disconnect();
    }
  });

  it('node-redis, over RESP2 and RESP3, including a blocking pop', async () => {
    for (const RESP of [2, 3] as const) {
      const r = createClient({ socket: { port: node.port, host: '127.0.0.1', reconnectStrategy: false }, RESP });
      const b = r.duplicate();
      r.on('error', () => {});
      b.on('error', () => {});
      await Promise.all([r.connect(), b.connect()]);
      try {
        const k = `nr${RESP}:l`;
        expect(await r.rPush(k, ['a', 'b', 'c', 'b'])).toBe(4);
        expect(await r.lRange(k, 0, -1)).toEqual(['a', 'b', 'c', 'b']);
        expect(await r.lPos(k, 'b', { RANK: -1 })).toBe(3);
        expect(await r.lPosCount(k, 'b', 0)).toEqual([1, 3]);
        expect(await r.lmPop(k, 'RIGHT', { COUNT: 2 })).toEqual([k, ['b', 'c']]);
        expect(await r.lPop(k)).toBe('a');
        expect(await r.lPop(k)).toBe('b');
        expect(await r.lPop(k)).toBeNull();
        const waiting = b.blPop(`${k}:q`, 0);
        await waitUntil(() => node.server.blocking.count === 1, 5000, 'node-redis client to block', 5);
        await r.rPush(`${k}:q`, 'v');
        expect(await waiting).toEqual({ key: `${k}:q`, element: 'v' });
        expect(await b.blmPop(0.05, [`${k}:none`], 'LEFT')).toBeNull();
      } finally {
        await Promise.all([r.close(), b.close()]);
      }
    }
  });
});

describe('a 1M-element list', () => {
  it('pushes and pops at both ends with O(1) work per operation', async () => {
    // Count the element copies the ring buffer makes: resizing is its only O(n) step.
    const proto = List.prototype as unknown as { resize(cap: number): void; length: number };
    const resize = proto.resize;
    let copied = 0;
    proto.resize = function (this: List, cap: number) {
      copied += this.length;
      return resize.call(this, cap);
    };
    const r = await RawClient.connect(node.port);
    try {
      const N = 1_000_000;
      const BATCH = 10_000;
      for (let base = 0; base < N; base += BATCH) {
        const args: Arg[] = ['LPUSH', 'huge'];
        for (let i = base; i < base + BATCH; i++) args.push(i);
        expect(await r.call(...args)).toBe(base + BATCH);
      }
      // Doubling growth: under 2 copies per element in total, so O(1) amortized per push.
      expect(copied).toBeLessThan(2 * N);
      copied = 0;
      expect(await r.call('LINDEX', 'huge', 0)).toBe(String(N - 1));
      expect(await r.call('LINDEX', 'huge', -1)).toBe('0');
      expect(await r.call('LINDEX', 'huge', 500_000)).toBe(String(N - 1 - 500_000));
      // Steady state at a million elements: pops and pushes at either end copy nothing.
      for (let i = 0; i < 2000; i++) {
        r.send('LPOP', 'huge');
        r.send('RPUSH', 'huge', `t${i}`);
        r.send('RPOP', 'huge');
        r.send('LPUSH', 'huge', `h${i}`);
      }
      for (let i = 0; i < 2000; i++) {
        expect(await r.reply()).toBe(i === 0 ? String(N - 1) : `h${i - 1}`);
        expect(await r.reply()).toBe(N);
        expect(await r.reply()).toBe(`t${i}`);
        expect(await r.reply()).toBe(N);
      }
      expect(copied).toBe(0);
      expect(await r.call('LLEN', 'huge')).toBe(N);
      expect(await r.call('OBJECT', 'ENCODING', 'huge')).toBe('quicklist');
      expect(await r.call('LRANGE', 'huge', -3, -1)).toEqual(['2', '1', '0']);
      // Popping it all back down shrinks the buffer, still O(1) amortized.
      for (let base = 0; base < N; base += BATCH) r.send('RPOP', 'huge', BATCH);
      for (let base = 0; base < N; base += BATCH) expect(((await r.reply()) as string[]).length).toBe(BATCH);
      expect(copied).toBeLessThan(N);
      expect(await r.call('EXISTS', 'huge')).toBe(0);
    } finally {
      proto.resize = resize;
      r.close();
    }
  }, 120_000);
});
