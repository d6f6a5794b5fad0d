/**
 * String commands, differentially against a real redis-server 7: every command, its errors and
 * edge cases go to both servers and the replies must be identical. Key state after a write (value,
 * whether a TTL is set) is compared too: ours is read from the in-process keyspace, Redis's with
 * GET/TYPE/PTTL (slotgate's own TTL commands live in another module).
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataObject } from '../../nodes/keyspace/types.js';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { waitUntil } from '../helpers/guarded-process.js';
import { RawClient, type Reply } from '../helpers/raw-client.js';
import { rawBytes } from '../helpers/resp-bytes.js';
import { Differ, startRedis, type RedisServer } from '../helpers/redis-server.js';

let node: InProcessNode;
let redis: RedisServer;
let d: Differ;
/** Clients in buffer mode: bulk replies compared byte for byte (binary values). */
let oursBin: RawClient;
let refBin: RawClient;

beforeAll(async () => {
  [node, redis] = await Promise.all([startNode(), startRedis()]);
  d = await Differ.connect(node.port, redis.port);
  oursBin = await RawClient.connect(node.port, { buffers: true });
  refBin = await RawClient.connect(redis.port, { buffers: true });
});

afterAll(async () => {
  d?.close();
  oursBin?.close();
  refBin?.close();
  await Promise.all([node?.stop(), redis?.stop()]);
});

beforeEach(async () => {
  for (const db of node.server.dbs) db.clear();
  await d.ref.call('FLUSHALL');
});

type Arg = string | number;

/** Sends one command to both servers and expects the same reply; returns it. */
async function same(...args: Arg[]): Promise<Reply> {
  const { ours, ref } = await d.both(...args);
  expect(ours, args.join(' ')).toEqual(ref);
  return ref;
}

/** Like same(), comparing bulk replies as bytes. */
async function sameBin(...args: Arg[]): Promise<Reply> {
  const [ours, ref] = await Promise.all([oursBin.call(...args), refBin.call(...args)]);
  expect(ours, JSON.stringify(args)).toEqual(ref);
  return ref;
}

/** A non-string value for our keyspace (no other types exist in this module's scope). */
const fakeList: DataObject = {
  type: 'list',
  encoding: () => 'quicklist',
  memoryUsage: () => 0,
  clone: () => fakeList,
};

/** Puts a list at `key` on both servers, for WRONGTYPE cases. */
async function makeList(key: string): Promise<void> {
  node.server.dbs[0].set(key, fakeList);
  await d.ref.call('RPUSH', key, 'x');
}

/** 'missing' | 'persistent' | 'volatile', and the value: the state a write left behind. */
async function state(key: string): Promise<{ ours: unknown; ref: unknown }> {
  const db = node.server.dbs[0];
  const v = db.peek(key);
  const ours = v === undefined ? ['missing'] : [typeof v === 'string' ? v : v.type, db.getExpire(key) === undefined ? 'persistent' : 'volatile'];
  const type = await d.ref.call('TYPE', key);
  if (type === 'none') return { ours, ref: ['missing'] };
  const pttl = (await d.ref.call('PTTL', key)) as number;
  const val = type === 'string' ? await d.ref.call('GET', key) : type;
  return { ours, ref: [val, pttl === -1 ? 'persistent' : 'volatile'] };
}

async function sameState(key: string, context = ''): Promise<void> {
  const { ours, ref } = await state(key);
  expect(ours, `state of ${key} ${context}`).toEqual(ref);
}


async function sameBytes(cmds: Arg[][], resp3 = false): Promise<string> {
  const [ours, ref] = await Promise.all([rawBytes(node.port, cmds, resp3), rawBytes(redis.port, cmds, resp3)]);
  expect(ours, JSON.stringify(cmds)).toEqual(ref);
  return ref;
}

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

