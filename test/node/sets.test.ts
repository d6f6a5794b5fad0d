/**
 * Set commands, differentially against a real redis-server 7.0: the same commands go to both and
 * the replies must match. Redis orders intsets (sorted) but not hashtables (hash order with a
 * random seed), so hashtable replies are compared sorted; random replies (SPOP, SRANDMEMBER) are
 * checked for their documented properties, on both servers.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import type { Reply } from '../helpers/raw-client.js';
import { rng, useDifferential, type Arg } from '../helpers/diff-harness.js';

const h = useDifferential();
const { same, sameSorted, sameBytes } = {
  same: (...a: Arg[]) => h.same(...a),
  sameSorted: (...a: Arg[]) => h.sameSorted(...a),
  sameBytes: (cmds: Arg[][], resp3?: boolean) => h.sameBytes(cmds, resp3),
};

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => String(i + from));

/** Runs on both servers and returns both replies, for property checks. */
async function onBoth(...args: Arg[]): Promise<Reply[]> {
  const { ours, ref } = await h.both(...args);
  return [ours, ref];
}

describe('SADD SREM SCARD SISMEMBER SMISMEMBER', () => {
  it('adds, counts, tests and removes members; deletes the emptied key', async () => {
    await same('SADD', 's', 'a', 'b', 'c', 'a');
    await same('SADD', 's', 'a', 'd');
    await same('SCARD', 's');
    await same('SCARD', 'missing');
    await same('SISMEMBER', 's', 'a');
    await same('SISMEMBER', 's', 'zz');
    await same('SISMEMBER', 'missing', 'a');
    await same('SMISMEMBER', 's', 'a', 'zz', 'd', 'a');
    await same('SMISMEMBER', 'missing', 'a', 'b');
    await same('SREM', 's', 'a', 'zz', 'a');
    await same('SREM', 'missing', 'a');
    await same('SREM', 's', 'b', 'c', 'd', 'e');
    await same('EXISTS', 's');
    await sameSorted('SMEMBERS', 's');
  });

  it('replies WRONGTYPE for other types and arity errors', async () => {
    await same('SET', 'str', 'v');
    for (const cmd of [
      ['SADD', 'str', 'a'], ['SREM', 'str', 'a'], ['SCARD', 'str'], ['SISMEMBER', 'str', 'a'],
      ['SMISMEMBER', 'str', 'a'], ['SMEMBERS', 'str'], ['SPOP', 'str'], ['SPOP', 'str', 2],
      ['SRANDMEMBER', 'str'], ['SRANDMEMBER', 'str', 2], ['SSCAN', 'str', 0], ['SINTERCARD', 1, 'str'],
    ]) await same(...cmd);
    for (const cmd of [['SADD', 's'], ['SREM', 's'], ['SCARD'], ['SISMEMBER', 's'], ['SMISMEMBER', 's'],
      ['SMOVE', 'a', 'b'], ['SINTER'], ['SUNIONSTORE', 'd'], ['SSCAN', 's'], ['SINTERCARD', 1]]) {
      await same(...cmd);
    }
  });

  it('keeps the TTL on in-place changes', async () => {
    await same('SADD', 's', 'a', 'b');
    await same('EXPIRE', 's', 1000);
    await same('SADD', 's', 'c');
    await same('SREM', 's', 'a');
    await same('TTL', 's');
  });

  it('binary-safe members', async () => {
    const bin = 'a\0b\r\n\xff';
    await same('SADD', 's', bin, '', ' ');
    await same('SISMEMBER', 's', bin);
    await same('SISMEMBER', 's', '');
    await h.sameBin('SCARD', 's');
    await same('SREM', 's', bin);
  });
});

