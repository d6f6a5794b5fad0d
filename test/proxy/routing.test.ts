/**
 * The proxy over three groups (our nodes): unmodified ioredis, node-redis and redis-cli get one
 * Redis; keys land on their slot's owner; pipelines keep order; multi-key commands split and merge.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { keySlot, SLOT_COUNT } from '../../lib/slot/index.js';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { startStaticProxy, type InProcessProxy } from '../helpers/proxy.js';
import { RawClient } from '../helpers/raw-client.js';

const run = promisify(execFile);
let nodes: InProcessNode[] = [];
let direct: Redis[] = [];
let proxy: InProcessProxy;
let r: Redis;

/** Which of the three nodes owns a key under the static table. */
const ownerOf = (key: string) => Math.floor((keySlot(key) * 3) / SLOT_COUNT);

beforeAll(async () => {
  nodes = await Promise.all([startNode(), startNode(), startNode()]);
  direct = nodes.map((n) => new Redis({ port: n.port }));
  proxy = await startStaticProxy(nodes.map((n) => n.port));
  r = new Redis({ port: proxy.port });
});

afterAll(async () => {
  r?.disconnect();
  direct.forEach((d) => d.disconnect());
  await proxy?.stop();
  await Promise.all(nodes.map((n) => n.stop()));
});

beforeEach(async () => {
  await r.flushall();
});

describe('routing', () => {
  test('every key lands on its owner and nowhere else', async () => {
    const keys = Array.from({ length: 300 }, (_, i) => `key:${i}`);
    for (const k of keys) await r.set(k, `v-${k}`);
    for (const k of keys) {
      const owner = ownerOf(k);
      for (let n = 0; n < 3; n++) expect(await direct[n].get(k)).toBe(n === owner ? `v-${k}` : null);
    }
    const sizes = await Promise.all(direct.map((d) => d.dbsize()));
    expect(sizes.every((s) => s > 50)).toBe(true);
    expect(await r.dbsize()).toBe(300);
  });

  test('a 10k mixed pipeline keeps its order across groups', async () => {
    const p = r.pipeline();
    const expected: unknown[] = [];
    for (let i = 0; i < 10_000; i++) {
      const k = `p:${(i - (i % 4)) % 500}`;
      switch (i % 4) {
        case 0: p.incr(k); break;
        case 1: p.get(k); break;
        case 2: p.set(`s:${i}`, String(i)); break;
        default: p.get(`s:${i - 1}`);
      }
    }
    const res = (await p.exec())!;
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const k = `p:${(i - (i % 4)) % 500}`;
      if (i % 4 === 0) counts.set(k, (counts.get(k) ?? 0) + 1);
      expected.push(i % 4 === 0 ? counts.get(k) : i % 4 === 1 ? String(counts.get(k)) : i % 4 === 2 ? 'OK' : String(i - 1));
    }
    expect(res.map(([err, v]) => err ?? v)).toEqual(expected);
  });

  test('MGET of 1000 keys over all groups, with gaps, in key order', async () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `m:${i}`);
    const args: string[] = [];
    keys.forEach((k, i) => i % 3 !== 0 && args.push(k, `val${i}`));
    await r.mset(...args);
    const got = await r.mget(...keys);
    expect(got).toEqual(keys.map((_, i) => (i % 3 !== 0 ? `val${i}` : null)));
    const owners = new Set(keys.map(ownerOf));
    expect(owners.size).toBe(3);
  });

  test('MGET merges binary, empty, large and missing values over groups, in RESP2 and RESP3', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => `mb:${i}`);
    const values = [
      Buffer.from([13, 10, 36, 42, 0, 255]),
      Buffer.alloc(0),
      Buffer.alloc(200, 'x'),
      Buffer.alloc(100_000, 'y'),
      Buffer.from('$-1\r\n'),
    ];
    const expected = keys.map((_, i) => (i % 6 === 5 ? null : values[i % 6 === 5 ? 0 : i % values.length]));
    for (let i = 0; i < keys.length; i++) if (expected[i] !== null) await r.set(keys[i], expected[i]!);
    expect(new Set(keys.map(ownerOf)).size).toBe(3);
    expect(await r.mgetBuffer(...keys)).toEqual(expected);
    const c = await RawClient.connect(proxy.port);
    try {
      await c.call('HELLO', '3');
      const want = `*4\r\n$6\r\n${values[0].toString('latin1')}\r\n_\r\n$0\r\n\r\n_\r\n`;
      c.send('MGET', 'mb:0', 'mb:5', 'mb:1', 'nope');
      const bytes = await c.rawUntil((b) => b.length >= want.length);
      expect(bytes.toString('latin1')).toBe(want);
    } finally {
      c.close();
    }
  });

  test('DEL, UNLINK, EXISTS, TOUCH sum over groups', async () => {
    await r.mset('a', '1', 'b', '2', 'c', '3', 'd', '4');
    expect(await r.exists('a', 'b', 'c', 'd', 'zz', 'a')).toBe(5);
    expect(await r.touch('a', 'b', 'zz')).toBe(2);
    expect(await r.unlink('a', 'zz')).toBe(1);
    expect(await r.del('b', 'c', 'd')).toBe(3);
    expect(await r.dbsize()).toBe(0);
  });

  test('multi-key commands other than the split ones need one slot', async () => {
    await expect(r.sunionstore('dst', 'a', 'b')).rejects.toThrow("CROSSSLOT Keys in request don't hash to the same slot");
    await r.sadd('{u}a', 'x');
    await r.sadd('{u}b', 'y');
    expect((await r.sunion('{u}a', '{u}b')).sort()).toEqual(['x', 'y']);
    expect(await r.rename('{u}a', '{u}c')).toBe('OK');
  });

  test('binary keys and values pass unchanged', async () => {
    const key = Buffer.from([0, 1, 2, 13, 10, 255]);
    const val = Buffer.from([255, 0, 13, 10, 36, 42]);
    await r.set(key, val);
    expect(await r.getBuffer(key)).toEqual(val);
  });

  test('a big value (4 MB) round-trips', async () => {
    const v = 'x'.repeat(4 * 1024 * 1024);
    await r.set('big', v);
    expect((await r.get('big'))!.length).toBe(v.length);
  });
});

