/**
 * Generic keyspace commands: replies compared with a real redis-server 7 (errors, options, edge
 * cases), SCAN's guarantee under concurrent writes, lazy and active expiry, the DataObject paths
 * that lists/hashes will take, and use through ioredis and node-redis.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { Dict } from '../../nodes/keyspace/dict.js';
import type { DataObject } from '../../nodes/keyspace/types.js';
import { waitUntil } from '../helpers/guarded-process.js';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { RawClient, RespError } from '../helpers/raw-client.js';
import { Differ, startRedis, type RedisServer } from '../helpers/redis-server.js';

type Cmd = (string | number)[];

let node: InProcessNode;
let ref: RedisServer;
let d: Differ;

beforeAll(async () => {
  [node, ref] = await Promise.all([startNode(), startRedis(['--enable-debug-command', 'yes'])]);
  d = await Differ.connect(node.port, ref.port);
});
afterAll(async () => {
  d.close();
  await Promise.all([node.stop(), ref.stop()]);
});
beforeEach(async () => {
  await same(['SELECT', '0'], ['FLUSHALL']);
});

/** Runs each command on both servers in order; every reply must be identical. */
async function same(...cmds: Cmd[]): Promise<void> {
  for (const cmd of cmds) {
    const { ours, ref } = await d.both(...cmd);
    expect(ours, cmd.join(' ')).toEqual(ref);
  }
}

/** For replies whose order is unspecified (KEYS): identical as sorted lists. */
async function sameSorted(cmd: Cmd): Promise<void> {
  const { ours, ref } = await d.both(...cmd);
  expect(Array.isArray(ours), cmd.join(' ')).toBe(true);
  expect([...(ours as string[])].sort(), cmd.join(' ')).toEqual([...(ref as string[])].sort());
}

/** Every key a full SCAN iteration returns (cursor values differ between servers; the keys must not). */
async function scanAll(c: RawClient, first: string, opts: Cmd = []): Promise<string[]> {
  const seen = new Set<string>();
  let cursor = first;
  for (let calls = 0; calls < 100_000; calls++) {
    const [next, keys] = (await c.call('SCAN', cursor, ...opts)) as [string, string[]];
    for (const k of keys) seen.add(k);
    if (next === '0') return [...seen].sort();
    cursor = next;
  }
  throw new Error('SCAN did not terminate');
}

