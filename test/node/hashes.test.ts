/**
 * Hash commands, differentially against a real redis-server 7: every command with its errors,
 * 64-bit and long double increments, encodings, field order of small (listpack) hashes, RESP3
 * shapes (raw bytes) and a randomized workload go to both servers and the replies must be
 * identical. Where Redis answers randomly (HRANDFIELD, HSCAN of a hashtable) the documented
 * behaviour is asserted instead.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { beforeAll, describe, expect, it } from 'vitest';
import { Hash } from '../../nodes/types/hash.js';
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

/** Flat [f, v, f, v …] → sorted "f=v" strings, for hashtables whose order is Redis's own. */
function pairs(flat: Reply): string[] {
  const a = flat as string[];
  const out: string[] = [];
  for (let i = 0; i < a.length; i += 2) out.push(`${a[i]}=${a[i + 1]}`);
  return out.sort();
}

/** HGETALL on both servers, compared as sorted pairs. */
async function samePairs(key: string): Promise<void> {
  const [ours, ref] = await Promise.all([d.ours.call('HGETALL', key), d.ref.call('HGETALL', key)]);
  expect(pairs(ours), key).toEqual(pairs(ref));
}

const BIG = '9223372036854775807';
const SMALL = '-9223372036854775808';
const long = (n: number, ch = 'x') => ch.repeat(n);

describe('setting and reading fields', () => {
  it('HSET HSETNX HMSET HGET HMGET HEXISTS HLEN HSTRLEN HDEL', async () => {
    await sameAll([
      ['HSET', 'h', 'a', 1, 'b', 2], ['HSET', 'h', 'a', 10, 'c', 3], ['HSET', 'h', 'a', 10, 'a', 11], ['HGET', 'h', 'a'],
      ['HSET', 'h', 'x'], ['HSET', 'h', 'x', 1, 'y'], ['HMSET', 'h', 'x'], ['HMSET', 'h', 'd', 4, 'e'], ['HSET', 'h'], ['HMSET', 'h'],
      ['HMSET', 'h', 'd', 4, 'e', 5], ['HSETNX', 'h', 'd', 40], ['HSETNX', 'h', 'f', 6], ['HSETNX', 'new', 'f', 6], ['HSETNX', 'h', 'f'],
      ['HGET', 'h', 'none'], ['HGET', 'none', 'a'], ['HMGET', 'h', 'a', 'none', 'f'], ['HMGET', 'none', 'a', 'b'], ['HMGET', 'h'],
      ['HEXISTS', 'h', 'a'], ['HEXISTS', 'h', 'none'], ['HEXISTS', 'none', 'a'], ['HLEN', 'h'], ['HLEN', 'none'],
      ['HSTRLEN', 'h', 'a'], ['HSTRLEN', 'h', 'none'], ['HSTRLEN', 'none', 'a'],
      ['HDEL', 'h', 'a', 'a', 'none', 'b'], ['HDEL', 'none', 'a'], ['HDEL', 'h'], ['HGETALL', 'h'],
      ['HDEL', 'h', 'c', 'd', 'e', 'f'], ['EXISTS', 'h'], ['HLEN', 'h'],
      ['HSET', 'bin', '\x00\xff', '\r\n', '', ''], ['HGETALL', 'bin'], ['HSTRLEN', 'bin', '\x00\xff'], ['HEXISTS', 'bin', ''],
    ]);
  });

  it('HKEYS HVALS HGETALL list a small hash in Redis\'s listpack order', async () => {
    await sameAll([
      ['HSET', 'h', 'z', 1, 'a', 2, 'm', 3, 'b', 4], ['HSET', 'h', 'a', 20], ['HDEL', 'h', 'm'], ['HSET', 'h', 'm', 30, 'c', 5],
      ['HINCRBY', 'h', 'z', 5], ['HINCRBYFLOAT', 'h', 'new', 1.5], ['HSETNX', 'h', 'last', 'x'],
      ['HKEYS', 'h'], ['HVALS', 'h'], ['HGETALL', 'h'], ['HKEYS', 'none'], ['HVALS', 'none'], ['HGETALL', 'none'],
    ]);
  });

  it('RESP3: HGETALL is a map, nulls are _', async () => {
    await same('HSET', 'h', 'a', 1, 'b', 2);
    const cmds: Arg[][] = [
      ['HGETALL', 'h'], ['HGETALL', 'none'], ['HGET', 'h', 'none'], ['HMGET', 'h', 'a', 'none'], ['HKEYS', 'h'], ['HVALS', 'none'],
      ['HRANDFIELD', 'none'], ['HRANDFIELD', 'none', 3], ['HRANDFIELD', 'h', 0], ['HRANDFIELD', 'h', 5, 'WITHVALUES'],
      ['HRANDFIELD', 'h', 2], ['HSCAN', 'h', 0], ['HSCAN', 'none', 0],
    ];
    await sameBytes(cmds, true);
    await sameBytes(cmds, false);
  });
});

