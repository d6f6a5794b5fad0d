/**
 * Slot migration between two in-process cluster nodes (DESIGN §4): MIGRATE with RESTORE-ASKING,
 * large values sent in chunks (CLUSTER RESTORE-CHUNK), commands on keys in transfer waiting while
 * others are served, and the headline run: one slot of 100k keys (some large) moved in
 * GETKEYSINSLOT + MIGRATE KEYS batches while clients hammer that slot following MOVED/ASK.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { keySlot } from '../../lib/slot/index.js';
import { partialImports } from '../../nodes/cluster/chunk-import.js';
import { CHUNK_BYTES, CHUNK_ELEMENTS } from '../../nodes/cluster/chunk-parts.js';
import { keyDigest } from '../../nodes/persistence/digest.js';
import type { Db } from '../../nodes/keyspace/db.js';
import { waitUntil } from '../helpers/guarded-process.js';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { RawClient, RespError, type Reply } from '../helpers/raw-client.js';

type Arg = string | number | Buffer;

/** Two cluster nodes that know each other; A owns every slot, B none. */
async function pair(): Promise<{ a: InProcessNode; b: InProcessNode; ids: { a: string; b: string }; ca: RawClient; cb: RawClient }> {
  const [a, b] = await Promise.all([startNode(['--cluster-enabled', 'yes']), startNode(['--cluster-enabled', 'yes'])]);
  const [ca, cb] = await Promise.all([RawClient.connect(a.port), RawClient.connect(b.port)]);
  const ids = { a: (await ca.call('CLUSTER', 'MYID')) as string, b: (await cb.call('CLUSTER', 'MYID')) as string };
  expect(await ca.call('CLUSTER', 'SETNODE', ids.b, `127.0.0.1:${b.port}`)).toBe('OK');
  expect(await cb.call('CLUSTER', 'SETNODE', ids.a, `127.0.0.1:${a.port}`)).toBe('OK');
  expect(await ca.call('CLUSTER', 'ADDSLOTSRANGE', 0, 16383)).toBe('OK');
  for (let s = 0; s < 16384; s++) cb.send('CLUSTER', 'SETSLOT', s, 'NODE', ids.a);
  for (let s = 0; s < 16384; s++) expect(await cb.reply()).toBe('OK');
  return { a, b, ids, ca, cb };
}

/** Opens the slot for migration A → B, as the coordinator does (target first). */
async function openSlot(p: Awaited<ReturnType<typeof pair>>, slot: number): Promise<void> {
  expect(await p.cb.call('CLUSTER', 'SETSLOT', slot, 'IMPORTING', p.ids.a)).toBe('OK');
  expect(await p.ca.call('CLUSTER', 'SETSLOT', slot, 'MIGRATING', p.ids.b)).toBe('OK');
}

/** Moves every key of the slot with GETKEYSINSLOT + MIGRATE KEYS batches, then hands it over. */
async function moveSlot(p: Awaited<ReturnType<typeof pair>>, slot: number, batch: number, ctl: RawClient): Promise<number> {
  let batches = 0;
  for (;;) {
    const keys = (await ctl.call('CLUSTER', 'GETKEYSINSLOT', slot, batch)) as string[];
    if (keys.length === 0) break;
    const r = await ctl.call('MIGRATE', '127.0.0.1', p.b.port, '', 0, 10000, 'KEYS', ...keys);
    expect(r === 'OK' || r === 'NOKEY', String(r)).toBe(true);
    batches++;
  }
  expect(await p.cb.call('CLUSTER', 'SETSLOT', slot, 'NODE', p.ids.b)).toBe('OK');
  expect(await p.ca.call('CLUSTER', 'SETSLOT', slot, 'NODE', p.ids.b)).toBe('OK');
  return batches;
}

/** A cluster client for one worker: follows MOVED, ASK (ASKING + retry) and TRYAGAIN. */
class Follower {
  private conns = new Map<number, RawClient>();
  redirects = 0;
  constructor(private port: number) {}

  private async conn(port: number): Promise<RawClient> {
    let c = this.conns.get(port);
    if (!c) this.conns.set(port, (c = await RawClient.connect(port)));
    return c;
  }