async function sameScan(first: string, opts: Cmd = []): Promise<void> {
  const [ours, theirs] = await Promise.all([scanAll(d.ours, first, opts), scanAll(d.ref, first, opts)]);
  expect(ours, `SCAN ${first} ${opts.join(' ')}`).toEqual(theirs);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

describe('same replies as redis-server 7', () => {
  test('DEL UNLINK EXISTS TYPE TOUCH DBSIZE', async () => {
    await same(
      ['SET', 'a', '1'], ['SET', 'b', '2'], ['SET', 'c', '3'],
      ['EXISTS', 'a', 'a', 'b', 'nope'], ['EXISTS', 'nope'], ['TYPE', 'a'], ['TYPE', 'nope'], ['TYPE', 'a', 'b'],
      ['TOUCH', 'a', 'a', 'nope', 'b'], ['DBSIZE'], ['DEL', 'a', 'a', 'nope'], ['EXISTS', 'a'],
      ['UNLINK', 'b', 'c', 'b'], ['DBSIZE'], ['DEL'], ['UNLINK'], ['EXISTS'], ['TOUCH'], ['TYPE'], ['DBSIZE', 'x'],
    );
  });

  test('RENAME and RENAMENX, with the TTL moving along', async () => {
    await same(
      ['RENAME', 'nope', 'x'], ['RENAMENX', 'nope', 'x'], ['RENAME', 'nope', 'nope'], ['RENAMENX', 'nope', 'nope'],
      ['SET', 'k', 'v'], ['RENAME', 'k', 'k'], ['RENAMENX', 'k', 'k'],
      ['SET', 'k', 'v', 'EX', '100'], ['RENAME', 'k', 'k2'], ['TTL', 'k'], ['TTL', 'k2'], ['GET', 'k2'],
      ['SET', 'd', 'x', 'EX', '50'], ['RENAME', 'k2', 'd'], ['TTL', 'd'], ['GET', 'd'],
      ['SET', 'e', 'y'], ['RENAME', 'e', 'd'], ['TTL', 'd'], ['GET', 'd'],
      ['SET', 'f', 'z'], ['RENAMENX', 'f', 'd'], ['GET', 'd'], ['RENAMENX', 'f', 'g'], ['EXISTS', 'f', 'g'],
      ['RENAME', 'a'], ['RENAME', 'a', 'b', 'c'], ['RENAMENX', 'a'],
    );
  });

  const KEY_NAMES = [
    'a', 'b', 'c', 'd', 'ab', 'abc', 'abd', 'bcd', 'hello', 'hallo', 'hxllo', 'hllo', 'heeello',
    'a*b', 'a?b', 'a[b', 'a]b', 'a\\b', 'a-b', '^x', 'x^', '-', '_', ']', 'foo:1', 'foo:2', 'foo:10', 'bar:1',
  ];
  const PATTERNS = [
    '*', '**', '?', '??', '???', 'a*', '*b', '*b*', '[a-c]', '[c-a]', '[a-c]*', '[^a]', '[^a-c]*', '[abc]',
    'h?llo', 'h*llo', 'h[ae]llo', 'h[^e]llo', 'h[a-b]llo', 'a\\*b', 'a\\?b', 'a\\[b', 'a\\\\b', 'a[\\]]b',
    'a[-]b', '[\\^]x', 'x[\\^]', 'foo:*', 'foo:?', 'foo:[0-9]', 'foo:[0-9]*', '*:1', 'nomatch*', '\\a*',
    'a[*]b', 'a[?]b', '*[', '\\*', '*\\', '[]]', '[\\-]',
  ];

  test.each(PATTERNS)('KEYS %s', async (pattern) => {
    await same(...KEY_NAMES.map((k): Cmd => ['SET', k, 'v']));
    await sameSorted(['KEYS', pattern]);
    await sameScan('0', ['MATCH', pattern]);
  });

  test('KEYS: arity, an empty key name under the catch-all pattern', async () => {
    await same(['SET', '', 'empty'], ['SET', 'x', 'y'], ['KEYS'], ['KEYS', '*', 'x']);
    await sameSorted(['KEYS', '*']);
    await sameScan('0', ['MATCH', '*']);
  });

  const BAD_SCANS: Cmd[] = [
    ['SCAN'], ['SCAN', 'x'], ['SCAN', ' 1'], ['SCAN', '1 '], ['SCAN', '0x1'], ['SCAN', '1.5'], ['SCAN', '+'], ['SCAN', '-'],
    ['SCAN', '18446744073709551616'], ['SCAN', '-18446744073709551616'], ['SCAN', '99999999999999999999999'],
    ['SCAN', '0', 'COUNT', '0'], ['SCAN', '0', 'COUNT', '-1'], ['SCAN', '0', 'COUNT', 'x'], ['SCAN', '0', 'COUNT', '1.0'],
    ['SCAN', '0', 'COUNT', '99999999999999999999'], ['SCAN', '0', 'COUNT'], ['SCAN', '0', 'MATCH'], ['SCAN', '0', 'TYPE'],
    ['SCAN', '0', 'FOO', '1'], ['SCAN', '0', 'COUNT', '10', 'MATCH'], ['SCAN', 'x', 'COUNT', '0'], ['SCAN', '0', 'COUNT', '0', 'FOO'],
  ];
  test.each(BAD_SCANS)('%s', async (...cmd) => {
    await same(cmd);
  });

  const EMPTY_DB_CURSORS = ['0', '', '+0', '-0', '00', '7', '-1', '18446744073709551615', '-18446744073709551615'];
  test.each(EMPTY_DB_CURSORS)('SCAN %j on an empty database', async (cursor) => {
    await same(['SCAN', cursor], ['SCAN', cursor, 'COUNT', '1', 'MATCH', 'x*', 'TYPE', 'string']);
  });

  test('SCAN MATCH / TYPE / COUNT: the same keys over a full iteration', async () => {
    const cmds: Cmd[] = [];
    for (let i = 0; i < 300; i++) cmds.push(['SET', `user:${i}`, String(i)]);
    for (let i = 0; i < 50; i++) cmds.push(['SET', `other:${i}`, 'x']);
    await same(...cmds);
    for (const first of ['0', '', '+0', '-0', '000']) await sameScan(first);
    const options: Cmd[] = [
      ['MATCH', 'user:*'], ['MATCH', 'user:1?'], ['MATCH', '*'], ['MATCH', 'nomatch'], ['TYPE', 'string'], ['TYPE', 'STRING'],
      ['TYPE', 'list'], ['TYPE', 'none'], ['TYPE', 'bogus'], ['COUNT', '1'], ['COUNT', '1000', 'MATCH', 'other:?'],
      ['MATCH', 'x', 'MATCH', 'other:*'], ['count', '3', 'match', 'user:2*', 'type', 'String'],
    ];
    for (const opts of options) await sameScan('0', opts);
  });

  test('RANDOMKEY on an empty and a one-key database', async () => {
    await same(['RANDOMKEY'], ['SET', 'only', 'v'], ['RANDOMKEY'], ['RANDOMKEY', 'x']);
  });

  test('EXPIRE family: option combinations and errors, checked before the key', async () => {
    await same(
      ['EXPIRE', 'k', '10', 'nx', 'xx'], ['EXPIRE', 'k', '10', 'NX', 'GT'], ['EXPIRE', 'k', '10', 'nx', 'lt'],
      ['EXPIRE', 'k', '10', 'gt', 'lt'], ['PEXPIRE', 'k', '10', 'LT', 'GT'], ['EXPIRE', 'k', '10', 'foo'],
      ['EXPIRE', 'k', '10', 'nx', 'foo'], ['EXPIRE', 'k', 'x', 'nx', 'xx'], ['EXPIRE', 'k', 'x', 'foo'],
      ['EXPIRE', 'k', 'x'], ['EXPIRE', 'k', '1.5'], ['EXPIRE', 'k', '+1'], ['EXPIRE', 'k', ' 1'], ['EXPIRE', 'k', ''],
      ['EXPIRE', 'k', '9223372036854775808'], ['EXPIRE', 'k'], ['PEXPIREAT', 'k'], ['EXPIREAT', 'k', '1', 'gt', 'lt'],
      ['EXPIRE', 'k', '10'], ['EXPIRE', 'k', '10', 'XX', 'GT'], ['EXPIRE', 'k', '10', 'NX', 'NX'],
    );
  });

  test('EXPIRE family: 64-bit overflow is "invalid expire time" under Redis\'s own command name', async () => {
    await same(
      ['EXPIRE', 'k', '9223372036854775'], ['EXPIRE', 'k', '9223372036854774'], ['EXPIRE', 'k', '-9223372036854776'],
      ['ExPiRe', 'k', '9223372036854775'], ['PEXPIRE', 'k', '9223372036854775807'], ['EXPIREAT', 'k', '9223372036854776'],
      ['expireat', 'k', '-9223372036854776'], ['PEXPIREAT', 'k', '9223372036854775807'],
      ['SET', 'k', 'v'], ['EXPIRE', 'k', '9223372036854775'], ['EXISTS', 'k'],
      ['EXPIRE', 'k', '-9223372036854775'], ['EXISTS', 'k'],
      ['SET', 'k', 'v'], ['PEXPIRE', 'k', '-9223372036854775808'], ['EXISTS', 'k'],
      ['SET', 'k', 'v'], ['PEXPIREAT', 'k', '9223372036854775807'], ['EXISTS', 'k'], ['PERSIST', 'k'],
    );
  });

  test('EXPIRE family: NX XX GT LT semantics', async () => {
    // GT/LT compare with the current expiry to the millisecond: never repeat a TTL just set (50 LT
    // then 50 GT answers 0 or 1 depending on whether the clock ticked in between).
    await same(
      ['EXPIRE', 'nope', '100'], ['PEXPIRE', 'nope', '100'], ['EXPIREAT', 'nope', '1'], ['PEXPIREAT', 'nope', '1'],
      ['SET', 'k', 'v'],
      ['EXPIRE', 'k', '100', 'XX'], ['EXPIRE', 'k', '100', 'GT'], ['TTL', 'k'],
      ['EXPIRE', 'k', '100', 'LT'], ['TTL', 'k'], ['EXPIRE', 'k', '200', 'LT'], ['EXPIRE', 'k', '100', 'LT'],
      ['EXPIRE', 'k', '50', 'LT'], ['TTL', 'k'], ['EXPIRE', 'k', '100', 'NX'], ['EXPIRE', 'k', '40', 'GT'],
      ['EXPIRE', 'k', '200', 'GT'], ['TTL', 'k'], ['EXPIRE', 'k', '300', 'XX', 'GT'], ['TTL', 'k'],
      ['EXPIRE', 'k', '100', 'xx', 'lt'], ['TTL', 'k'], ['PERSIST', 'k'], ['EXPIRE', 'k', '100', 'NX'], ['TTL', 'k'],
      ['EXPIRE', 'k', '-5', 'GT'], ['TTL', 'k'],
      ['EXPIRE', 'k', '-5', 'LT'], ['EXISTS', 'k'],
      ['SET', 'k', 'v'], ['EXPIRE', 'k', '-5', 'LT'], ['EXISTS', 'k'],
      ['SET', 'k', 'v'], ['EXPIRE', 'k', '0'], ['EXISTS', 'k'],
      ['SET', 'k', 'v'], ['PEXPIRE', 'k', '0'], ['EXISTS', 'k'],
      ['SET', 'k', 'v'], ['EXPIREAT', 'k', '1'], ['EXISTS', 'k'],
      ['SET', 'k', 'v'], ['PEXPIREAT', 'k', '0', 'NX'], ['EXISTS', 'k'],
      ['SET', 'k', 'v'], ['EXPIRE', 'k', '-1', 'XX'], ['EXISTS', 'k'],
    );
  });

  test('TTL PTTL EXPIRETIME PEXPIRETIME PERSIST', async () => {
    const sec = Math.floor(Date.now() / 1000) + 100_000;
    const ms = sec * 1000;
    await same(
      ['TTL', 'nope'], ['PTTL', 'nope'], ['EXPIRETIME', 'nope'], ['PEXPIRETIME', 'nope'], ['PERSIST', 'nope'],
      ['SET', 't', 'v'], ['TTL', 't'], ['PTTL', 't'], ['EXPIRETIME', 't'], ['PEXPIRETIME', 't'], ['PERSIST', 't'],
      ['EXPIREAT', 't', sec], ['EXPIRETIME', 't'], ['PEXPIRETIME', 't'], ['TTL', 't'],
      ['PEXPIREAT', 't', ms + 499], ['EXPIRETIME', 't'], ['PEXPIRETIME', 't'],
      ['PEXPIREAT', 't', ms + 500], ['EXPIRETIME', 't'], ['PEXPIRETIME', 't'],
      ['EXPIRE', 't', '100'], ['TTL', 't'], ['PEXPIRE', 't', '100000'], ['TTL', 't'],
      ['PERSIST', 't'], ['PERSIST', 't'], ['TTL', 't'], ['PEXPIRETIME', 't'],
      ['TTL'], ['TTL', 'a', 'b'], ['PERSIST'], ['EXPIRETIME', 'a', 'b'],
    );
  });

  test('COPY: options, errors, TTL, other databases', async () => {
    await same(
      ['COPY', 'a', 'b', 'DB'], ['COPY', 'a', 'b', 'DB', 'x'], ['COPY', 'a', 'b', 'DB', '16'], ['COPY', 'a', 'b', 'DB', '-1'],
      ['COPY', 'a', 'b', 'DB', '99999999999'], ['COPY', 'a', 'b', 'FOO'], ['COPY', 'a', 'b', 'DB', '16', 'FOO'],
      ['COPY', 'a', 'b', 'FOO', 'DB', '16'], ['COPY', 'a', 'a'], ['COPY', 'a', 'a', 'DB', '0'], ['COPY', 'a', 'b'], ['COPY', 'a'],
      ['SET', 'a', 'v', 'EX', '100'], ['COPY', 'a', 'b'], ['TTL', 'b'], ['GET', 'b'], ['COPY', 'a', 'b'],
      ['SET', 'a', 'v2'], ['COPY', 'a', 'b', 'REPLACE'], ['TTL', 'b'], ['GET', 'b'],
      ['COPY', 'a', 'a', 'DB', '1'], ['COPY', 'a', 'a', 'DB', '1'], ['COPY', 'a', 'a', 'replace', 'db', '1', 'REPLACE'],
      ['SELECT', '1'], ['GET', 'a'], ['COPY', 'a', 'c', 'DB', '0'], ['SELECT', '0'], ['GET', 'c'],
    );
  });

  test('MOVE: errors, existing target, TTL', async () => {
    await same(
      ['MOVE', 'a', '0'], ['MOVE', 'a', '1'], ['MOVE', 'a', 'x'], ['MOVE', 'a', '16'], ['MOVE', 'a', '-1'],
      ['MOVE', 'a', '2147483648'], ['MOVE', 'a'],
      ['SET', 'a', 'v', 'EX', '100'], ['MOVE', 'a', '0'], ['MOVE', 'a', '1'], ['EXISTS', 'a'],
      ['SELECT', '1'], ['GET', 'a'], ['TTL', 'a'], ['SET', 'b', 'in1'], ['SELECT', '0'],
      ['SET', 'b', 'in0'], ['MOVE', 'b', '1'], ['GET', 'b'], ['SELECT', '1'], ['GET', 'b'], ['SELECT', '0'],
    );
  });

  test('SWAPDB: errors and swapped contents', async () => {
    await same(
      ['SWAPDB', 'x', '1'], ['SWAPDB', '0', 'y'], ['SWAPDB', 'x', 'y'], ['SWAPDB', '0', '16'], ['SWAPDB', '-1', '0'],
      ['SWAPDB', '2147483648', '0'], ['SWAPDB', '0', '2147483648'], ['SWAPDB', '0'], ['SWAPDB', '0', '0'],
      ['SET', 'k', 'in0'], ['SELECT', '1'], ['SET', 'k', 'in1'], ['SET', 'only1', 'x', 'EX', '100'], ['SELECT', '0'],
      ['SWAPDB', '0', '1'], ['GET', 'k'], ['TTL', 'only1'], ['DBSIZE'], ['SELECT', '1'], ['GET', 'k'], ['DBSIZE'], ['SELECT', '0'],
    );
  });

  test('FLUSHDB and FLUSHALL', async () => {
    await same(
      ['FLUSHDB', 'x'], ['FLUSHDB', 'async', 'sync'], ['FLUSHALL', 'bogus'], ['FLUSHDB', 'ASYNC'], ['FLUSHDB', 'sync'],
      ['FLUSHALL', 'ASYNC'], ['FLUSHALL', 'SYNC'],
      ['SET', 'a', '1'], ['SELECT', '1'], ['SET', 'b', '2'], ['FLUSHDB'], ['DBSIZE'], ['SELECT', '0'], ['DBSIZE'],
      ['SELECT', '2'], ['SET', 'c', '3'], ['SELECT', '0'], ['FLUSHALL'], ['DBSIZE'], ['SELECT', '2'], ['DBSIZE'], ['SELECT', '0'],
    );
  });

  test('OBJECT ENCODING / REFCOUNT / IDLETIME / FREQ / HELP', async () => {
    const values = ['hello', '12345', '0', '-1', '-0', '007', '+1', '1.5', ' 1', '9223372036854775807',
      '9223372036854775808', '-9223372036854775808', '123456789012345678901', 'x'.repeat(44), 'x'.repeat(45), '', '9999', '10000'];
    const cmds: Cmd[] = [];
    values.forEach((v, i) => cmds.push(['SET', `v${i}`, v], ['OBJECT', 'ENCODING', `v${i}`], ['OBJECT', 'REFCOUNT', `v${i}`]));
    await same(
      ...cmds,
      ['OBJECT', 'ENCODING', 'nope'], ['OBJECT', 'REFCOUNT', 'nope'], ['OBJECT', 'IDLETIME', 'nope'], ['OBJECT', 'FREQ', 'nope'],
      ['OBJECT', 'FREQ', 'v0'], ['OBJECT', 'HELP'], ['object', 'help'], ['OBJECT'],
      ['OBJECT', 'FOO'], ['OBJECT', 'FOO', 'k'], ['OBJECT', 'HELP', 'x'], ['OBJECT', 'ENCODING'], ['OBJECT', 'ENCODING', 'a', 'b'],
    );
    // Idle seconds tick on each server's own clock: a second boundary may fall between the two.
    const { ours, ref } = await d.both('OBJECT', 'IDLETIME', 'v0');
    expect(Math.abs((ours as number) - (ref as number))).toBeLessThanOrEqual(1);
    expect(ours as number).toBeLessThanOrEqual(1);
  });

  test('OBJECT under an LFU policy, REFCOUNT under an LRU policy with maxmemory', async () => {
    try {
      await same(
        ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'], ['SET', 'f', 'hello'], ['OBJECT', 'FREQ', 'f'],
        ['TOUCH', 'f'], ['OBJECT', 'FREQ', 'f'], ['EXISTS', 'f'], ['OBJECT', 'FREQ', 'f'],
        ['OBJECT', 'IDLETIME', 'f'], ['OBJECT', 'FREQ', 'nope'], ['OBJECT', 'IDLETIME', 'nope'],
        ['CONFIG', 'SET', 'maxmemory-policy', 'volatile-lru'], ['CONFIG', 'SET', 'maxmemory', '1gb'],
        ['SET', 'n', '5'], ['OBJECT', 'REFCOUNT', 'n'], ['OBJECT', 'ENCODING', 'n'],
      );
    } finally {
      await same(['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'], ['CONFIG', 'SET', 'maxmemory', '0']);
    }
  });

  test('lazy expiry on access (active expiry off): KEYS skips, reads and SCAN reclaim', async () => {
    try {
      await same(
        ['DEBUG', 'SET-ACTIVE-EXPIRE', '0'], ['SET', 'keep', 'v'],
        ...['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7'].map((k): Cmd => ['SET', k, 'v', 'PX', '30']),
      );
      await sleep(80);
      await same(['DBSIZE'], ['KEYS', '*'], ['DBSIZE'], ['EXISTS', 'l1'], ['DBSIZE'], ['TTL', 'l2'], ['DBSIZE'],
        ['DEL', 'l3'], ['RENAME', 'l4', 'x'], ['EXPIRE', 'l5', '100'], ['COPY', 'l6', 'y'], ['DBSIZE']);
      await sameScan('0', ['COUNT', '100']);
      await same(['DBSIZE']);
    } finally {
      await same(['DEBUG', 'SET-ACTIVE-EXPIRE', '1']);
    }
  });
});

describe('SCAN guarantee', () => {
  test('over 10k keys, every key present throughout is returned while others are added and deleted', async () => {
    const io = new Redis({ port: node.port });
    try {
      const stable = Array.from({ length: 10_000 }, (_, i) => `s:${i}`);
      const doomed = Array.from({ length: 2_000 }, (_, i) => `d:${i}`);
      for (let i = 0; i < stable.length; i += 1000) await io.mset(...stable.slice(i, i + 1000).flatMap((k) => [k, 'v']));
      await io.mset(...doomed.flatMap((k) => [k, 'v']));
      const seen = new Set<string>();
      let cursor = '0';
      let calls = 0;
      let added = 0;
      do {
        const [next, keys] = await io.scan(cursor, 'COUNT', 100);
        keys.forEach((k) => seen.add(k));
        cursor = next;
        calls++;
        // Deleting moves the Dict's last entry into the hole; adding appends: both at full speed.
        const pipe = io.pipeline();
        for (let j = 0; j < 20 && doomed.length > 0; j++) pipe.del(doomed.splice(Math.floor(Math.random() * doomed.length), 1)[0]);
        for (let j = 0; j < 20; j++) pipe.set(`n:${added++}`, 'v');
        await pipe.exec();
      } while (cursor !== '0' && calls < 10_000);
      expect(cursor).toBe('0');
      const missed = stable.filter((k) => !seen.has(k));
      expect(missed).toEqual([]);
      for (const k of seen) expect(k).toMatch(/^[sdn]:\d+$/);
      expect(calls).toBeLessThan(400);
    } finally {
      io.disconnect();
    }
  });

  test('the Dict cursor under random interleavings of scans, deletes and inserts', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 50; round++) {
      const dict = new Dict<number>();
      const stable: string[] = [];
      const churn: string[] = [];
      for (let i = 0; i < 500; i++) {
        const k = `${round}:${i}`;
        dict.set(k, i);
        (rand(3) === 0 ? churn : stable).push(k);
      }
      const seen = new Set<string>();
      let cursor = 0;
      let extra = 0;
      do {
        cursor = dict.scan(cursor, 1 + rand(40), (k) => seen.add(k));
        for (let j = rand(10); j > 0 && churn.length > 0; j--) dict.delete(churn.splice(rand(churn.length), 1)[0]);
        for (let j = rand(10); j > 0; j--) dict.set(`new:${extra++}`, 0);
      } while (cursor !== 0);
      expect(stable.filter((k) => !seen.has(k))).toEqual([]);
    }
  });

  test('MATCH and TYPE filter, COUNT bounds the work per call', async () => {
    const c = await RawClient.connect(node.port);
    try {
      for (let i = 0; i < 200; i++) c.send('SET', `m:${i}`, 'v');
      for (let i = 0; i < 200; i++) await c.reply();
      await c.call('SET', 'other', 'v');
      const matched = await scanAll(c, '0', ['MATCH', 'm:1*', 'COUNT', '7']);
      expect(matched).toEqual(Array.from({ length: 200 }, (_, i) => `m:${i}`).filter((k) => k.startsWith('m:1')).sort());
      expect(await scanAll(c, '0', ['TYPE', 'hash'])).toEqual([]);
      expect((await scanAll(c, '0', ['TYPE', 'string'])).length).toBe(201);
      const [, first] = (await c.call('SCAN', '0', 'COUNT', '5')) as [string, string[]];
      expect(first.length).toBe(5);
    } finally {
      c.close();
    }
  });
});