describe('increments', () => {
  it('HINCRBY: 64-bit range, overflow and non-integer values', async () => {
    await sameAll([
      ['HINCRBY', 'h', 'n', 5], ['HINCRBY', 'h', 'n', -10], ['HINCRBY', 'new', 'n', 0], ['HGETALL', 'new'],
      ['HSET', 'h', 'max', BIG, 'min', SMALL, 's', 'abc', 'f', '1.5', 'sp', ' 1', 'z', '01', 'neg0', '-0', 'e', ''],
      ['HINCRBY', 'h', 'max', 1], ['HINCRBY', 'h', 'max', 0], ['HINCRBY', 'h', 'max', -1], ['HINCRBY', 'h', 'min', -1],
      ['HINCRBY', 'h', 'min', BIG], ['HINCRBY', 'h', 'n', SMALL], ['HINCRBY', 'h', 'n', '9223372036854775808'],
      ['HINCRBY', 'h', 's', 1], ['HINCRBY', 'h', 'f', 1], ['HINCRBY', 'h', 'sp', 1], ['HINCRBY', 'h', 'z', 1], ['HINCRBY', 'h', 'neg0', 1],
      ['HINCRBY', 'h', 'e', 1], ['HINCRBY', 'h', 'n', 'x'], ['HINCRBY', 'h', 'n', '1.0'], ['HINCRBY', 'h', 'n', ' 1'],
      ['HGETALL', 'h'], ['HINCRBY', 'bad', 'n', 'x'], ['EXISTS', 'bad'],
    ]);
  });

  it('HINCRBYFLOAT: long double precision and printing, errors', async () => {
    await sameAll([
      ['HINCRBYFLOAT', 'h', 'f', '0.1'], ['HINCRBYFLOAT', 'h', 'f', '0.2'], ['HINCRBYFLOAT', 'h', 'f', '-0.3'],
      ['HINCRBYFLOAT', 'h', 'g', '1e100'], ['HINCRBYFLOAT', 'h', 'x', '5.0e3'], ['HINCRBYFLOAT', 'h', 'x', '-5000'],
      ['HINCRBYFLOAT', 'h', 'y', '-0'], ['HINCRBYFLOAT', 'h', 'hex', '0x10'], ['HINCRBYFLOAT', 'h', 'tiny', '1e-20'],
      ['HSET', 'h', 'i', 10, 's', 'abc', 'inf', 'inf', 'sp', ' 1', 'big', '1e4932'],
      ['HINCRBYFLOAT', 'h', 'i', '1.5'], ['HINCRBYFLOAT', 'h', 's', 1], ['HINCRBYFLOAT', 'h', 'inf', 1], ['HINCRBYFLOAT', 'h', 'sp', 1],
      ['HINCRBYFLOAT', 'h', 'big', '1e4932'], ['HINCRBYFLOAT', 'h', 'i', 'abc'], ['HINCRBYFLOAT', 'h', 'i', 'inf'],
      ['HINCRBYFLOAT', 'h', 'i', '-inf'], ['HINCRBYFLOAT', 'h', 'i', 'nan'], ['HINCRBYFLOAT', 'h', 'i', ''], ['HINCRBYFLOAT', 'h', 'i', ' 1'],
      ['HINCRBYFLOAT', 'none', 'i', 'inf'], ['EXISTS', 'none'], ['OBJECT', 'ENCODING', 'h'],
    ]);
    // 1e100's 100 digits made it a hashtable, whose order is Redis's own.
    await samePairs('h');
  });
});