describe('encodings and intset order', () => {
  it('intset until a non-integer or more than 512 members, then hashtable for good', async () => {
    await same('SADD', 'i', 3, 1, 2, -5, '9223372036854775807', '-9223372036854775808');
    await same('OBJECT', 'ENCODING', 'i');
    await same('SMEMBERS', 'i');
    await same('SADD', 'h', 1, 'x');
    await same('OBJECT', 'ENCODING', 'h');
    await same('SREM', 'h', 'x');
    await same('OBJECT', 'ENCODING', 'h');
    for (const notInt of ['01', '-0', '+1', ' 1', '1.0', '9223372036854775808', '-9223372036854775809', '0x1']) {
      await same('DEL', 'n');
      await same('SADD', 'n', 1, notInt);
      await same('OBJECT', 'ENCODING', 'n');
    }
    await same('SADD', 'big', ...range(512));
    await same('OBJECT', 'ENCODING', 'big');
    await same('SMEMBERS', 'big');
    await same('SADD', 'big', 512);
    await same('OBJECT', 'ENCODING', 'big');
    await sameSorted('SMEMBERS', 'big');
  });

  it('intset replies come sorted (numerically), like Redis', async () => {
    await same('SADD', 'i', 10, 2, -3, 100, 0, 99999999999, -77);
    await same('SMEMBERS', 'i');
    await same('SSCAN', 'i', 0);
    await same('SINTER', 'i', 'i');
    await same('SUNION', 'i');
    await same('SDIFF', 'i');
    await same('SRANDMEMBER', 'i', 100);
    await sameBytes([['SMEMBERS', 'i'], ['SMEMBERS', 'missing'], ['SUNION', 'i', 'missing'], ['SINTER', 'i', 'missing']], true);
    await sameBytes([['SMEMBERS', 'i'], ['SRANDMEMBER', 'i', 100], ['SRANDMEMBER', 'missing', 5]], false);
    await sameBytes([['SSCAN', 'i', 0], ['SMISMEMBER', 'i', 2, 3], ['SINTERCARD', 1, 'i'], ['SMOVE', 'i', 'j', 2],
      ['SINTERSTORE', 'k', 'i', 'j'], ['SDIFF', 'i', 'j'], ['SPOP', 'j', 5], ['SPOP', 'i', 100]], true);
  });

  it('expired keys are gone before a set command looks at them', async () => {
    await same('SET', 'k', 'v', 'PX', 50);
    await same('SADD', 's', 1, 2);
    await same('PEXPIRE', 's', 50);
    await same('SADD', 'dst', 'old');
    await same('PEXPIRE', 'dst', 50);
    await new Promise((r) => setTimeout(r, 100));
    await same('SADD', 'k', 'a');
    await same('TYPE', 'k');
    await same('SMEMBERS', 's');
    await same('SUNIONSTORE', 'dst', 'k', 's');
    await same('SMEMBERS', 'dst');
    await same('TTL', 'dst');
  });
});

describe('SMOVE', () => {
  it('moves between sets, creates and deletes keys, same source and destination', async () => {
    await same('SADD', 'a', 1, 2, 'x');
    await same('SADD', 'b', 3);
    await same('SMOVE', 'a', 'b', 'x');
    await same('OBJECT', 'ENCODING', 'b');
    await same('SMOVE', 'a', 'b', 'nope');
    await same('SMOVE', 'a', 'c', 1);
    await same('OBJECT', 'ENCODING', 'c');
    await same('SMOVE', 'a', 'c', 2);
    await same('EXISTS', 'a');
    await same('SMOVE', 'c', 'c', 1);
    await same('SMOVE', 'c', 'c', 'zz');
    await same('SADD', 'b', 1);
    await same('SMOVE', 'b', 'c', 1);
    await same('SMEMBERS', 'c');
    await sameSorted('SMEMBERS', 'b');
    await same('SMOVE', 'missing', 'b', 'x');
  });

  it('type errors: a missing source answers 0 before the destination is checked', async () => {
    await same('SET', 'str', 'v');
    await same('SADD', 's', 'a');
    await same('SMOVE', 'str', 's', 'a');
    await same('SMOVE', 's', 'str', 'a');
    await same('SMOVE', 'missing', 'str', 'a');
    await same('SMEMBERS', 's');
  });
});