describe('GET and SET', () => {
  it('plain GET/SET, overwrite, wrong type', async () => {
    await same('GET', 'k');
    await same('SET', 'k', 'v1');
    await same('GET', 'k');
    await same('SET', 'k', 'v2');
    await same('GET', 'k');
    await same('SET', 'k', '');
    await same('GET', 'k');
    await makeList('l');
    await same('GET', 'l');
    await same('SET', 'l', 'now a string');
    await same('GET', 'l');
    await sameState('l');
    await same('GET');
    await same('SET', 'k');
    await same('GET', 'a', 'b');
  });

  it('SET with every combination of up to three options, on every kind of key', async () => {
    const future = Math.floor(Date.now() / 1000) + 3600;
    const opts: Arg[][] = [['NX'], ['XX'], ['GET'], ['KEEPTTL'], ['EX', 100], ['PX', 100000], ['EXAT', future], ['PXAT', future * 1000]];
    const seqs: Arg[][][] = [];
    for (const a of opts) {
      seqs.push([a]);
      for (const b of opts) {
        if (b === a) continue;
        seqs.push([a, b]);
        for (const c of opts) if (c !== a && c !== b) seqs.push([a, b, c]);
      }
    }
    const setups: [string, () => Promise<void>][] = [
      ['missing', async () => {}],
      ['string', async () => { await same('SET', 'k', 'old'); }],
      ['volatile string', async () => { await same('SET', 'k', 'old', 'EX', 1000); }],
      ['list', () => makeList('k')],
    ];
    for (const [name, setup] of setups) {
      for (const seq of seqs) {
        node.server.dbs[0].clear();
        await d.ref.call('FLUSHALL');
        await setup();
        const args = ['SET', 'k', 'new', ...seq.flat()];
        await same(...args);
        await sameState('k', `after ${args.join(' ')} on a ${name} key`);
      }
    }
  });

  it('SET option repetition, case and syntax errors', async () => {
    await same('SET', 'k', 'v', 'EX');
    await same('SET', 'k', 'v', 'PXAT');
    await same('SET', 'k', 'v', 'FOO');
    await same('SET', 'k', 'v', 'NX', 'XX');
    await same('SET', 'k', 'v', 'XX', 'NX');
    await same('SET', 'k', 'v', 'EX', 10, 'PX', 100);
    await same('SET', 'k', 'v', 'KEEPTTL', 'EX', 10);
    await same('SET', 'k', 'v', 'EX', 10, 'KEEPTTL');
    await same('SET', 'k', 'v', 'PERSIST');
    await same('SET', 'k', 'v', 'nx', 'get', 'Ex', 100);
    await same('SET', 'k', 'v', 'NX', 'NX');
    await same('SET', 'k', 'v2', 'XX', 'XX', 'GET', 'GET');
    await same('SET', 'k', 'v3', 'EX', 10, 'EX', 20);
    await same('SET', 'k', 'v4', 'KEEPTTL', 'KEEPTTL');
    await sameState('k');
    await same('SET', 'k', 'v', 'EX', 'NX');
    await same('SET', 'k', 'v', 'NXX');
    await same('SET', 'k', 'v', 'EX', 10, 'EX');
  });

  it('SET expire values: zero, negative, non-integer, overflow, past absolute times', async () => {
    for (const opt of ['EX', 'PX', 'EXAT', 'PXAT']) {
      for (const v of ['0', '-1', '-9223372036854775808', 'abc', '1.5', '', ' 1', '+1', '01', '9223372036854775808',
        '9223372036854775', '9223372036854776', '9223372036854775807']) {
        await same('SET', 'k', 'v', opt, v);
        await sameState('k', `${opt} ${v}`);
      }
      // The error wins over GET's reply and over WRONGTYPE.
      await makeList('l');
      await same('SET', 'l', 'v', 'GET', opt, '0');
    }
    await same('SET', 'k', 'v', 'EXAT', 1);
    await same('GET', 'k');
    await same('SET', 'k', 'v', 'PXAT', 1, 'GET');
    await same('GET', 'k');
  });

  it('SET GET on the wrong type changes nothing', async () => {
    await makeList('l');
    await same('SET', 'l', 'v', 'GET');
    await same('SET', 'l', 'v', 'NX', 'GET');
    await same('SET', 'l', 'v', 'XX', 'GET', 'EX', 10);
    await sameState('l');
  });

  it('counts keyspace hits and misses on reads, not on writes', async () => {
    const stats = node.server.stats;
    const hits = stats.keyspaceHits;
    const misses = stats.keyspaceMisses;
    await d.ours.call('SET', 'h', 'v');
    await d.ours.call('GET', 'h');
    await d.ours.call('GET', 'nope');
    await d.ours.call('MGET', 'h', 'nope', 'h');
    await d.ours.call('INCR', 'counter');
    expect(stats.keyspaceHits - hits).toBe(3);
    expect(stats.keyspaceMisses - misses).toBe(2);
  });
});