describe('encodings', () => {
  it('listpack up to 512 fields and 64-byte strings, then hashtable for good', async () => {
    const fields: Arg[] = [];
    for (let i = 0; i < 512; i++) fields.push(`f${i}`, i);
    await sameAll([
      ['HSET', 'n', ...fields], ['OBJECT', 'ENCODING', 'n'], ['HSET', 'n', 'f0', 'again'], ['OBJECT', 'ENCODING', 'n'],
      ['HSET', 'n', 'one-more', 1], ['OBJECT', 'ENCODING', 'n'], ['HDEL', 'n', 'one-more', 'f0', 'f1'], ['OBJECT', 'ENCODING', 'n'],
      ['HSET', 'v', 'f', long(64)], ['OBJECT', 'ENCODING', 'v'], ['HSET', 'v', 'g', long(65)], ['OBJECT', 'ENCODING', 'v'],
      ['HDEL', 'v', 'g'], ['OBJECT', 'ENCODING', 'v'],
      ['HSET', 'k', long(64), 1], ['OBJECT', 'ENCODING', 'k'], ['HSET', 'k2', long(65), 1], ['OBJECT', 'ENCODING', 'k2'],
      ['HSETNX', 'k3', long(65), 1], ['OBJECT', 'ENCODING', 'k3'], ['HINCRBY', 'k4', long(65), 1], ['OBJECT', 'ENCODING', 'k4'],
      ['HINCRBYFLOAT', 'k5', 'f', '1e100'], ['OBJECT', 'ENCODING', 'k5'], ['HMSET', 'k6', 'a', 1, 'b', long(100)], ['OBJECT', 'ENCODING', 'k6'],
    ]);
  });

  it('a hashtable holds the same fields as Redis', async () => {
    const fields: Arg[] = [];
    for (let i = 0; i < 600; i++) fields.push(`f${i}`, `v${i}`);
    await same('HSET', 'h', ...fields);
    await same('HDEL', 'h', 'f3', 'f100', 'f599');
    await samePairs('h');
    const [ok, rk] = await Promise.all([d.ours.call('HKEYS', 'h'), d.ref.call('HKEYS', 'h')]);
    expect((ok as string[]).sort()).toEqual((rk as string[]).sort());
    await sameAll([['HLEN', 'h'], ['HGET', 'h', 'f50'], ['HMGET', 'h', 'f3', 'f4'], ['OBJECT', 'ENCODING', 'h']]);
  });

  it('clone and memory usage', () => {
    const h = new Hash();
    h.set('a', '1');
    const c = h.clone();
    c.set('b', '2');
    expect(h.size).toBe(1);
    expect(c.size).toBe(2);
    expect(c.memoryUsage()).toBeGreaterThan(h.memoryUsage());
  });
});

describe('HSCAN', () => {
  it('returns a small hash whole, in listpack order; options and errors as Redis', async () => {
    await same('HSET', 'h', 'foo', 1, 'bar', 2, 'fob', 3, 'baz', 4);
    await sameAll([
      ['HSCAN', 'h', 0], ['HSCAN', 'h', 0, 'COUNT', 1], ['HSCAN', 'h', 0, 'MATCH', 'f*'], ['HSCAN', 'h', 0, 'MATCH', 'b?z', 'COUNT', 100],
      ['HSCAN', 'h', 17], ['HSCAN', 'h', 'abc'], ['HSCAN', 'h', -1], ['HSCAN', 'h', '18446744073709551616'],
      ['HSCAN', 'h', 0, 'COUNT', 0], ['HSCAN', 'h', 0, 'COUNT', -1], ['HSCAN', 'h', 0, 'COUNT', 'x'], ['HSCAN', 'h', 0, 'TYPE', 'string'],
      ['HSCAN', 'h', 0, 'MATCH'], ['HSCAN', 'h', 0, 'FOO', 'bar'],
      ['HSCAN', 'none', 0], ['HSCAN', 'none', 0, 'COUNT', 0], ['HSCAN', 'none', 0, 'FOO'], ['HSCAN', 'none', 'abc'],
      ['SET', 's', 'v'], ['HSCAN', 's', 0], ['HSCAN', 's', 'abc'],
    ]);
  });

  it('walks a hashtable with a cursor, returning every field present throughout at least once', async () => {
    const r = await RawClient.connect(node.port);
    try {
      const fields: Arg[] = [];
      for (let i = 0; i < 1000; i++) fields.push(`f${i}`, `v${i}`);
      await r.call('HSET', 'h', ...fields);
      const seen = new Map<string, string>();
      let cursor = '0';
      let rounds = 0;
      do {
        const [next, batch] = (await r.call('HSCAN', 'h', cursor, 'COUNT', 50)) as [string, string[]];
        for (let i = 0; i < batch.length; i += 2) seen.set(batch[i], batch[i + 1]);
        // Churn during the scan: fields added or deleted meanwhile may or may not be returned.
        await r.call('HSET', 'h', `extra${rounds}`, 'x');
        if (rounds < 10) await r.call('HDEL', 'h', `f${999 - rounds}`);
        cursor = next;
        rounds++;
      } while (cursor !== '0');
      for (let i = 0; i < 990; i++) expect(seen.get(`f${i}`)).toBe(`v${i}`);
      expect(rounds).toBeGreaterThan(10);
      const [, matched] = (await r.call('HSCAN', 'h', 0, 'MATCH', 'f99*', 'COUNT', 100000)) as [string, string[]];
      // f990…f999 were deleted during the scan: only f99 is left to match.
      expect(pairs(matched)).toEqual(['f99=v99']);
    } finally {
      r.close();
    }
  });
});