describe('SINTER SUNION SDIFF and their STORE forms', () => {
  async function fill(): Promise<void> {
    await same('SADD', 'a', 1, 2, 3, 4, 'x', 'y');
    await same('SADD', 'b', 2, 3, 'x', 'z');
    await same('SADD', 'c', 3, 'x', 'q');
    await same('SADD', 'i1', 1, 2, 3, 4, 5);
    await same('SADD', 'i2', 4, 5, 6);
  }

  it('algebra over hashtables and intsets, missing keys and repeated keys', async () => {
    await fill();
    const keysets = [['a'], ['a', 'b'], ['a', 'b', 'c'], ['c', 'b', 'a'], ['a', 'missing'], ['missing', 'a'],
      ['a', 'a'], ['i1', 'i2'], ['i2', 'i1'], ['i1', 'a'], ['a', 'i1', 'i2'], ['missing'], ['i1', 'i1', 'i2']];
    for (const keys of keysets) {
      for (const cmd of ['SINTER', 'SUNION', 'SDIFF']) await sameSorted(cmd, ...keys);
      await same('SINTERCARD', keys.length, ...keys);
    }
    await same('SINTER', 'i1', 'i2');
    await same('SUNION', 'i1', 'i2');
    await same('SDIFF', 'i1', 'i2');
    await same('SDIFF', 'i2', 'i1', 'missing');
  });

  it('STORE forms overwrite the destination, clear its TTL, delete it when empty', async () => {
    await fill();
    for (const cmd of ['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']) {
      for (const keys of [['a', 'b'], ['i1', 'i2'], ['i1', 'a'], ['a', 'missing'], ['missing'], ['i1', 'i1']]) {
        await same('SET', 'dst', 'old', 'EX', 1000);
        await same(cmd, 'dst', ...keys);
        await same('TYPE', 'dst');
        await same('TTL', 'dst');
        const enc = await same('EXISTS', 'dst');
        if (enc === 1) {
          await same('OBJECT', 'ENCODING', 'dst');
          await sameSorted('SMEMBERS', 'dst');
        }
      }
    }
    // The destination may be one of the sources.
    await same('SUNIONSTORE', 'a', 'a', 'c');
    await sameSorted('SMEMBERS', 'a');
    await same('SINTERSTORE', 'i1', 'i1', 'i2');
    await same('SMEMBERS', 'i1');
    await same('SDIFFSTORE', 'i2', 'i2', 'i2');
    await same('EXISTS', 'i2');
  });

  it('result encodings follow Redis (intset from scratch, SDIFF algorithm choice)', async () => {
    // Algorithm 2 (small subtrahends): adding 'a' first turns the result into a hashtable even
    // though only integers remain; algorithm 1 only ever adds survivors.
    await same('SADD', 'big', 'a', ...range(20));
    await same('SADD', 'sub', 'a');
    await same('SDIFFSTORE', 'd1', 'big', 'sub');
    await same('OBJECT', 'ENCODING', 'd1');
    await same('SADD', 'many', 'a', ...range(60, 100));
    await same('SDIFFSTORE', 'd2', 'big', 'many');
    await same('OBJECT', 'ENCODING', 'd2');
    await same('SUNIONSTORE', 'u', 'big', 'sub');
    await same('OBJECT', 'ENCODING', 'u');
    await same('SINTERSTORE', 'n', 'big', 'big');
    await same('OBJECT', 'ENCODING', 'n');
    await same('SADD', 'ints', ...range(600));
    await same('SINTERSTORE', 'n2', 'ints', 'ints');
    await same('OBJECT', 'ENCODING', 'n2');
  });

  it('wrong types are reported even after a missing key', async () => {
    await same('SET', 'str', 'v');
    await same('SADD', 's', 1);
    for (const cmd of ['SINTER', 'SUNION', 'SDIFF']) {
      await same(cmd, 'missing', 'str');
      await same(cmd, 's', 'str');
      await same(cmd + 'STORE', 'dst', 'missing', 'str');
    }
    await same('SINTERCARD', 2, 'missing', 'str');
    await same('SUNIONSTORE', 'str', 's');
    await same('TYPE', 'str');
  });

  it('larger sets agree in cardinality and content', async () => {
    const r = rng(7);
    const pick = (n: number) => Array.from({ length: n }, () => `m${Math.floor(r() * 3000)}`);
    await same('SADD', 'x', ...pick(2000));
    await same('SADD', 'y', ...pick(2000));
    await same('SADD', 'z', ...pick(500), ...range(300));
    for (const cmd of ['SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE']) {
      await same(cmd, 'out', 'x', 'y', 'z');
      await sameSorted('SMEMBERS', 'out');
    }
    await same('SINTERCARD', 2, 'x', 'y');
    await same('SINTERCARD', 2, 'x', 'y', 'LIMIT', 10);
    await sameSorted('SDIFF', 'z', 'x');
  });
});