  async call(...args: Arg[]): Promise<Reply> {
    let port = this.port;
    let asking = false;
    for (let hop = 0; hop < 100; hop++) {
      const c = await this.conn(port);
      let r: Reply;
      if (asking) {
        c.send('ASKING');
        c.send(...args);
        expect(await c.reply()).toBe('OK');
        r = await c.reply();
      } else {
        r = await c.call(...args);
      }
      if (!(r instanceof RespError)) return r;
      const [kind, , addr] = r.message.split(' ');
      if (kind === 'MOVED' || kind === 'ASK') {
        this.redirects++;
        port = Number(addr.split(':')[1]);
        asking = kind === 'ASK';
        if (kind === 'MOVED') this.port = port;
        continue;
      }
      if (kind === 'TRYAGAIN') {
        await new Promise((res) => setImmediate(res));
        continue;
      }
      return r;
    }
    throw new Error(`too many redirects for ${args.join(' ')}`);
  }

  close(): void {
    for (const c of this.conns.values()) c.close();
  }
}

/** Pipelined writes in batches (creating large values quickly). */
async function pipeline(c: RawClient, cmds: Arg[][]): Promise<void> {
  for (const cmd of cmds) c.send(...cmd);
  for (const cmd of cmds) {
    const r = await c.reply(20000);
    expect(r instanceof RespError, `${cmd[0]}: ${String(r)}`).toBe(false);
  }
}

/** XOR over keys of SHA-1(name ‖ DEBUG DIGEST-VALUE): independent of key order. */
function slotDigest(db: Db, keys: Iterable<string>): string {
  const acc = Buffer.alloc(20);
  for (const key of keys) {
    const d = createHash('sha1').update(key, 'latin1').update(keyDigest(db, key)).digest();
    for (let i = 0; i < 20; i++) acc[i] ^= d[i];
  }
  return acc.toString('hex');
}