describe('SETNX, SETEX, PSETEX, GETSET, GETDEL', () => {
  it('SETNX', async () => {
    await same('SETNX', 'k', 'a');
    await same('SETNX', 'k', 'b');
    await same('GET', 'k');
    await makeList('l');
    await same('SETNX', 'l', 'b');
    await same('SETNX', 'k');
  });

  it('SETEX and PSETEX, with their expire errors', async () => {
    for (const cmd of ['SETEX', 'PSETEX']) {
      for (const t of ['0', '-5', 'abc', '9223372036854775807', '9223372036854776', '100000']) {
        await same(cmd, 'k', t, 'v');
        await sameState('k', `${cmd} ${t}`);
      }
      await same(cmd, 'k', '10');
      await same(cmd, 'k', '10', 'v', 'extra');
    }
    await makeList('l');
    await same('SETEX', 'l', 100, 'now a string');
    await sameState('l');
  });

  it('GETSET clears the TTL; GETDEL deletes; both refuse the wrong type', async () => {
    await same('GETSET', 'k', 'a');
    await same('SETEX', 'k', 100, 'b');
    await same('GETSET', 'k', 'c');
    await sameState('k');
    await makeList('l');
    await same('GETSET', 'l', 'x');
    await sameState('l');
    await same('GETDEL', 'k');
    await same('GETDEL', 'k');
    await same('SET', 'e', '');
    await same('GETDEL', 'e');
    await sameState('e');
    await same('GETDEL', 'l');
    await sameState('l');
  });
});

describe('GETEX', () => {
  it('every option, and the order of checks', async () => {
    const future = Math.floor(Date.now() / 1000) + 3600;
    await same('GETEX', 'k');
    await same('GETEX', 'k', 'EX', 0); // a missing key replies nil before the expire is checked
    await same('SET', 'k', 'v');
    for (const opts of [[], ['EX', 100], ['PERSIST'], ['PX', 100000], ['PERSIST'], ['EXAT', future], ['PXAT', future * 1000],
      ['PERSIST', 'PERSIST'], ['EX', 10, 'EX', 20], ['ex', 5], ['persist']] as Arg[][]) {
      await same('GETEX', 'k', ...opts);
      await sameState('k', `GETEX k ${opts.join(' ')}`);
    }
    for (const bad of [['EX', 0], ['EX', -1], ['PX', 'x'], ['EX', '9223372036854775807'], ['PX', '9223372036854775807'],
      ['EX', 10, 'PX', 10], ['PERSIST', 'EX', 10], ['EX', 10, 'PERSIST'], ['KEEPTTL'], ['NX'], ['GET'], ['EX'], ['FOO']] as Arg[][]) {
      await same('GETEX', 'k', ...bad);
      await sameState('k', `GETEX k ${bad.join(' ')}`);
    }
    await makeList('l');
    await same('GETEX', 'l');
    await same('GETEX', 'l', 'EX', 0);
    await same('GETEX', 'l', 'FOO');
  });

  it('an absolute time in the past deletes the key', async () => {
    await same('SET', 'k', 'v');
    await same('GETEX', 'k', 'EXAT', 1);
    await sameState('k');
    await same('SET', 'k', 'v');
    await same('GETEX', 'k', 'PXAT', Date.now() - 1000);
    await sameState('k');
  });
});

describe('MGET, MSET, MSETNX', () => {
  it('MGET returns nil for missing keys and other types', async () => {
    await same('MSET', 'a', '1', 'b', '2');
    await makeList('l');
    await same('MGET', 'a', 'nope', 'l', 'b', 'a');
    await same('MGET');
  });

  it('MSET: arity, duplicates, clears TTLs, overwrites other types', async () => {
    await same('MSET', 'a');
    await same('MSET', 'a', '1', 'b');
    await same('SETEX', 'a', 100, 'x');
    await makeList('l');
    await same('MSET', 'a', '1', 'a', '2', 'l', '3');
    await sameState('a');
    await sameState('l');
  });

  it('MSETNX sets nothing when any key exists', async () => {
    await same('MSETNX', 'a', '1', 'b', '2');
    await same('MSETNX', 'b', 'x', 'c', '3');
    await same('MGET', 'a', 'b', 'c');
    await makeList('l');
    await same('MSETNX', 'd', '4', 'l', '5');
    await same('MGET', 'd');
    await same('MSETNX', 'd', '4', 'd', '5');
    await same('GET', 'd');
    await same('MSETNX', 'e', '1', 'f');
    await sameState('e');
  });
});