describe('clients unchanged', () => {
  test('node-redis', async () => {
    const c = createClient({ socket: { port: proxy.port } });
    await c.connect();
    try {
      await c.set('nr', 'hello');
      expect(await c.get('nr')).toBe('hello');
      expect(await c.mGet(['nr', 'missing'])).toEqual(['hello', null]);
      await c.hSet('h', { f1: 'a', f2: 'b' });
      expect(await c.hGetAll('h')).toEqual({ f1: 'a', f2: 'b' });
    } finally {
      await c.quit();
    }
  });

  test('node-redis over RESP3', async () => {
    const c = createClient({ socket: { port: proxy.port }, RESP: 3 });
    await c.connect();
    try {
      await c.hSet('h3', { f: 'v' });
      expect(await c.hGetAll('h3')).toEqual({ f: 'v' });
      await c.zAdd('z3', [{ score: 1.5, value: 'm' }]);
      expect(await c.zScore('z3', 'm')).toBe(1.5);
    } finally {
      await c.quit();
    }
  });

  test('redis-cli', async () => {
    const port = String(proxy.port);
    expect((await run('redis-cli', ['-p', port, 'SET', 'cli', 'v'])).stdout.trim()).toBe('OK');
    expect((await run('redis-cli', ['-p', port, 'GET', 'cli'])).stdout.trim()).toBe('v');
    expect((await run('redis-cli', ['-p', port, 'DBSIZE'])).stdout.trim()).toBe('1');
  });

  test('raw RESP3 after HELLO 3: maps come back as maps', async () => {
    const c = await RawClient.connect(proxy.port);
    try {
      const hello = await c.call('HELLO', '3');
      expect(Array.isArray(hello) || typeof hello === 'object').toBe(true);
      await c.call('HSET', 'rh', 'f', 'v');
      const bytes = await (async () => {
        c.send('HGETALL', 'rh');
        return c.rawUntil((b) => b.toString().endsWith('v\r\n'));
      })();
      expect(bytes.toString()).toBe('%1\r\n$1\r\nf\r\n$1\r\nv\r\n');
    } finally {
      c.close();
    }
  });
});