describe('HRANDFIELD', () => {
  it('argument errors and deterministic cases as Redis', async () => {
    await same('HSET', 'h', 'a', 1, 'b', 2, 'c', 3);
    await sameAll([
      ['HRANDFIELD', 'none'], ['HRANDFIELD', 'none', 5], ['HRANDFIELD', 'none', -5, 'WITHVALUES'], ['HRANDFIELD', 'h', 0],
      ['HRANDFIELD', 'h', 3], ['HRANDFIELD', 'h', 100], ['HRANDFIELD', 'h', 3, 'WITHVALUES'], ['HRANDFIELD', 'h', BIG],
      ['HRANDFIELD', 'h', 'x'], ['HRANDFIELD', 'h', '1.5'], ['HRANDFIELD', 'h', SMALL], ['HRANDFIELD', 'h', SMALL, 'WITHVALUES'],
      ['HRANDFIELD', 'h', '-9223372036854775807', 'WITHVALUES'], ['HRANDFIELD', 'h', '4611686018427387904', 'WITHVALUES'],
      ['HRANDFIELD', 'h', '4611686018427387903', 'WITHVALUES'], ['HRANDFIELD', 'h', 1, 'FOO'], ['HRANDFIELD', 'h', 1, 'WITHVALUES', 'x'],
      ['HRANDFIELD', 'h', 'x', 'FOO'], ['HRANDFIELD', 'none', 'x'], ['HRANDFIELD', 'none', 1, 'FOO'], ['HRANDFIELD', 'none', 0],
      ['SET', 's', 'v'], ['HRANDFIELD', 's'], ['HRANDFIELD', 's', 0], ['HRANDFIELD', 's', 'x'], ['HRANDFIELD', 's', 1, 'FOO'],
    ]);
  });

  it('samples: negative counts repeat, positive ones are distinct; values belong to their fields', async () => {
    for (const size of [5, 700]) {
      await d.both('DEL', 'h');
      const fields: Arg[] = [];
      for (let i = 0; i < size; i++) fields.push(`f${i}`, `v${i}`);
      await d.both('HSET', 'h', ...fields);
      for (const resp of [2, 3]) {
        const r = await RawClient.connect(node.port);
        try {
          if (resp === 3) await r.call('HELLO', 3);
          const one = (await r.call('HRANDFIELD', 'h')) as string;
          expect(one).toMatch(/^f\d+$/);
          const rep = (await r.call('HRANDFIELD', 'h', -2 * size)) as string[];
          expect(rep).toHaveLength(2 * size);
          expect(new Set(rep).size).toBeLessThan(2 * size);
          const uniq = (await r.call('HRANDFIELD', 'h', size - 2)) as string[];
          expect(new Set(uniq).size).toBe(size - 2);
          const few = (await r.call('HRANDFIELD', 'h', 3)) as string[];
          expect(new Set(few).size).toBe(3);
          const wv = (await r.call('HRANDFIELD', 'h', -7, 'WITHVALUES')) as unknown[];
          // RESP2 flattens the pairs; RESP3 nests each [field, value].
          const flat = resp === 3 ? (wv as string[][]).flat() : (wv as string[]);
          if (resp === 3) expect(wv.every((p) => Array.isArray(p) && p.length === 2)).toBe(true);
          expect(flat).toHaveLength(14);
          for (let i = 0; i < flat.length; i += 2) expect(flat[i + 1]).toBe(`v${flat[i].slice(1)}`);
          const all = (await r.call('HRANDFIELD', 'h', size, 'WITHVALUES')) as unknown[];
          expect(all).toHaveLength(resp === 3 ? size : 2 * size);
        } finally {
          r.close();
        }
      }
    }
  });

  it('distinct samples of a small hash come in listpack order, as Redis', async () => {
    const fields: Arg[] = [];
    for (let i = 0; i < 50; i++) fields.push(`f${i}`, i);
    await same('HSET', 'h', ...fields);
    for (let round = 0; round < 20; round++) {
      const got = ((await d.ours.call('HRANDFIELD', 'h', 10)) as string[]).map((f) => Number(f.slice(1)));
      expect(got).toEqual([...got].sort((a, b) => a - b));
    }
  });

  it('every field of a hashtable can be drawn', async () => {
    const fields: Arg[] = [];
    for (let i = 0; i < 600; i++) fields.push(`f${i}`, i);
    await d.ours.call('HSET', 'h', ...fields);
    expect(await d.ours.call('OBJECT', 'ENCODING', 'h')).toBe('hashtable');
    const seen = new Set((await d.ours.call('HRANDFIELD', 'h', -60000)) as string[]);
    expect(seen.size).toBe(600);
  });
});