describe('APPEND, STRLEN, GETRANGE, SETRANGE', () => {
  it('APPEND creates, extends, keeps the TTL, refuses the wrong type', async () => {
    await same('APPEND', 'k', 'Hello');
    await same('APPEND', 'k', ' World');
    await same('APPEND', 'k', '');
    await same('PSETEX', 'v', 100000, 'x');
    await same('APPEND', 'v', 'yz');
    await sameState('v');
    await same('SET', 'n', 41);
    await same('APPEND', 'n', '2');
    await same('INCR', 'n');
    await makeList('l');
    await same('APPEND', 'l', 'x');
    await same('APPEND', 'e', '');
    await sameState('e');
  });

  it('STRLEN', async () => {
    await same('STRLEN', 'k');
    await same('SET', 'k', 'Hello World');
    await same('STRLEN', 'k');
    await same('SET', 'n', '-12345');
    await same('STRLEN', 'n');
    await makeList('l');
    await same('STRLEN', 'l');
  });

  it('GETRANGE and SUBSTR over positive, negative and extreme indexes', async () => {
    await same('SET', 's', 'This is a string');
    await same('SET', 'e', '');
    await same('SET', 'one', 'x');
    const idx = ['0', '1', '3', '-1', '-3', '-16', '-17', '-100', '15', '16', '100',
      '9223372036854775807', '-9223372036854775808'];
    for (const key of ['s', 'e', 'one', 'missing']) {
      for (const a of idx) {
        for (const b of idx) await same('GETRANGE', key, a, b);
      }
    }
    await same('SUBSTR', 's', 0, 3);
    await same('SUBSTR', 's', -3, -1);
    await same('GETRANGE', 's', 'a', 1);
    await same('GETRANGE', 's', 0, '1.5');
    await same('GETRANGE', 'missing', 'x', 1);
    await same('GETRANGE', 's', '9223372036854775808', 1);
    await makeList('l');
    await same('GETRANGE', 'l', 0, 1);
    await same('GETRANGE', 'l', 'x', 1);
    await same('GETRANGE', 's', 0);
  });

  it('SETRANGE pads with zero bytes, keeps the TTL, and checks its arguments first', async () => {
    await sameBin('SETRANGE', 'k', 5, 'abc');
    await sameBin('GET', 'k');
    await sameBin('SETRANGE', 'k', 0, 'XY');
    await sameBin('SETRANGE', 'k', 6, '1234567');
    await sameBin('SETRANGE', 'k', 20, 'end');
    await sameBin('GET', 'k');
    await sameBin('SETRANGE', 'k', 3, '');
    await sameBin('SETRANGE', 'k', 1000, '');
    await sameBin('SETRANGE', 'missing', 10, '');
    await sameState('missing');
    await sameBin('SETRANGE', 'missing', 0, '');
    await same('SETEX', 'v', 1000, 'hello');
    await same('SETRANGE', 'v', 1, 'ipp');
    await sameState('v');
    await same('SET', 'n', 12345);
    await same('SETRANGE', 'n', 1, 'x');
    await same('GET', 'n');
    await same('SETRANGE', 'k', -1, 'x');
    await same('SETRANGE', 'k', 'x', 'x');
    await same('SETRANGE', 'k', '9223372036854775808', 'x');
    await makeList('l');
    await same('SETRANGE', 'l', 0, 'x');
    await same('SETRANGE', 'l', 0, '');
    await same('SETRANGE', 'l', -1, 'x');
  });

  it('SETRANGE and APPEND refuse results beyond proto-max-bulk-len', async () => {
    await same('SETRANGE', 'big', 536870912, 'x');
    await same('SETRANGE', 'big', '9223372036854775807', 'x');
    await same('SET', 'k', 'abc');
    await same('SETRANGE', 'k', 536870910, 'xyz');
    await same('SETRANGE', 'k', 536870910, '');
    await sameState('k');
  });

  it('APPEND, SETRANGE and LCS follow a lowered proto-max-bulk-len', async () => {
    expect(node.server.config.set([['proto-max-bulk-len', '1mb']])).toBeNull();
    await d.ref.call('CONFIG', 'SET', 'proto-max-bulk-len', '1mb');
    try {
      await same('SET', 'a', 'x'.repeat(700_000));
      await same('APPEND', 'a', 'y'.repeat(400_000));
      await same('APPEND', 'a', 'y'.repeat(1024 * 1024 - 700_000));
      await same('APPEND', 'a', '');
      await same('APPEND', 'a', 'z');
      await same('SETRANGE', 'b', 1024 * 1024 - 1, 'z');
      await same('SETRANGE', 'b', 1024 * 1024 - 1, 'zz');
      await same('SETRANGE', 'c', 1024 * 1024, 'z');
      await same('STRLEN', 'a');
      await same('STRLEN', 'b');
      await same('MSET', 'x', 'ab'.repeat(250), 'y', 'ba'.repeat(250));
      await same('LCS', 'x', 'y', 'LEN');
      await same('MSET', 'x', 'ab'.repeat(300), 'y', 'ba'.repeat(300));
      await same('LCS', 'x', 'y', 'LEN');
    } finally {
      node.server.config.set([['proto-max-bulk-len', '512mb']]);
      await d.ref.call('CONFIG', 'SET', 'proto-max-bulk-len', '512mb');
    }
  });

  it('binary values with NUL, CR LF and high bytes round-trip', async () => {
    const bin = 'a\0b\r\nc\xff\x80\x00\r\n$-1\r\n';
    await sameBin('SET', 'b', bin);
    await sameBin('GET', 'b');
    await sameBin('STRLEN', 'b');
    await sameBin('APPEND', 'b', '\0\0\r\n');
    await sameBin('GETRANGE', 'b', 1, -3);
    await sameBin('SETRANGE', 'b', 2, '\r\n\0');
    await sameBin('GET', 'b');
    await sameBin('MSET', 'x\0y', '\r\n', 'x\0z', '\0');
    await sameBin('MGET', 'x\0y', 'x\0z', 'x');
    await sameBin('GETSET', 'x\0y', '\xfe');
    await sameBin('GETDEL', 'x\0y');
    await sameBin('SET', 'l1', 'ab\0\r\ncd\xff');
    await sameBin('SET', 'l2', 'a\0\r\xffd');
    await sameBin('LCS', 'l1', 'l2');
  });
});

