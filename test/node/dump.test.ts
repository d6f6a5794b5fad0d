/**
 * DUMP / RESTORE. Payloads are slotgate's own format, so they are not exchanged with Redis; instead
 * the same value is built on both servers, each server's DUMP is RESTOREd on that same server, and
 * the restored keys (contents, type, encoding, TTL) must match between them. Error replies and the
 * order of RESTORE's checks are compared directly with redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc64 } from '../../nodes/persistence/crc64.js';
import { RawClient, RespError, type Reply } from '../helpers/raw-client.js';
import { useDifferential, type Arg } from '../helpers/diff-harness.js';

const h = useDifferential();
const same = (...a: Arg[]) => h.same(...a);

/** Binary-safe connections (payloads are bytes, not text). */
const bin = {} as { ours: RawClient; ref: RawClient };
beforeAll(async () => {
  bin.ours = await RawClient.connect(h.node.port, { buffers: true });
  bin.ref = await RawClient.connect(h.redis.port, { buffers: true });
});
afterAll(() => {
  bin.ours?.close();
  bin.ref?.close();
});

/** DUMP on both servers: each server's own payload. */
async function dumps(key: string): Promise<{ ours: Buffer; ref: Buffer }> {
  const [ours, ref] = await Promise.all([bin.ours.call('DUMP', key), bin.ref.call('DUMP', key)]);
  expect(Buffer.isBuffer(ours) && Buffer.isBuffer(ref)).toBe(true);
  return { ours: ours as Buffer, ref: ref as Buffer };
}

/** RESTOREs each server's payload on that server; both replies must match. */
async function restoreBoth(key: string, ttl: Arg, p: { ours: Buffer; ref: Buffer }, ...opts: Arg[]): Promise<Reply> {
  const [a, b] = await Promise.all([
    bin.ours.call('RESTORE', key, ttl, p.ours, ...opts),
    bin.ref.call('RESTORE', key, ttl, p.ref, ...opts),
  ]);
  expect(a).toEqual(b);
  return a;
}

/** DUMPs `src` on both servers and RESTOREs each payload, with `opts`, into `dst` on its own server. */
async function roundTrip(src: string, dst: string, ...opts: Arg[]): Promise<void> {
  expect(String(await restoreBoth(dst, 0, await dumps(src), ...opts))).toBe('OK');
}

describe('CRC-64', () => {
  it('is Redis\'s CRC-64/Jones (check value of "123456789")', () => {
    expect(crc64(Buffer.from('123456789')).toString(16)).toBe('e9c6d914c4b8d9ca');
  });
});