describe('SINTERCARD', () => {
  it('LIMIT and argument errors', async () => {
    await same('SADD', 'a', 1, 2, 3, 4);
    await same('SADD', 'b', 2, 3, 4, 5);
    for (const args of [
      [1, 'a'], [2, 'a', 'b'], [2, 'a', 'b', 'LIMIT', 2], [2, 'a', 'b', 'limit', 0], [2, 'a', 'b', 'LIMIT', 100],
      [2, 'a', 'b', 'LIMIT', 1, 'LIMIT', 2], [1, 'a', 'LIMIT', '9223372036854775807'],
      [0, 'a'], [-1, 'a'], ['x', 'a'], ['9223372036854775808', 'a'], [3, 'a', 'b'], [2, 'a', 'b', 'LIMIT'],
      [2, 'a', 'b', 'LIMIT', -1], [2, 'a', 'b', 'LIMIT', 'x'], [2, 'a', 'b', 'FOO', 1], [1, 'a', 'b'],
      [2, 'a', 'missing'], ['9223372036854775807', 'a'],
    ]) await same('SINTERCARD', ...args);
  });
});

describe('SSCAN', () => {
  it('intsets come whole in one call; options and errors as Redis', async () => {
    await same('SADD', 'i', ...range(50));
    await same('SSCAN', 'i', 0);
    await same('SSCAN', 'i', 0, 'COUNT', 5);
    await same('SSCAN', 'i', 0, 'MATCH', '1*');
    await same('SSCAN', 'i', 0, 'MATCH', '*', 'COUNT', 1000);
    for (const args of [['i', 'x'], ['i', -1], ['i', '18446744073709551616'], ['i', 0, 'COUNT', 0], ['i', 0, 'COUNT', 'x'],
      ['i', 0, 'TYPE', 'set'], ['i', 0, 'MATCH'], ['i', 0, 'FOO', 1], ['missing', 0], ['missing', 0, 'COUNT', 0], ['missing', 'x']]) {
      await same('SSCAN', ...args);
    }
    await same('SADD', 's', 'a', 'b');
    await sameSorted('SSCAN', 's', 0);
  });

  it('a hashtable scan returns every member exactly as Redis holds them', async () => {
    const members = range(1000).map((i) => `member:${i}`);
    await same('SADD', 'h', ...members);
    for (const [idx, port] of [[0, h.node.port], [1, h.redis.port]] as const) {
      const client = idx === 0 ? h.d.ours : h.d.ref;
      const seen = new Set<string>();
      let cursor = '0';
      let calls = 0;
      do {
        const [next, batch] = (await client.call('SSCAN', 'h', cursor, 'COUNT', 50)) as [string, string[]];
        batch.forEach((m) => seen.add(m));
        cursor = next;
        calls++;
      } while (cursor !== '0' && calls < 10_000);
      expect(seen.size, `port ${port}`).toBe(1000);
      expect(calls, `port ${port}`).toBeGreaterThan(1);
    }
    const [ours, ref] = await onBoth('SSCAN', 'h', 0, 'MATCH', 'member:99*', 'COUNT', 100000);
    expect((ours as [string, string[]])[1].sort()).toEqual((ref as [string, string[]])[1].sort());
  });
});