describe('INCR, DECR, INCRBY, DECRBY', () => {
  it('counts, creates, keeps the TTL', async () => {
    await same('INCR', 'c');
    await same('INCRBY', 'c', 41);
    await same('DECR', 'c');
    await same('DECRBY', 'c', -10);
    await same('DECRBY', 'c', 100);
    await same('GET', 'c');
    await same('DECR', 'd');
    await same('SETEX', 't', 1000, '10');
    await same('INCR', 't');
    await sameState('t');
    await same('INCRBY', 'z', 0);
    await same('INCRBY', 'z', '-0');
  });

  it('at the signed 64-bit boundaries, with exact replies', async () => {
    await sameBytes([
      ['SET', 'c', '9223372036854775806'], ['INCR', 'c'], ['INCR', 'c'], ['GET', 'c'], ['INCRBY', 'c', -1],
      ['SET', 'c', '-9223372036854775807'], ['DECR', 'c'], ['DECR', 'c'], ['DECRBY', 'c', 1], ['INCRBY', 'c', '9223372036854775807'],
      ['SET', 'c', '0'], ['INCRBY', 'c', '9223372036854775807'], ['INCRBY', 'c', 1], ['INCRBY', 'c', '-9223372036854775808'],
      ['SET', 'c', '0'], ['INCRBY', 'c', '-9223372036854775808'], ['DECRBY', 'c', '1'], ['GET', 'c'],
      ['DECRBY', 'c', '-9223372036854775808'], ['DECRBY', 'fresh', '-9223372036854775808'], ['DECRBY', 'fresh', '9223372036854775807'],
      ['SET', 'c', '9007199254740991'], ['INCR', 'c'], ['INCR', 'c'], ['INCRBY', 'c', '9007199254740993'], ['DECRBY', 'c', '-4503599627370497'],
      ['SET', 'c', '-9007199254740992'], ['DECR', 'c'], ['INCRBY', 'c', '-9223372036854775000'], ['INCRBY', 'c', '-9223372036854775808'],
    ]);
  });

  it('refuses values and increments that are not 64-bit integers', async () => {
    for (const v of ['', 'abc', ' 1', '1 ', '+1', '01', '-0', '1.0', '1e3', '0x10', '9223372036854775808', '-9223372036854775809',
      '99999999999999999999', '-', '1\0', '\r\n']) {
      await same('SET', 'c', v);
      await same('INCR', 'c');
      await same('DECRBY', 'c', 2);
      await same('INCRBY', 'x', v);
      await same('DECRBY', 'x', v);
    }
    await makeList('l');
    await same('INCR', 'l');
    await same('INCRBY', 'l', 'abc'); // the increment is checked before the key
    await same('DECRBY', 'l', '-9223372036854775808');
    await same('INCRBY', 'x');
  });
});