describe('expiry', () => {
  test('active expiry reclaims many short-lived keys that are never read', async () => {
    const io = new Redis({ port: node.port });
    try {
      const expiredBefore = node.server.stats.expiredKeys;
      // The cycle is paused while filling, so a slow machine cannot reclaim keys before the count.
      node.server.activeExpire = false;
      const pipe = io.pipeline();
      for (let i = 0; i < 2000; i++) pipe.set(`short:${i}`, 'v', 'PX', 50);
      for (let i = 0; i < 10; i++) pipe.set(`long:${i}`, 'v');
      await pipe.exec();
      expect(node.server.dbs[0].size).toBe(2010);
      node.server.activeExpire = true;
      await waitUntil(() => node.server.dbs[0].size === 10, 10_000, 'active expiry to reclaim 2000 keys');
      expect(node.server.stats.expiredKeys - expiredBefore).toBe(2000);
      expect((await io.keys('*')).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `long:${i}`).sort());
    } finally {
      node.server.activeExpire = true;
      io.disconnect();
    }
  });

  test('RANDOMKEY skips and reclaims expired keys; nil once all are expired', async () => {
    const c = await RawClient.connect(node.port);
    try {
      expect(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0')).toBe('OK');
      for (let i = 0; i < 200; i++) c.send('SET', `gone:${i}`, 'v', 'PX', '20');
      for (let i = 0; i < 200; i++) await c.reply();
      await c.call('SET', 'keep', 'v');
      await sleep(60);
      for (let i = 0; i < 20; i++) expect(await c.call('RANDOMKEY')).toBe('keep');
      expect(await c.call('DEL', 'keep')).toBe(1);
      expect(await c.call('RANDOMKEY')).toBe(null);
      expect(await c.call('DBSIZE')).toBe(0);
    } finally {
      await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
      c.close();
    }
  });

  test('PTTL counts down in ms; EXPIRE in the past deletes at once', async () => {
    const c = await RawClient.connect(node.port);
    try {
      await c.call('SET', 'p', 'v', 'PX', '5000');
      const pttl = (await c.call('PTTL', 'p')) as number;
      expect(pttl).toBeGreaterThan(4900);
      expect(pttl).toBeLessThanOrEqual(5000);
      expect(await c.call('TTL', 'p')).toBe(5);
      expect(await c.call('EXPIREAT', 'p', String(Math.floor(Date.now() / 1000) - 10))).toBe(1);
      expect(node.server.dbs[0].dict.has('p')).toBe(false);
    } finally {
      c.close();
    }
  });
});