describe('SPOP and SRANDMEMBER (random: documented properties on both servers)', () => {
  it('argument errors are the same', async () => {
    await same('SADD', 's', 'a', 'b', 'c');
    for (const args of [['s', -1], ['s', 'x'], ['s', '9223372036854775808'], ['s', 1, 2], ['missing', -1]]) await same('SPOP', ...args);
    for (const args of [['s', 'x'], ['s', '-9223372036854775808'], ['s', '9223372036854775808'], ['s', 1, 2]]) {
      await same('SRANDMEMBER', ...args);
    }
    for (const args of [['missing'], ['missing', 3], ['missing', -3], ['missing', 0], ['s', 0]]) {
      await same('SPOP', ...args);
      await same('SRANDMEMBER', ...args);
    }
    await sameBytes([['SPOP', 'missing'], ['SPOP', 'missing', 2], ['SRANDMEMBER', 'missing'], ['SRANDMEMBER', 'missing', 2], ['SPOP', 's', 0]], true);
    await sameBytes([['SPOP', 'missing', 2], ['SRANDMEMBER', 'missing', -2]], false);
  });

  it('deterministic cases: one-member sets, whole-set counts, reply types', async () => {
    await same('SADD', 'one', 'm');
    await sameBytes([['SRANDMEMBER', 'one', -3], ['SRANDMEMBER', 'one', 3], ['SRANDMEMBER', 'one']], true);
    await sameBytes([['SPOP', 'one', 5], ['EXISTS', 'one']], true);
    await same('SADD', 'i', 5, 3, 1);
    await sameBytes([['SPOP', 'i', 3], ['EXISTS', 'i']], true);
    await same('SADD', 'h', 5, 3, 'x');
    await same('SREM', 'h', 'x');
    // Popping a whole (hashtable) set replies it the way SUNION would order it: sorted ints.
    await same('SPOP', 'h', 10);
  });

  it('SPOP removes what it returns', async () => {
    for (const client of [h.d.ours, h.d.ref]) {
      await client.call('SADD', 's', ...range(20), 'x', 'y');
      const one = (await client.call('SPOP', 's')) as string;
      expect(await client.call('SISMEMBER', 's', one)).toBe(0);
      // Few popped (random picks), then most popped (the rest rebuilt), then all.
      for (const n of [3, 15]) {
        const before = (await client.call('SCARD', 's')) as number;
        const popped = (await client.call('SPOP', 's', n)) as string[];
        expect(new Set(popped).size).toBe(n);
        expect(await client.call('SCARD', 's')).toBe(before - n);
        for (const m of popped) expect(await client.call('SISMEMBER', 's', m)).toBe(0);
      }
      const rest = (await client.call('SPOP', 's', 100)) as string[];
      expect(rest.length).toBe(3);
      expect(await client.call('EXISTS', 's')).toBe(0);
    }
  });

  it('a set rebuilt by SPOP is an intset exactly when only integers remain', async () => {
    for (const client of [h.d.ours, h.d.ref]) {
      for (let round = 0; round < 10; round++) {
        await client.call('DEL', 's');
        await client.call('SADD', 's', ...range(10), 'x');
        await client.call('SPOP', 's', 10);
        const [left] = (await client.call('SMEMBERS', 's')) as string[];
        expect(await client.call('OBJECT', 'ENCODING', 's')).toBe(left === 'x' ? 'hashtable' : 'intset');
      }
    }
  });

  it('SRANDMEMBER: positive counts are distinct, negative ones may repeat', async () => {
    for (const client of [h.d.ours, h.d.ref]) {
      await client.call('SADD', 's', ...range(100).map((i) => `e${i}`));
      for (const n of [1, 5, 40, 90, 99, 100, 150]) {
        const got = (await client.call('SRANDMEMBER', 's', n)) as string[];
        expect(got.length).toBe(Math.min(n, 100));
        expect(new Set(got).size).toBe(got.length);
        for (const m of got) expect(m).toMatch(/^e\d+$/);
      }
      const rep = (await client.call('SRANDMEMBER', 's', -500)) as string[];
      expect(rep.length).toBe(500);
      expect(new Set(rep).size).toBeLessThan(500);
      const single = (await client.call('SRANDMEMBER', 's')) as string;
      expect(await client.call('SISMEMBER', 's', single)).toBe(1);
      expect(await client.call('SCARD', 's')).toBe(100);
    }
  });

  it('random picks cover the set (no member is starved)', async () => {
    await h.d.ours.call('SADD', 's', 'a', 'b', 'c', 'd');
    const got = (await h.d.ours.call('SRANDMEMBER', 's', -400)) as string[];
    const counts = new Map<string, number>();
    for (const m of got) counts.set(m, (counts.get(m) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    for (const n of counts.values()) expect(n).toBeGreaterThan(40);
  });
});

describe('client libraries', () => {
  it('ioredis', async () => {
    const r = new Redis({ port: h.node.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect();
    try {
      expect(await r.sadd('io:s', 'a', 'b', 'c')).toBe(3);
      expect(await r.sadd('io:t', 'b', 'c', 'd')).toBe(3);
      expect((await r.smembers('io:s')).sort()).toEqual(['a', 'b', 'c']);
      expect(await r.sismember('io:s', 'a')).toBe(1);
      expect(await r.smismember('io:s', 'a', 'z')).toEqual([1, 0]);
      expect((await r.sinter('io:s', 'io:t')).sort()).toEqual(['b', 'c']);
      expect(await r.sunionstore('io:u', 'io:s', 'io:t')).toBe(4);
      expect(await r.sdiff('io:s', 'io:t')).toEqual(['a']);
      expect(await r.sintercard(2, 'io:s', 'io:t')).toBe(2);
      expect(await r.smove('io:s', 'io:t', 'a')).toBe(1);
      expect(await r.scard('io:t')).toBe(4);
      expect(await r.srem('io:t', 'a', 'zz')).toBe(1);
      const popped = await r.spop('io:u', 2);
      expect(popped).toHaveLength(2);
      expect(await r.srandmember('io:t', -5)).toHaveLength(5);
      const [cursor, members] = await r.sscan('io:t', 0, 'MATCH', '*');
      expect(cursor).toBe('0');
      expect(members.sort()).toEqual(['b', 'c', 'd']);
      await r.set('io:str', 'v');
      await expect(r.sadd('io:str', 'x')).rejects.toThrow('WRONGTYPE');
    } finally {
      r.disconnect();
    }
  });

  it('node-redis over RESP2 and RESP3 (sets come back as arrays / Sets)', async () => {
    for (const RESP of [2, 3] as const) {
      const r = createClient({ socket: { port: h.node.port, host: '127.0.0.1', reconnectStrategy: false }, RESP });
      r.on('error', () => {});
      await r.connect();
      try {
        const p = `nr${RESP}:`;
        expect(await r.sAdd(`${p}s`, ['3', '1', '2'])).toBe(3);
        const members = await r.sMembers(`${p}s`);
        expect([...members]).toEqual(['1', '2', '3']);
        expect(await r.sIsMember(`${p}s`, '2')).toBe(1);
        expect(await r.smIsMember(`${p}s`, ['2', '9'])).toEqual([1, 0]);
        expect(await r.sCard(`${p}s`)).toBe(3);
        expect([...(await r.sUnion([`${p}s`, `${p}none`]))]).toEqual(['1', '2', '3']);
        expect(await r.sInterStore(`${p}d`, [`${p}s`, `${p}none`])).toBe(0);
        expect(await r.sRandMemberCount(`${p}s`, 3)).toHaveLength(3);
        const popped = await r.sPop(`${p}s`);
        expect(['1', '2', '3']).toContain(popped);
        const scan = await r.sScan(`${p}s`, '0');
        expect(scan.cursor).toBe('0');
        expect(scan.members).toHaveLength(2);
      } finally {
        await r.close();
      }
    }
  });
});