describe('INCRBYFLOAT', () => {
  it('the documented examples and long double printing', async () => {
    await same('SET', 'f', '10.50');
    await same('INCRBYFLOAT', 'f', '0.1');
    await same('INCRBYFLOAT', 'f', '-5');
    await same('SET', 'f', '5.0e3');
    await same('INCRBYFLOAT', 'f', '2.0e2');
    await same('SET', 'f', '0.1');
    await same('INCRBYFLOAT', 'f', '0.2'); // "0.3": long double, not 0.30000000000000004
    await same('INCRBYFLOAT', 'g', '-1e-30'); // "-0" is printed as "0"
    await same('INCRBYFLOAT', 'g', '0.000003814697265625'); // a tie at the 17th decimal: half to even
    await same('INCRBYFLOAT', 'h', '1e400'); // beyond double, within long double
    await same('INCRBYFLOAT', 'h', '1e4932');
    await same('INCRBYFLOAT', 'i', '1.18973149535723176502e4932');
    await same('INCRBYFLOAT', 'j', '0x1.8p3');
    await same('INCRBYFLOAT', 'j', '-0X.8P-1');
    await same('INCRBYFLOAT', 'k', '+.5');
    await same('INCRBYFLOAT', 'k', '5.');
    await same('INCRBYFLOAT', 'k', '-0');
    await same('INCRBYFLOAT', 'k', '3.65e-4951');
    await same('INCRBYFLOAT', 'm', '123456789012345678901234567890');
    await same('INCRBYFLOAT', 'm', '0.0000000000000000000000000000001');
    await same('SET', 'n', '9223372036854775807');
    await same('INCRBYFLOAT', 'n', '1');
  });

  it('errors: not a float, NaN or infinity, wrong type', async () => {
    for (const v of ['', 'abc', ' 1', '1 ', '1e', '.', 'e5', '0x', '0x1p', 'nan', '-nan', 'in', 'infx', '1e5000', '-1e5000',
      '1e-5000', '0e-5000', '1..2', '--1', '1,5', 'inf', '-inf', 'Infinity', '+INF', 'x'.repeat(5119), '1'.repeat(5120)]) {
      await same('INCRBYFLOAT', 'f', v);
      await same('SET', 's', v);
      await same('INCRBYFLOAT', 's', '1');
    }
    await same('SET', 'big', '1e4932');
    await same('INCRBYFLOAT', 'big', '1e4932');
    await same('INCRBYFLOAT', 'big', '-inf');
    await makeList('l');
    await same('INCRBYFLOAT', 'l', '1');
    await same('INCRBYFLOAT', 'l', 'abc');
  });

  it('a NUL byte makes a value or an increment not a float', async () => {
    await sameBin('INCRBYFLOAT', 'f', '2\0abc');
    await sameBin('INCRBYFLOAT', 'f', '\0');
    await sameBin('SET', 's', '1.5\0junk');
    await sameBin('INCRBYFLOAT', 's', '1');
  });

  it('keeps the TTL', async () => {
    await same('SETEX', 'f', 1000, '1.5');
    await same('INCRBYFLOAT', 'f', '1.25');
    await sameState('f');
  });

  it('random sums agree with Redis digit for digit', async () => {
    const rand = rng(7);
    const num = () => {
      const sign = rand() < 0.3 ? '-' : '';
      const int = String(Math.floor(rand() * 10 ** Math.floor(rand() * 8)));
      const frac = String(Math.floor(rand() * 10 ** Math.floor(rand() * 10))).padStart(3, '0');
      const exp = rand() < 0.2 ? `e${Math.floor(rand() * 40) - 20}` : '';
      return `${sign}${int}.${frac}${exp}`;
    };
    for (let i = 0; i < 300; i++) {
      if (i % 10 === 0) await same('SET', 'f', num());
      await same('INCRBYFLOAT', 'f', num());
    }
  });
});