/** A stand-in aggregate, as lists/hashes will be: what the keyspace commands see of them. */
class FakeList implements DataObject {
  readonly type = 'list' as const;
  constructor(readonly items: string[]) {}
  encoding(): string { return 'listpack'; }
  memoryUsage(): number { return 16 * this.items.length; }
  clone(): DataObject { return new FakeList([...this.items]); }
}

describe('aggregates through the DataObject interface', () => {
  test('TYPE, OBJECT ENCODING, SCAN TYPE, deep COPY, RENAME and MOVE keep the object', async () => {
    const c = await RawClient.connect(node.port);
    try {
      const db0 = node.server.dbs[0];
      const original = new FakeList(['a', 'b']);
      db0.set('agg', original);
      await c.call('SET', 'str', 'v');
      expect(await c.call('TYPE', 'agg')).toBe('list');
      expect(await c.call('OBJECT', 'ENCODING', 'agg')).toBe('listpack');
      expect(await c.call('OBJECT', 'REFCOUNT', 'agg')).toBe(1);
      expect(await scanAll(c, '0', ['TYPE', 'list'])).toEqual(['agg']);
      expect(await scanAll(c, '0', ['TYPE', 'LIST'])).toEqual(['agg']);
      expect(await scanAll(c, '0', ['TYPE', 'string'])).toEqual(['str']);
      expect(await c.call('COPY', 'agg', 'copied')).toBe(1);
      const copied = db0.dict.get('copied') as FakeList;
      expect(copied).toBeInstanceOf(FakeList);
      expect(copied).not.toBe(original);
      original.items.push('c');
      expect(copied.items).toEqual(['a', 'b']);
      expect(await c.call('RENAME', 'agg', 'renamed')).toBe('OK');
      expect(db0.dict.get('renamed')).toBe(original);
      expect(await c.call('MOVE', 'renamed', '1')).toBe(1);
      expect(node.server.dbs[1].dict.get('renamed')).toBe(original);
      expect(await c.call('COPY', 'copied', 'x', 'DB', '2')).toBe(1);
      expect(node.server.dbs[2].dict.get('x')).not.toBe(copied);
    } finally {
      c.close();
    }
  });
});