describe('DUMP and RESTORE round trips', () => {
  it('strings, including binary, integers and HyperLogLogs', async () => {
    await same('SET', 'int', '12345');
    await same('SET', 'bin', 'a\0b\r\n\xff'.repeat(50));
    await same('SET', 'empty', '');
    await same('PFADD', 'hll', 'a', 'b', 'c');
    for (const k of ['int', 'bin', 'empty', 'hll']) {
      await roundTrip(k, k + '2');
      await h.sameBin('GET', k + '2');
      await same('OBJECT', 'ENCODING', k + '2');
    }
    await same('PFCOUNT', 'hll2');
  });

  it('sets (intset and hashtable) and sorted sets (listpack and skiplist)', async () => {
    await same('SADD', 'iset', 5, 1, -3, '9223372036854775807');
    await same('SADD', 'hset', 'a', 'b', '\0\xff');
    await same('ZADD', 'zsmall', 1, 'a', '-inf', 'b', 'inf', 'c', 2.5, '\0bin', 0, 'zero');
    const big: Arg[] = [];
    for (let i = 0; i < 200; i++) big.push(i / 3, 'm' + i);
    await same('ZADD', 'zbig', ...big);
    await same('ZADD', 'zlong', 1, 'x'.repeat(100));
    for (const k of ['iset', 'hset', 'zsmall', 'zbig', 'zlong']) {
      await roundTrip(k, k + '2');
      await same('TYPE', k + '2');
      await same('OBJECT', 'ENCODING', k + '2');
    }
    await same('SMEMBERS', 'iset2');
    await h.sameSorted('SMEMBERS', 'hset2');
    for (const k of ['zsmall2', 'zbig2', 'zlong2']) await h.sameBin('ZRANGE', k, 0, -1, 'WITHSCORES');
  });

  it('lists (listpack and quicklist) and hashes (listpack and hashtable)', async () => {
    await same('RPUSH', 'lsmall', 'a', '', '\0\xff', 3, 'a');
    await same('RPUSH', 'lbig', ...Array.from({ length: 1000 }, (_, i) => 'element-' + i));
    await same('HSET', 'hsmall', 'f1', 'v1', 'f2', '', '\0', '\xff');
    await same('HSET', 'hlong', 'f', 'v'.repeat(100));
    // Past hash-max-listpack-entries (512 in Redis 7.0), so a hashtable on both servers.
    await same('HSET', 'hbig', ...Array.from({ length: 1200 }, (_, i) => 'f' + i));
    for (const k of ['lsmall', 'lbig', 'hsmall', 'hlong', 'hbig']) {
      await roundTrip(k, k + '2');
      await same('TYPE', k + '2');
      // Lists report Redis 7.2's encodings here (see nodes/types/list.ts): compared with our source.
      if (k.startsWith('l')) expect(await h.d.ours.call('OBJECT', 'ENCODING', k + '2')).toEqual(await h.d.ours.call('OBJECT', 'ENCODING', k));
      else await same('OBJECT', 'ENCODING', k + '2');
    }
    await h.sameBin('LRANGE', 'lsmall2', 0, -1);
    await same('LRANGE', 'lbig2', 0, -1);
    await h.sameBin('HGETALL', 'hsmall2');
    await same('HGETALL', 'hlong2');
    await h.sameSorted('HGETALL', 'hbig2');
    await same('HLEN', 'hbig2');
  });

  it('streams: entries, deletions, consumer groups, consumers and pending entries', async () => {
    for (let i = 1; i <= 5; i++) await same('XADD', 'st', `${i}-${i}`, 'f', i, 'g', 'x'.repeat(i));
    await same('XDEL', 'st', '3-3');
    await same('XGROUP', 'CREATE', 'st', 'g1', '0');
    await same('XGROUP', 'CREATE', 'st', 'g2', '$');
    await same('XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', 2, 'STREAMS', 'st', '>');
    await same('XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', 1, 'STREAMS', 'st', '>');
    await same('XGROUP', 'CREATECONSUMER', 'st', 'g2', 'carol');
    await same('XGROUP', 'CREATE', 'empty', 'g', '$', 'MKSTREAM');
    for (const k of ['st', 'empty']) {
      await roundTrip(k, k + '2');
      await same('TYPE', k + '2');
      await same('XLEN', k + '2');
      await same('XRANGE', k + '2', '-', '+');
      await same('XINFO', 'GROUPS', k + '2');
    }
    await same('XPENDING', 'st2', 'g1');
    // The extended form includes idle milliseconds, which differ between the two servers' clocks.
    const { ours: po, ref: pr } = await h.both('XPENDING', 'st2', 'g1', '-', '+', 10, 'bob');
    const noIdle = (r: Reply) => (r as Reply[][]).map(([id, consumer, , count]) => [id, consumer, count]);
    expect(noIdle(po)).toEqual(noIdle(pr));
    const info = async (k: string) => {
      const { ours, ref } = await h.both('XINFO', 'STREAM', k);
      const pick = (r: Reply) => {
        const a = r as Reply[];
        return ['length', 'last-generated-id', 'max-deleted-entry-id', 'entries-added', 'first-entry', 'last-entry']
          .map((f) => a[a.indexOf(f) + 1]);
      };
      expect(pick(ours)).toEqual(pick(ref));
    };
    await info('st2');
    await info('empty2');
    await same('XADD', 'st2', '9-9', 'after', 'restore');
    await same('XREADGROUP', 'GROUP', 'g2', 'carol', 'STREAMS', 'st2', '>');
  });

  it('REPLACE, TTL, ABSTTL, IDLETIME', async () => {
    await same('SADD', 's', 'a');
    await same('SET', 'dst', 'old');
    await roundTrip('s', 'dst', 'REPLACE');
    await same('TYPE', 'dst');
    await same('TTL', 'dst');
    const p = await dumps('s');
    await restoreBoth('ttl', 100000, p);
    await same('TTL', 'ttl');
    await restoreBoth('abs', Date.now() + 500000, p, 'ABSTTL', 'IDLETIME', 1000);
    await same('TTL', 'abs');
    // RESTORE IDLETIME 1000: a second boundary may pass before the read on either server.
    const idle = await h.both('OBJECT', 'IDLETIME', 'abs');
    for (const v of [idle.ours, idle.ref]) expect([1000, 1001]).toContain(v);
    await restoreBoth('busy', 0, p);
    await restoreBoth('busy', 0, p);
    // An absolute time already past stores nothing; with REPLACE the old key is gone too.
    await same('SET', 'gone', 'x');
    await restoreBoth('gone', 1, p, 'ABSTTL', 'REPLACE');
    await same('EXISTS', 'gone');
  });

  it('FREQ under an LFU policy', async () => {
    await same('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    try {
      await same('SET', 'k', 'v');
      await roundTrip('k', 'k2', 'FREQ', 100);
      await same('OBJECT', 'FREQ', 'k2');
    } finally {
      await same('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }
  });
});

describe('RESTORE errors', () => {
  it('options, BUSYKEY, TTL and payload errors in Redis\'s order', async () => {
    await same('SET', 'exists', 'v');
    for (const cmd of [
      ['RESTORE', 'k', 0, 'garbage'], ['RESTORE', 'k', 0, ''], ['RESTORE', 'exists', 0, 'garbage'],
      ['RESTORE', 'exists', -1, 'garbage'], ['RESTORE', 'k', -1, 'garbage'], ['RESTORE', 'k', 'x', 'garbage'],
      ['RESTORE', 'k', 0, 'garbage', 'BOGUS'], ['RESTORE', 'k', 0, 'garbage', 'IDLETIME'],
      ['RESTORE', 'k', 0, 'garbage', 'IDLETIME', -1], ['RESTORE', 'k', 0, 'garbage', 'IDLETIME', 'x'],
      ['RESTORE', 'k', 0, 'garbage', 'FREQ', 256], ['RESTORE', 'k', 0, 'garbage', 'FREQ', -1],
      ['RESTORE', 'k', 0, 'garbage', 'FREQ', 1, 'IDLETIME', 1], ['RESTORE', 'k', 0, 'garbage', 'IDLETIME', 1, 'FREQ', 1],
      ['RESTORE', 'exists', 0, 'garbage', 'REPLACE'], ['RESTORE', 'k', 0], ['DUMP'], ['DUMP', 'missing'],
    ]) await same(...cmd);
    await same('GET', 'exists');
  });

  it('rejects every single-bit flip and every truncation, changing nothing', async () => {
    await same('ZADD', 'z', 1, 'a', 2, 'b');
    await same('SET', 'target', 'keep');
    const good = (await dumps('z')).ours;
    for (let bit = 0; bit < good.length * 8; bit++) {
      const bad = Buffer.from(good);
      bad[bit >> 3] ^= 1 << (bit & 7);
      const r: Reply = await bin.ours.call('RESTORE', 'target', 0, bad, 'REPLACE');
      expect(r, `bit ${bit}`).toEqual(new RespError('ERR DUMP payload version or checksum are wrong'));
    }
    for (let n = 0; n < good.length; n++) {
      const r = await bin.ours.call('RESTORE', 'target', 0, good.subarray(0, n), 'REPLACE');
      expect(r).toBeInstanceOf(RespError);
    }
    expect(await h.d.ours.call('GET', 'target')).toBe('keep');
    expect(await h.d.ours.call('RESTORE', 'target', 0, good, 'REPLACE')).toBe('OK');
    expect(await h.d.ours.call('ZRANGE', 'target', 0, -1, 'WITHSCORES')).toEqual(['a', '1', 'b', '2']);
  });
});