describe('LCS', () => {
  it('the examples from the Redis docs', async () => {
    await same('MSET', 'key1', 'ohmytext', 'key2', 'mynewtext');
    await same('LCS', 'key1', 'key2');
    await same('LCS', 'key1', 'key2', 'LEN');
    await same('LCS', 'key1', 'key2', 'IDX');
    await same('LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', 4);
    await same('LCS', 'key1', 'key2', 'IDX', 'MINMATCHLEN', 4, 'WITHMATCHLEN');
    await same('LCS', 'key1', 'key2', 'IDX', 'WITHMATCHLEN');
    await same('LCS', 'key1', 'key2', 'idx', 'minmatchlen', -5, 'withmatchlen', 'IDX');
    await same('LCS', 'key1', 'key2', 'WITHMATCHLEN');
    await same('LCS', 'key1', 'key2', 'MINMATCHLEN', '2', 'LEN');
  });

  it('missing keys, wrong types and option errors', async () => {
    await same('SET', 'a', 'abc');
    await same('LCS', 'a', 'nope');
    await same('LCS', 'nope', 'nope2', 'IDX', 'WITHMATCHLEN');
    await same('LCS', 'a', 'a', 'LEN');
    await same('LCS', 'a', 'a', 'LEN', 'IDX');
    await same('LCS', 'a', 'a', 'FOO');
    await same('LCS', 'a', 'a', 'MINMATCHLEN');
    await same('LCS', 'a', 'a', 'MINMATCHLEN', 'x');
    await same('LCS', 'a', 'a', 'MINMATCHLEN', '9223372036854775808');
    await makeList('l');
    await same('LCS', 'a', 'l');
    await same('LCS', 'l', 'nope', 'FOO');
    await same('LCS', 'a');
  });

  it('random strings: every reply form agrees with Redis', async () => {
    const rand = rng(42);
    const str = () => Array.from({ length: Math.floor(rand() * 40) }, () => 'abcd'[Math.floor(rand() * 4)]).join('');
    for (let i = 0; i < 60; i++) {
      await same('MSET', 'x', str(), 'y', str());
      await same('LCS', 'x', 'y');
      await same('LCS', 'x', 'y', 'LEN');
      await same('LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN');
      await same('LCS', 'x', 'y', 'IDX', 'MINMATCHLEN', 2);
    }
  });

  it('refuses a table larger than proto-max-bulk-len', async () => {
    await same('MSET', 'x', 'a'.repeat(12000), 'y', 'b'.repeat(12000));
    await same('LCS', 'x', 'y', 'LEN');
  });

  it('IDX replies a map under RESP3', async () => {
    await sameBytes([['MSET', 'key1', 'ohmytext', 'key2', 'mynewtext'], ['LCS', 'key1', 'key2', 'IDX', 'WITHMATCHLEN'], ['GET', 'nope'],
      ['INCRBYFLOAT', 'f', '1.5'], ['GETEX', 'nope', 'EX', 1], ['SET', 'key1', 'v', 'NX']], true);
  });
});

describe('expiry options actually expire', () => {
  it('SET PX, PSETEX, SET PXAT and GETEX PX: gone after the time passes', async () => {
    await same('SET', 'a', 'v', 'PX', 1000);
    await same('PSETEX', 'b', 1000, 'v');
    await same('SET', 'c', 'v', 'PXAT', Date.now() + 1000);
    await same('SET', 'd', 'v');
    await same('GETEX', 'd', 'PX', 1000);
    await same('SET', 'e', 'v', 'PX', 1000);
    await same('SET', 'e', 'w', 'KEEPTTL');
    await same('SET', 'f', 'v', 'PX', 1000);
    await same('SET', 'f', 'w'); // clears the TTL: f stays
    for (const k of ['a', 'b', 'c', 'd', 'e']) expect(await d.ours.call('GET', k), k).not.toBeNull();
    await waitUntil(async () => {
      for (const k of ['a', 'b', 'c', 'd', 'e']) if ((await d.ours.call('GET', k)) !== null) return false;
      return true;
    }, 10000, 'keys with a 1000 ms TTL to expire');
    await waitUntil(async () => (await d.ref.call('GET', 'e')) === null, 10000, 'redis to expire its keys');
    for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) await same('GET', k);
  });

  it('an expired key counts as missing for NX, XX, KEEPTTL and the counters', async () => {
    for (const k of ['nx', 'xx', 'kt', 'ctr']) await same('SET', k, '5', 'PX', 30);
    // Expired (or already reclaimed by the active cycle): either way the writes below see no key.
    await waitUntil(() => node.server.dbs[0].peek('ctr') === undefined, 2000, 'ctr to expire');
    await waitUntil(async () => (await d.ref.call('PTTL', 'ctr')) === -2, 2000, 'redis ctr to expire');
    await same('SET', 'nx', 'new', 'NX');
    await same('SET', 'xx', 'new', 'XX');
    await same('SET', 'kt', 'new', 'KEEPTTL');
    await same('INCR', 'ctr');
    for (const k of ['nx', 'xx', 'kt', 'ctr']) await sameState(k);
  });
});