function members(prefix: string, n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${from + i}`);
}

async function fillSet(c: RawClient, key: string, n: number): Promise<void> {
  const cmds: Arg[][] = [];
  for (let i = 0; i < n; i += 5000) cmds.push(['SADD', key, ...members('m', Math.min(5000, n - i), i)]);
  await pipeline(c, cmds);
}

/** A pair of cluster nodes for the enclosing describe: started before its tests, stopped after. */
function usePair(): Awaited<ReturnType<typeof pair>> {
  const p = {} as Awaited<ReturnType<typeof pair>>;
  beforeAll(async () => {
    Object.assign(p, await pair());
  });
  afterAll(async () => {
    p.ca.close();
    p.cb.close();
    await Promise.all([p.a.stop(), p.b.stop()]);
  });
  return p;
}

describe('MIGRATE between cluster nodes', () => {
  const p = usePair();
  const slot = keySlot('mv');

  test('sends RESTORE-ASKING to an importing target; the key then answers ASK on the source', async () => {
    expect(await p.ca.call('SET', '{mv}small', 'v', 'PX', 100000)).toBe('OK');
    await openSlot(p, slot);
    expect(await p.ca.call('MIGRATE', '127.0.0.1', p.b.port, '{mv}small', 0, 5000)).toBe('OK');
    expect(await p.ca.call('GET', '{mv}small')).toEqual(new RespError(`ASK ${slot} 127.0.0.1:${p.b.port}`));
    // Without ASKING the importing target redirects back to the owner.
    expect(await p.cb.call('GET', '{mv}small')).toEqual(new RespError(`MOVED ${slot} 127.0.0.1:${p.a.port}`));
    p.cb.send('ASKING');
    p.cb.send('GET', '{mv}small');
    expect(await p.cb.reply()).toBe('OK');
    expect(await p.cb.reply()).toBe('v');
    // MIGRATE itself runs on an open slot even when its key is gone (no ASK).
    expect(await p.ca.call('MIGRATE', '127.0.0.1', p.b.port, '{mv}small', 0, 5000)).toBe('NOKEY');
  });

  test('large values of every chunkable type move in several chunks, intact', async () => {
    const n = 300_000;
    const slot = keySlot('lv');
    await fillSet(p.ca, '{lv}set', n);
    const half = 25_000;
    await pipeline(p.ca, [
      ...Array.from({ length: half / 5000 }, (_, i) => ['RPUSH', '{lv}list', ...members('e', 5000, i * 5000)]),
      ...Array.from({ length: half / 5000 }, (_, i) => ['HSET', '{lv}hash', ...members('f', 5000, i * 5000).flatMap((f) => [f, `v${f}`])]),
      ...Array.from({ length: half / 5000 }, (_, i) => ['ZADD', '{lv}zset', ...members('z', 5000, i * 5000).flatMap((m, j) => [(i * 5000 + j) / 7, m])]),
      ['PEXPIRE', '{lv}list', 100000],
      ...Array.from({ length: half }, (_, i) => ['XADD', '{lv}stream', `${i + 1}-1`, 'f', `v${i}`]),
      ['XDEL', '{lv}stream', '7-1'],
      ['XGROUP', 'CREATE', '{lv}stream', 'g', '0'],
      // Few but big elements: parts are bounded by bytes too.
      ['RPUSH', '{lv}fat', ...Array.from({ length: 30 }, (_, i) => String(i).repeat(300_000).slice(0, 300_000))],
      ['XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', 3, 'STREAMS', '{lv}stream', '>'],
    ]);
    const before = {
      list: await p.ca.call('LRANGE', '{lv}list', 0, -1),
      hash: await p.ca.call('HGETALL', '{lv}hash'),
      zset: await p.ca.call('ZRANGE', '{lv}zset', 0, -1, 'WITHSCORES'),
      stream: await p.ca.call('XRANGE', '{lv}stream', '-', '+'),
      info: await p.ca.call('XINFO', 'STREAM', '{lv}stream', 'FULL'),
      fat: await p.ca.call('LRANGE', '{lv}fat', 0, -1),
    };
    await openSlot(p, slot);
    const parts0 = partialImports(p.b.server).partsReceived;
    const r = await p.ca.call('MIGRATE', '127.0.0.1', p.b.port, '', 0, 10000, 'KEYS', '{lv}set', '{lv}list', '{lv}hash', '{lv}zset', '{lv}stream', '{lv}fat');
    expect(r).toBe('OK');
    const parts = partialImports(p.b.server).partsReceived - parts0;
    const fatParts = Math.ceil((30 * 300_000) / CHUNK_BYTES);
    expect(parts).toBeGreaterThanOrEqual(Math.ceil(n / CHUNK_ELEMENTS) + 4 * Math.ceil(half / CHUNK_ELEMENTS) + fatParts);
    expect(partialImports(p.b.server).size).toBe(0);
    expect(await p.ca.call('CLUSTER', 'COUNTKEYSINSLOT', slot)).toBe(0);
    const asking = async (...args: Arg[]) => {
      p.cb.send('ASKING');
      p.cb.send(...args);
      expect(await p.cb.reply()).toBe('OK');
      return p.cb.reply(20000);
    };
    expect(await asking('SCARD', '{lv}set')).toBe(n);
    const got = (await asking('SMEMBERS', '{lv}set')) as string[];
    expect(new Set(got)).toEqual(new Set(members('m', n)));
    expect(await asking('LRANGE', '{lv}list', 0, -1)).toEqual(before.list);
    // A hashtable's field order is not kept (as with Redis's RESTORE); its content is.
    const pairs = (flat: Reply) => new Map(((flat as string[]).flatMap((_, i, a) => (i % 2 ? [] : [[a[i], a[i + 1]] as const]))));
    expect(pairs(await asking('HGETALL', '{lv}hash'))).toEqual(pairs(before.hash));
    expect(await asking('ZRANGE', '{lv}zset', 0, -1, 'WITHSCORES')).toEqual(before.zset);
    expect(await asking('XRANGE', '{lv}stream', '-', '+')).toEqual(before.stream);
    expect(await asking('XINFO', 'STREAM', '{lv}stream', 'FULL')).toEqual(before.info);
    expect(await asking('LRANGE', '{lv}fat', 0, -1)).toEqual(before.fat);
    const ttl = (await asking('PTTL', '{lv}list')) as number;
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(100000);
  });

  test('a command on a key in transfer waits for it (then follows ASK); other keys are served meanwhile', async () => {
    const slot = keySlot('hd');
    await fillSet(p.ca, '{hd}held', 200_000);
    expect(await p.ca.call('SET', '{hd}other', 'free')).toBe('OK');
    await openSlot(p, slot);
    const [c1, c2] = await Promise.all([RawClient.connect(p.a.port), RawClient.connect(p.a.port)]);
    const order: string[] = [];
    const migrating = p.ca.call('MIGRATE', '127.0.0.1', p.b.port, '{hd}held', 0, 10000).then((r) => (order.push('migrate'), r));
    await waitUntil(() => p.a.server.keysInTransfer?.isHeld(p.a.server.dbs[0], '{hd}held') === true, 5000, 'transfer started', 1);
    // Sent after MIGRATE started: SADD must not reach the value being transferred.
    const write = c1.call('SADD', '{hd}held', 'late').then((r) => (order.push('write'), r));
    const other = c2.call('GET', '{hd}other').then((r) => (order.push('other'), r));
    expect(await other).toBe('free');
    expect(await migrating).toBe('OK');
    expect(await write).toEqual(new RespError(`ASK ${slot} 127.0.0.1:${p.b.port}`));
    expect(order[0]).toBe('other');
    p.cb.send('ASKING');
    p.cb.send('SISMEMBER', '{hd}held', 'late');
    await p.cb.reply();
    expect(await p.cb.reply()).toBe(0);
    c1.close();
    c2.close();
  });

  test('a large value meets BUSYKEY on the target unless REPLACE; the target keeps its key meanwhile', async () => {
    const slot = keySlot('bk');
    await fillSet(p.ca, '{bk}s', 30_000);
    await openSlot(p, slot);
    // The target already holds another value under the name.
    p.cb.send('ASKING');
    p.cb.send('SET', '{bk}s', 'old');
    expect(await p.cb.reply()).toBe('OK');
    expect(await p.cb.reply()).toBe('OK');
    const busy = await p.ca.call('MIGRATE', '127.0.0.1', p.b.port, '{bk}s', 0, 10000);
    expect(busy).toEqual(new RespError('ERR Target instance replied with error: BUSYKEY Target key name already exists.'));
    expect(await p.ca.call('SCARD', '{bk}s')).toBe(30_000);
    expect(partialImports(p.b.server).size).toBe(0);
    expect(await p.ca.call('MIGRATE', '127.0.0.1', p.b.port, '{bk}s', 0, 10000, 'REPLACE')).toBe('OK');
    p.cb.send('ASKING');
    p.cb.send('SCARD', '{bk}s');
    await p.cb.reply();
    expect(await p.cb.reply()).toBe(30_000);
  });

  test('MIGRATE is refused inside MULTI; an EXEC touching a key in transfer waits for it', async () => {
    const slot = keySlot('tx');
    await fillSet(p.ca, '{tx}s', 100_000);
    await openSlot(p, slot);
    const c = await RawClient.connect(p.a.port);
    expect(await c.call('MULTI')).toBe('OK');
    expect(await c.call('MIGRATE', '127.0.0.1', p.b.port, '{tx}s', 0, 1000)).toBe('QUEUED');
    const inTx = (await c.call('EXEC')) as { message: string }[];
    expect(inTx.map((e) => e.message)).toEqual(['ERR MIGRATE is not allowed inside MULTI/EXEC or scripts (slotgate)']);
    expect(await c.call('MULTI')).toBe('OK');
    expect(await c.call('SCARD', '{tx}s')).toBe('QUEUED');
    const migrating = p.ca.call('MIGRATE', '127.0.0.1', p.b.port, '{tx}s', 0, 10000);
    await waitUntil(() => p.a.server.keysInTransfer?.isHeld(p.a.server.dbs[0], '{tx}s') === true, 5000, 'transfer started', 1);
    // EXEC waits for the transfer, then the key is gone from the source: the transaction gets ASK.
    expect(await c.call('EXEC')).toEqual(new RespError(`ASK ${slot} 127.0.0.1:${p.b.port}`));
    expect(await migrating).toBe('OK');
    c.close();
  });

  test('an abandoned chunked transfer is discarded; parts out of order are refused', async () => {
    const imports = partialImports(p.b.server);
    // A part is a DUMP payload of the value type: take one from a small set on A.
    expect(await p.ca.call('SADD', '{tmp}', 'x', 'y')).toBe(2);
    const bin = await RawClient.connect(p.a.port, { buffers: true });
    const part = (await bin.call('DUMP', '{tmp}')) as Buffer;
    bin.close();
    const chunk = async (...args: Arg[]) => {
      p.cb.send('ASKING');
      p.cb.send('CLUSTER', 'RESTORE-CHUNK', '{mv}partial', ...args);
      await p.cb.reply();
      return p.cb.reply();
    };
    expect(await chunk('t1', 0, part)).toBe('OK');
    expect(imports.size).toBe(1);
    expect(await chunk('t1', 2, part)).toEqual(new RespError('ERR RESTORE-CHUNK out of order: transfer discarded'));
    expect(imports.size).toBe(0);
    expect(await chunk('t2', 0, part)).toBe('OK');
    imports.sweep(Date.now() + 60_000);
    expect(imports.size).toBe(0);
    expect(await chunk('t2', 1, part, 'LAST', 0)).toEqual(new RespError('ERR RESTORE-CHUNK out of order: transfer discarded'));
    p.cb.send('ASKING');
    p.cb.send('EXISTS', '{mv}partial');
    await p.cb.reply();
    expect(await p.cb.reply()).toBe(0);
    expect(await p.ca.call('DEL', '{tmp}')).toBe(1);
  });
});

describe('moving one slot of 100k keys under load', () => {
  const p = usePair();
  const tag = 'hot';
  const slot = keySlot(tag);

  test('no key lost or resurrected, no value torn, every acknowledged INCR counted', async () => {
    expect(await p.ca.call('DEBUG', 'POPULATE', 100_000, `{${tag}}`)).toBe('OK');
    await fillSet(p.ca, `{${tag}}big`, 60_000);
    await pipeline(p.ca, Array.from({ length: 4 }, (_, i) => ['RPUSH', `{${tag}}biglist`, ...members('e', 5000, i * 5000)]));
    expect(await p.ca.call('CLUSTER', 'COUNTKEYSINSLOT', slot)).toBe(100_002);

    // Workers: own counters and strings (some pre-existing, so they are moved while in use).
    const workers = 4;
    const perWorker = 20;
    const expected = new Map<string, string | null>();
    const counts = new Map<string, number>();
    const added: string[] = [];
    const setup = new Follower(p.a.port);
    for (let w = 0; w < workers; w++) {
      for (let i = 0; i < perWorker; i += 2) {
        expect(await setup.call('SET', `{${tag}}s:${w}:${i}`, 'init')).toBe('OK');
        expected.set(`{${tag}}s:${w}:${i}`, 'init');
        expect(await setup.call('SET', `{${tag}}c:${w}:${i}`, '0')).toBe('OK');
        counts.set(`{${tag}}c:${w}:${i}`, 0);
      }
    }
    setup.close();
    let stop = false;
    const failures: string[] = [];
    const work = async (w: number) => {
      const f = new Follower(p.a.port);
      let n = 0;
      while (!stop) {
        const i = n % perWorker;
        const op = n % 4;
        n++;
        if (op === 0) {
          const key = `{${tag}}c:${w}:${i}`;
          const r = await f.call('INCR', key);
          if (typeof r !== 'number') failures.push(`INCR ${key}: ${String(r)}`);
          else counts.set(key, (counts.get(key) ?? 0) + 1);
        } else if (op === 1) {
          const key = `{${tag}}s:${w}:${i}`;
          const val = `v${w}-${n}-${'x'.repeat(n % 50)}`;
          const r = await f.call('SET', key, val);
          if (r !== 'OK') failures.push(`SET ${key}: ${String(r)}`);
          else expected.set(key, val);
        } else if (op === 2) {
          const key = `{${tag}}s:${w}:${i}`;
          const r = await f.call('GET', key);
          if (r !== (expected.get(key) ?? null)) failures.push(`GET ${key}: ${String(r)} != ${expected.get(key)}`);
        } else if (w !== 0) {
          // Deleted keys must stay deleted (not resurrected by a transfer).
          const key = `{${tag}}s:${w}:${(i + 5) % perWorker}`;
          const r = await f.call('DEL', key);
          if (r !== (expected.get(key) == null ? 0 : 1)) failures.push(`DEL ${key}: ${String(r)}`);
          else if (expected.has(key)) expected.set(key, null);
        } else {
          const m = `added-${n}`;
          const r = await f.call('SADD', `{${tag}}big`, m);
          if (r !== 1) failures.push(`SADD ${m}: ${String(r)}`);
          else added.push(m);
        }
      }
      f.close();
      return f.redirects;
    };
    const running = Array.from({ length: workers }, (_, w) => work(w));

    await openSlot(p, slot);
    const ctl = await RawClient.connect(p.a.port);
    const batches = await moveSlot(p, slot, 1000, ctl);
    ctl.close();
    // Keep hammering a little after the hand-over (MOVED to the new owner), then stop.
    const probe = new Follower(p.a.port);
    for (let i = 0; i < 20; i++) await probe.call('GET', `{${tag}}0`);
    probe.close();
    stop = true;
    const redirects = (await Promise.all(running)).reduce((a, b) => a + b, 0);

    expect(failures).toEqual([]);
    expect(batches).toBeGreaterThanOrEqual(100);
    expect(redirects).toBeGreaterThan(0);
    expect([...counts.values()].some((n) => n > 0)).toBe(true);
    expect(await p.ca.call('CLUSTER', 'COUNTKEYSINSLOT', slot)).toBe(0);
    const keysOnB = (await p.cb.call('CLUSTER', 'COUNTKEYSINSLOT', slot)) as number;
    const live = [...expected.values()].filter((v) => v !== null).length;
    expect(keysOnB).toBe(100_002 + live + counts.size);

    // Every populated key holds its value; every worker key its last acknowledged value.
    const cb = p.cb;
    for (let i = 0; i < 100_000; i += 5000) {
      const keys = Array.from({ length: 5000 }, (_, j) => `{${tag}}:${i + j}`);
      const vals = (await cb.call('MGET', ...keys)) as string[];
      vals.forEach((v, j) => {
        if (v !== `value:${i + j}`) failures.push(`${keys[j]} = ${v}`);
      });
    }
    for (const [key, val] of expected) if ((await cb.call('GET', key)) !== val) failures.push(`final ${key}`);
    for (const [key, n] of counts) if ((await cb.call('GET', key)) !== String(n)) failures.push(`final ${key} != ${n}`);
    expect(failures).toEqual([]);
    expect(await cb.call('SCARD', `{${tag}}big`)).toBe(60_000 + added.length);
    if (added.length > 0) expect(await cb.call('SMISMEMBER', `{${tag}}big`, ...added)).toEqual(added.map(() => 1));
    expect(await cb.call('LLEN', `{${tag}}biglist`)).toBe(20_000);
    expect(await cb.call('LINDEX', `{${tag}}biglist`, 12345)).toBe('e12345');

    // Slot digests (name + DEBUG DIGEST-VALUE of every key): the source's slot is empty, the
    // target's equals a reference node loaded with exactly what the clients expect.
    const ref = await startNode();
    try {
      const rc = await RawClient.connect(ref.port);
      expect(await rc.call('DEBUG', 'POPULATE', 100_000, `{${tag}}`)).toBe('OK');
      await fillSet(rc, `{${tag}}big`, 60_000);
      const writes: Arg[][] = Array.from({ length: 4 }, (_, i) => ['RPUSH', `{${tag}}biglist`, ...members('e', 5000, i * 5000)]);
      if (added.length > 0) writes.push(['SADD', `{${tag}}big`, ...added]);
      for (const [key, val] of expected) if (val !== null) writes.push(['SET', key, val]);
      for (const [key, n] of counts) writes.push(['SET', key, String(n)]);
      await pipeline(rc, writes);
      rc.close();
      const refDb = ref.server.dbs[0];
      const onB = p.b.server.dbs[0].slotIndex!.keys(slot, Infinity);
      expect(onB.length).toBe(refDb.size);
      expect(slotDigest(p.b.server.dbs[0], onB)).toBe(slotDigest(refDb, refDb.dict.keys()));
      expect(p.a.server.dbs[0].slotIndex!.keys(slot, Infinity)).toEqual([]);
    } finally {
      await ref.stop();
    }
  }, 60_000);
});