describe('types and key lifecycle', () => {
  it('WRONGTYPE for every hash command against a string, and hash keys against others', async () => {
    await same('SET', 's', 'v');
    await same('HSET', 'h', 'a', 1);
    await sameAll([
      ['HSET', 's', 'a', 1], ['HMSET', 's', 'a', 1], ['HSETNX', 's', 'a', 1], ['HGET', 's', 'a'], ['HMGET', 's', 'a'], ['HDEL', 's', 'a'],
      ['HEXISTS', 's', 'a'], ['HLEN', 's'], ['HSTRLEN', 's', 'a'], ['HKEYS', 's'], ['HVALS', 's'], ['HGETALL', 's'],
      ['HINCRBY', 's', 'a', 1], ['HINCRBYFLOAT', 's', 'a', 1], ['HSCAN', 's', 0], ['HRANDFIELD', 's'], ['HRANDFIELD', 's', 2, 'WITHVALUES'],
      ['GET', 'h'], ['LPUSH', 'h', 'x'], ['LRANGE', 'h', 0, -1], ['TYPE', 'h'],
      ['HSET', 's', 'a'], ['HINCRBY', 's', 'a', 'x'], ['HINCRBYFLOAT', 's', 'a', 'x'],
    ]);
  });

  it('COPY makes an independent hash; reads count keyspace hits and misses as Redis', async () => {
    await sameAll([
      ['HSET', 'h', 'a', 1], ['COPY', 'h', 'c'], ['HSET', 'c', 'b', 2], ['HGETALL', 'h'], ['HGETALL', 'c'],
      ['CONFIG', 'RESETSTAT'], ['HGET', 'h', 'a'], ['HGET', 'none', 'a'], ['HMGET', 'h', 'x'], ['HLEN', 'none'], ['HEXISTS', 'h', 'a'],
      ['HSTRLEN', 'none', 'a'], ['HGETALL', 'h'], ['HKEYS', 'none'], ['HSCAN', 'h', 0], ['HRANDFIELD', 'none'], ['HRANDFIELD', 'h', 0],
      ['HSET', 'h', 'z', 1], ['HINCRBY', 'none2', 'x', 1], ['HDEL', 'none3', 'x'],
    ]);
    const stats = async (r: RawClient) => String(await r.call('INFO', 'stats')).match(/keyspace_(hits|misses):\d+/g);
    expect(await stats(d.ours)).toEqual(await stats(d.ref));
  });

  it('the last HDEL removes the key; a TTL survives field writes', async () => {
    await sameAll([
      ['HSET', 'h', 'a', 1, 'b', 2], ['EXPIRE', 'h', 100], ['HSET', 'h', 'c', 3], ['HINCRBY', 'h', 'a', 1], ['HDEL', 'h', 'b'], ['TTL', 'h'],
      ['HDEL', 'h', 'a', 'c'], ['EXISTS', 'h'], ['TTL', 'h'], ['HSET', 'h', 'x', 1], ['TTL', 'h'],
    ]);
  });
});