describe('client libraries', () => {
  it('ioredis round-trips every command family', async () => {
    const r = new Redis({ port: node.port, host: '127.0.0.1', enableReadyCheck: false, lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect();
    try {
      expect(await r.set('io:k', 'v', 'PX', 100000, 'NX')).toBe('OK');
      expect(await r.set('io:k', 'v2', 'NX')).toBeNull();
      expect(await r.set('io:k', 'v3', 'KEEPTTL', 'GET')).toBe('v');
      expect(await r.get('io:k')).toBe('v3');
      const bin = Buffer.from([0, 13, 10, 255, 128, 0]);
      await r.set('io:bin', bin);
      expect(await r.getBuffer('io:bin')).toEqual(bin);
      expect(await r.incr('io:c')).toBe(1);
      expect(await r.incrby('io:c', 9)).toBe(10);
      expect(await r.decrby('io:c', 3)).toBe(7);
      expect(await r.incrbyfloat('io:f', '0.1')).toBe('0.1');
      expect(await r.incrbyfloat('io:f', '0.2')).toBe('0.3');
      expect(await r.mset('io:a', '1', 'io:b', '2')).toBe('OK');
      expect(await r.mget('io:a', 'io:b', 'io:none')).toEqual(['1', '2', null]);
      expect(await r.msetnx('io:a', 'x', 'io:z', 'y')).toBe(0);
      expect(await r.append('io:a', 'bc')).toBe(3);
      expect(await r.strlen('io:a')).toBe(3);
      expect(await r.getrange('io:a', -2, -1)).toBe('bc');
      expect(await r.setrange('io:a', 5, 'z')).toBe(6);
      expect(await r.getBuffer('io:a')).toEqual(Buffer.from('1bc\0\0z', 'latin1'));
      expect(await r.getex('io:a', 'PERSIST')).toBe('1bc\0\0z');
      expect(await r.getdel('io:a')).toBe('1bc\0\0z');
      expect(await r.getset('io:a', 'n')).toBeNull();
      expect(await r.setex('io:e', 100, 'v')).toBe('OK');
      expect(await r.psetex('io:p', 100000, 'v')).toBe('OK');
      expect(await r.setnx('io:p', 'w')).toBe(0);
      await r.mset('io:key1', 'ohmytext', 'io:key2', 'mynewtext');
      expect(await r.call('LCS', 'io:key1', 'io:key2')).toBe('mytext');
      expect(await r.call('LCS', 'io:key1', 'io:key2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'))
        .toEqual(['matches', [[[4, 7], [5, 8], 4]], 'len', 6]);
      await expect(r.incr('io:k')).rejects.toThrow('ERR value is not an integer or out of range');
      await expect(r.set('io:k', 'v', 'EX', 0)).rejects.toThrow("ERR invalid expire time in 'set' command");
    } finally {
      r.disconnect();
    }
  });

  it('node-redis round-trips, over RESP2 and RESP3', async () => {
    for (const RESP of [2, 3] as const) {
      const r = createClient({ socket: { port: node.port, host: '127.0.0.1', reconnectStrategy: false }, RESP });
      r.on('error', () => {});
      await r.connect();
      try {
        const p = `nr${RESP}:`;
        expect(await r.set(`${p}k`, 'v', { expiration: { type: 'PX', value: 100000 }, condition: 'NX' })).toBe('OK');
        expect(await r.set(`${p}k`, 'w', { GET: true })).toBe('v');
        expect(await r.get(`${p}k`)).toBe('w');
        expect(await r.get(`${p}none`)).toBeNull();
        expect(await r.incrBy(`${p}c`, 5)).toBe(5);
        expect(await r.decr(`${p}c`)).toBe(4);
        expect(String(await r.incrByFloat(`${p}f`, 10.5))).toBe('10.5');
        expect(await r.mSet({ [`${p}a`]: '1', [`${p}b`]: '2' })).toBe('OK');
        expect(await r.mGet([`${p}a`, `${p}b`, `${p}none`])).toEqual(['1', '2', null]);
        expect(await r.mSetNX({ [`${p}a`]: 'x', [`${p}new`]: 'y' })).toBe(0);
        expect(await r.append(`${p}a`, 'bc')).toBe(3);
        expect(await r.getRange(`${p}a`, 0, -2)).toBe('1b');
        expect(await r.setRange(`${p}a`, 1, 'Z')).toBe(3);
        expect(await r.getEx(`${p}a`, { type: 'EX', value: 100 })).toBe('1Zc');
        expect(await r.getDel(`${p}a`)).toBe('1Zc');
        expect(await r.strLen(`${p}k`)).toBe(1);
        await r.mSet({ [`${p}key1`]: 'ohmytext', [`${p}key2`]: 'mynewtext' });
        expect(await r.lcs(`${p}key1`, `${p}key2`)).toBe('mytext');
        expect(await r.lcsLen(`${p}key1`, `${p}key2`)).toBe(6);
        const idx = await r.lcsIdx(`${p}key1`, `${p}key2`, { MINMATCHLEN: 4 });
        expect(JSON.parse(JSON.stringify(idx))).toEqual({ matches: [[[4, 7], [5, 8]]], len: 6 });
        await expect(r.incr(`${p}k`)).rejects.toThrow('ERR value is not an integer or out of range');
      } finally {
        await r.close();
      }
    }
  });
});