describe('bookkeeping', () => {
  test('dirty counts each modified key and nothing for no-op writes', async () => {
    const c = await RawClient.connect(node.port);
    const s = node.server;
    const delta = async (...cmd: string[]) => {
      const before = s.dirty;
      const reply = await c.call(...cmd);
      expect(reply).not.toBeInstanceOf(RespError);
      return s.dirty - before;
    };
    try {
      await c.call('SET', 'x', '1');
      await c.call('SET', 'w', '1');
      expect(await delta('EXPIRE', 'x', '100')).toBe(1);
      expect(await delta('EXPIRE', 'x', '10', 'GT')).toBe(0);
      expect(await delta('EXPIRE', 'nope', '100')).toBe(0);
      expect(await delta('PERSIST', 'x')).toBe(1);
      expect(await delta('PERSIST', 'x')).toBe(0);
      expect(await delta('RENAME', 'x', 'y')).toBe(1);
      expect(await delta('RENAMENX', 'y', 'w')).toBe(0);
      expect(await delta('COPY', 'y', 'z')).toBe(1);
      expect(await delta('MOVE', 'z', '1')).toBe(1);
      expect(await delta('DEL', 'y', 'w', 'nope')).toBe(2);
      expect(await delta('EXISTS', 'z')).toBe(0);
      expect(await delta('SWAPDB', '0', '1')).toBe(1);
      expect(await delta('FLUSHDB')).toBe(1);
      expect(await delta('FLUSHALL')).toBe(1);
    } finally {
      c.close();
    }
  });

  test('FLUSHDB is propagated once, even when the database was already empty', async () => {
    const c = await RawClient.connect(node.port);
    const seen: string[][] = [];
    const onPropagate = (_db: number, argv: string[]) => seen.push(argv);
    node.server.on('propagate', onPropagate);
    try {
      await c.call('FLUSHDB');
      await c.call('SET', 'k', 'v');
      await c.call('FLUSHDB', 'ASYNC');
      expect(seen.map((a) => a.join(' '))).toEqual(['FLUSHDB', 'SET k v', 'FLUSHDB ASYNC']);
    } finally {
      node.server.off('propagate', onPropagate);
      c.close();
    }
  });

  test('EXISTS, TYPE and TTL count keyspace hits and misses; write lookups do not', async () => {
    const c = await RawClient.connect(node.port);
    const st = node.server.stats;
    try {
      await c.call('SET', 'h', 'v');
      const [hits, misses] = [st.keyspaceHits, st.keyspaceMisses];
      await c.call('EXISTS', 'h', 'nope');
      await c.call('TYPE', 'h');
      await c.call('TTL', 'nope');
      await c.call('EXPIRE', 'h', '100');
      await c.call('RENAME', 'h', 'h2');
      expect([st.keyspaceHits - hits, st.keyspaceMisses - misses]).toEqual([2, 2]);
    } finally {
      c.close();
    }
  });

  test('SWAPDB is seen at once by a client selected on the other database', async () => {
    const a = await RawClient.connect(node.port);
    const b = await RawClient.connect(node.port);
    try {
      await a.call('SET', 'k', 'from0');
      expect(await b.call('SELECT', '1')).toBe('OK');
      expect(await b.call('GET', 'k')).toBe(null);
      expect(await a.call('SWAPDB', '0', '1')).toBe('OK');
      expect(await b.call('GET', 'k')).toBe('from0');
      expect(await a.call('EXISTS', 'k')).toBe(0);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('cluster mode', () => {
  test('MOVE, SWAPDB and COPY to another database are refused', async () => {
    const n = await startNode(['--cluster-enabled', 'yes']);
    const c = await RawClient.connect(n.port);
    try {
      // A slot-aware node serves only slots it owns, and keys of one command must share a slot.
      expect(await c.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383')).toBe('OK');
      await c.call('SET', 'k', 'v');
      const err = async (...cmd: string[]) => ((await c.call(...cmd)) as RespError).message;
      expect(await err('MOVE', 'k', '1')).toBe('ERR MOVE is not allowed in cluster mode');
      expect(await err('SWAPDB', '0', '1')).toBe('ERR SWAPDB is not allowed in cluster mode');
      expect(await err('COPY', '{k}', '{k}2', 'DB', '1')).toBe('ERR Copying to another database is not allowed in cluster mode');
      expect(await c.call('SET', '{k}', 'v')).toBe('OK');
      expect(await c.call('COPY', '{k}', '{k}2', 'DB', '0')).toBe(1);
    } finally {
      c.close();
      await n.stop();
    }
  });
});

describe('clients', () => {
  test('ioredis', async () => {
    const io = new Redis({ port: node.port });
    try {
      await io.mset('user:1', 'a', 'user:2', 'b', 'other', 'c');
      const streamed: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const s = io.scanStream({ match: 'user:*', count: 1 });
        s.on('data', (keys: string[]) => streamed.push(...keys));
        s.on('end', resolve);
        s.on('error', reject);
      });
      expect(streamed.sort()).toEqual(['user:1', 'user:2']);
      expect((await io.keys('user:?')).sort()).toEqual(['user:1', 'user:2']);
      expect(await io.expire('user:1', 100, 'NX')).toBe(1);
      expect(await io.expire('user:1', 50, 'GT')).toBe(0);
      expect(await io.ttl('user:1')).toBe(100);
      expect(await io.pexpiretime('user:2')).toBe(-1);
      expect(await io.copy('user:1', 'copy:1', 'REPLACE')).toBe(1);
      expect(await io.object('ENCODING', 'user:1')).toBe('embstr');
      expect(await io.type('other')).toBe('string');
      expect(await io.rename('other', 'renamed')).toBe('OK');
      expect(await io.exists('renamed', 'renamed', 'nope')).toBe(2);
      expect(['user:1', 'user:2', 'copy:1', 'renamed']).toContain(await io.randomkey());
      expect(await io.move('renamed', 3)).toBe(1);
      expect(await io.dbsize()).toBe(3);
      expect(await io.flushall('ASYNC')).toBe('OK');
      expect(await io.dbsize()).toBe(0);
    } finally {
      io.disconnect();
    }
  });

  test('node-redis', async () => {
    const nr = createClient({ socket: { port: node.port } });
    await nr.connect();
    try {
      await nr.mSet({ 'k:1': 'a', 'k:2': 'b', 'k:3': 'c', other: 'd' });
      const scanned: string[] = [];
      for await (const keys of nr.scanIterator({ MATCH: 'k:*', COUNT: 2 })) scanned.push(...keys);
      expect(scanned.sort()).toEqual(['k:1', 'k:2', 'k:3']);
      expect(await nr.exists(['k:1', 'k:1', 'nope'])).toBe(2);
      expect(await nr.expire('k:1', 100, 'NX')).toBe(1);
      expect(await nr.pExpire('k:1', 50_000, 'LT')).toBe(1);
      expect(await nr.ttl('k:1')).toBe(50);
      expect(await nr.persist('k:1')).toBe(1);
      expect(await nr.copy('k:1', 'k:1', { DB: 1, REPLACE: true })).toBe(1);
      expect(await nr.objectEncoding('k:1')).toBe('embstr');
      expect(await nr.objectRefCount('k:1')).toBe(1);
      expect(await nr.type('nope')).toBe('none');
      expect(await nr.renameNX('k:2', 'k:3')).toBe(0);
      expect(await nr.unlink(['k:2', 'k:3'])).toBe(2);
      expect(await nr.touch(['k:1', 'other'])).toBe(2);
      expect(await nr.swapDb(0, 1)).toBe('OK');
      expect(await nr.dbSize()).toBe(1);
      expect(await nr.randomKey()).toBe('k:1');
      expect(await nr.flushDb()).toBe('OK');
      expect(await nr.dbSize()).toBe(0);
    } finally {
      await nr.quit();
    }
  });
});