describe('randomized workload', () => {
  it('matches Redis reply for reply, field order included', async () => {
    let seed = 777;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const keys = ['h1', 'h2'];
    const fields = ['a', 'b', 'c', 'd', 'e', 'n'];
    const vals = ['1', '-7', 'x', '2.5', '', '100'];
    const gens: (() => Arg[])[] = [
      () => ['HSET', keys[rnd(2)], fields[rnd(6)], vals[rnd(6)], fields[rnd(6)], vals[rnd(6)]],
      () => ['HSETNX', keys[rnd(2)], fields[rnd(6)], vals[rnd(6)]],
      () => ['HDEL', keys[rnd(2)], fields[rnd(6)], fields[rnd(6)]],
      () => ['HGET', keys[rnd(2)], fields[rnd(6)]],
      () => ['HMGET', keys[rnd(2)], fields[rnd(6)], fields[rnd(6)]],
      () => ['HINCRBY', keys[rnd(2)], fields[rnd(6)], rnd(21) - 10],
      () => ['HINCRBYFLOAT', keys[rnd(2)], fields[rnd(6)], `${rnd(5)}.${rnd(10)}`],
      () => ['HGETALL', keys[rnd(2)]],
      () => ['HKEYS', keys[rnd(2)]],
      () => ['HVALS', keys[rnd(2)]],
      () => ['HLEN', keys[rnd(2)]],
      () => ['HSTRLEN', keys[rnd(2)], fields[rnd(6)]],
      () => ['HEXISTS', keys[rnd(2)], fields[rnd(6)]],
      () => ['HSCAN', keys[rnd(2)], 0, 'MATCH', rnd(2) ? '*' : '[a-c]'],
      () => ['HRANDFIELD', keys[rnd(2)], 10, 'WITHVALUES'],
      () => ['EXISTS', ...keys],
    ];
    for (let i = 0; i < 1500; i++) await same(...gens[rnd(gens.length)]());
  });
});

describe('client libraries', () => {
  it('ioredis', async () => {
    const r = new Redis({ port: node.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect();
    try {
      expect(await r.hset('io:h', { a: '1', b: '2' })).toBe(2);
      expect(await r.hgetall('io:h')).toEqual({ a: '1', b: '2' });
      expect(await r.hincrby('io:h', 'a', 41)).toBe(42);
      expect(await r.hincrbyfloat('io:h', 'b', '0.5')).toBe('2.5');
      expect(await r.hmget('io:h', 'a', 'zz')).toEqual(['42', null]);
      expect(await r.hscan('io:h', 0)).toEqual(['0', ['a', '42', 'b', '2.5']]);
      expect(await r.hrandfield('io:h', 2, 'WITHVALUES')).toEqual(['a', '42', 'b', '2.5']);
      await expect(r.hincrby('io:h', 'b', 1)).rejects.toThrow('ERR hash value is not an integer');
      expect(await r.hdel('io:h', 'a', 'b')).toBe(2);
      expect(await r.exists('io:h')).toBe(0);
    } finally {
      r.disconnect();
    }
  });

  it('node-redis, over RESP2 and RESP3', async () => {
    for (const RESP of [2, 3] as const) {
      const r = createClient({ socket: { port: node.port, host: '127.0.0.1', reconnectStrategy: false }, RESP });
      r.on('error', () => {});
      await r.connect();
      try {
        const k = `nr${RESP}:h`;
        expect(await r.hSet(k, { a: '1', b: 'two' })).toBe(2);
        expect({ ...(await r.hGetAll(k)) }).toEqual({ a: '1', b: 'two' });
        expect(await r.hKeys(k)).toEqual(['a', 'b']);
        expect(await r.hLen(k)).toBe(2);
        expect(await r.hIncrBy(k, 'a', 2)).toBe(3);
        expect(Number(await r.hExists(k, 'zz'))).toBe(0);
        const sample = await r.hRandFieldCountWithValues(k, 2);
        expect(sample.map((e) => e.field).sort()).toEqual(['a', 'b']);
        expect(await r.hDel(k, ['a', 'b'])).toBe(2);
        expect(await r.exists(k)).toBe(0);
      } finally {
        await r.close();
      }
    }
  });
});
