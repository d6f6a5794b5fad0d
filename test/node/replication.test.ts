/**
 * Master/replica replication between in-process nodes: full sync under load, partial resync,
 * promotion with replid2, chained replicas, READONLY, WAIT, min-replicas-to-write, INFO/ROLE.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { waitUntil } from '../helpers/guarded-process.js';

const nodes: InProcessNode[] = [];
const clients: Redis[] = [];

async function node(args: string[] = []): Promise<{ n: InProcessNode; io: Redis }> {
  const n = await startNode(args);
  nodes.push(n);
  const io = new Redis({ port: n.port, maxRetriesPerRequest: 1 });
  clients.push(io);
  return { n, io };
}

afterAll(async () => {
  for (const io of clients) io.disconnect();
  for (const n of nodes) await n.stop();
});

async function info(io: Redis, section: string): Promise<Record<string, string>> {
  const text = await io.info(section);
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Waits until the replica has applied everything the master produced. */
async function caughtUp(master: Redis, replica: Redis): Promise<void> {
  await waitUntil(async () => {
    const [m, r] = await Promise.all([info(master, 'replication'), info(replica, 'replication')]);
    return r.master_link_status === 'up' && r.slave_repl_offset === m.master_repl_offset;
  }, 15_000, 'replica to catch up');
}

async function replicate(replica: Redis, master: InProcessNode): Promise<void> {
  expect(await replica.call('REPLICAOF', '127.0.0.1', String(master.port))).toBe('OK');
}

let m: { n: InProcessNode; io: Redis };
let r: { n: InProcessNode; io: Redis };

beforeAll(async () => {
  m = await node();
  r = await node();
});

test('full sync of 100k keys while the master keeps writing', async () => {
  expect(await m.io.call('DEBUG', 'POPULATE', '100000')).toBe('OK');
  await m.io.set('before', 'x', 'EX', 1000);
  // A write load running before, during and after the transfer.
  const writer = new Redis({ port: m.n.port });
  clients.push(writer);
  let stop = false;
  let batches = 0;
  const load = (async () => {
    for (let i = 0; !stop; i++, batches++) {
      const p = writer.pipeline();
      for (let j = 0; j < 50; j++) p.incr(`ctr:${j % 7}`).hset(`h:${j}`, 'f', String(i)).lpush('l', String(i * 100 + j)).set(`key:${(i * 50 + j) % 100000}`, String(i));
      await p.exec();
    }
  })();
  await waitUntil(() => batches > 2, 5000, 'load to start');
  await replicate(r.io, m.n);
  await waitUntil(async () => (await info(r.io, 'replication')).master_link_status === 'up', 20_000, 'link up');
  const atSync = batches;
  await waitUntil(() => batches > atSync + 5, 10_000, 'load after the sync');
  stop = true;
  await load;
  await caughtUp(m.io, r.io);
  expect(await r.io.dbsize()).toBe(await m.io.dbsize());
  expect(await r.io.call('DEBUG', 'DIGEST')).toBe(await m.io.call('DEBUG', 'DIGEST'));
  expect(await r.io.get('key:99999')).toBe('value:99999');
  expect(await r.io.call('PEXPIRETIME', 'before')).toBe(await m.io.call('PEXPIRETIME', 'before'));
  const mi = await info(m.io, 'stats');
  expect(Number(mi.sync_full)).toBe(1);
}, 60_000);

test('INFO replication and ROLE on both sides', async () => {
  const mi = await info(m.io, 'replication');
  expect(mi.role).toBe('master');
  expect(mi.connected_slaves).toBe('1');
  expect(mi.slave0).toMatch(new RegExp(`^ip=127\\.0\\.0\\.1,port=${r.n.port},state=online,offset=\\d+,lag=\\d+$`));
  expect(mi.repl_backlog_active).toBe('1');
  expect(mi.master_replid).toMatch(/^[0-9a-f]{40}$/);
  const ri = await info(r.io, 'replication');
  expect(ri).toMatchObject({
    role: 'slave', master_host: '127.0.0.1', master_port: String(m.n.port), master_link_status: 'up',
    master_sync_in_progress: '0', slave_read_only: '1', slave_priority: '100', master_replid: mi.master_replid,
  });
  const role = (await m.io.call('ROLE')) as unknown[];
  expect(role[0]).toBe('master');
  expect(role[2]).toEqual([['127.0.0.1', String(r.n.port), expect.stringMatching(/^\d+$/)]]);
  const rrole = (await r.io.call('ROLE')) as unknown[];
  expect(rrole.slice(0, 4)).toEqual(['slave', '127.0.0.1', m.n.port, 'connected']);
});

test('a replica refuses writes from clients: READONLY', async () => {
  await expect(r.io.set('k', 'v')).rejects.toThrow("READONLY You can't write against a read only replica.");
  await r.io.multi().get('x').exec().catch(() => undefined);
  expect(await r.io.call('REPLICAOF', '127.0.0.1', String(m.n.port))).toBe('OK Already connected to specified master');
  await expect(r.io.call('WAIT', '0', '0')).rejects.toThrow('ERR WAIT cannot be used with replica instances');
});

test('propagation rewrites: SET EX, EXPIRE, INCRBYFLOAT, SPOP, GETDEL, served BLPOP, expiry → DEL', async () => {
  await m.io.set('ex', 'v', 'EX', 100);
  await m.io.expire('before', 500);
  await m.io.set('f', '1.5');
  await m.io.incrbyfloat('f', '0.25');
  await m.io.sadd('s', ...Array.from({ length: 50 }, (_, i) => `m${i}`));
  await m.io.spop('s');
  await m.io.spop('s', 10);
  await m.io.set('gd', 'x');
  await m.io.getdel('gd');
  // A pop served to a blocked client later.
  const blocker = new Redis({ port: m.n.port });
  clients.push(blocker);
  const popped = blocker.blpop('bl', 5);
  await waitUntil(async () => (await info(m.io, 'clients')).blocked_clients === '1', 5000, 'BLPOP to block');
  await m.io.rpush('bl', 'a', 'b');
  expect(await popped).toEqual(['bl', 'a']);
  await caughtUp(m.io, r.io);
  for (const key of ['ex', 'before']) {
    expect(await r.io.call('PEXPIRETIME', key)).toBe(await m.io.call('PEXPIRETIME', key));
  }
  expect(await r.io.get('f')).toBe('1.75');
  expect((await r.io.smembers('s')).sort()).toEqual((await m.io.smembers('s')).sort());
  expect(await r.io.scard('s')).toBe(39);
  expect(await r.io.exists('gd')).toBe(0);
  expect(await r.io.lrange('bl', 0, -1)).toEqual(['b']);
  // Expiry: the replica keeps the key until the master's DEL, reading it as missing meanwhile.
  await m.io.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  await m.io.set('short', 'v', 'PX', 30);
  await caughtUp(m.io, r.io);
  await waitUntil(async () => (await r.io.get('short')) === null, 2000, 'key to expire logically');
  const sizeBefore = await r.io.dbsize();
  expect(await m.io.get('short')).toBeNull(); // lazy expiry on the master → DEL
  await caughtUp(m.io, r.io);
  expect(await r.io.dbsize()).toBe(sizeBefore - 1);
  await m.io.call('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  expect(await r.io.call('DEBUG', 'DIGEST')).toBe(await m.io.call('DEBUG', 'DIGEST'));
});

test("the master's stream sees keys the replica's clock already expired (clock skew)", async () => {
  await m.io.set('skew', '10');
  await caughtUp(m.io, r.io);
  // As if the replica's clock ran ahead: the key is past its time there, not on the master.
  r.n.server.dbs[0].setExpire('skew', Date.now() - 1000);
  expect(await r.io.get('skew')).toBeNull();
  await m.io.incr('skew');
  await m.io.expire('skew', 1000); // a new TTL makes it visible on the replica again
  await caughtUp(m.io, r.io);
  expect(await r.io.get('skew')).toBe('11');
});

test('stream IDs and consumer-group deliveries (also to a blocked reader) match on the replica', async () => {
  await m.io.xgroup('CREATE', 'xs', 'g', '$', 'MKSTREAM');
  await m.io.xadd('xs', '*', 'a', '1');
  await m.io.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 10, 'STREAMS', 'xs', '>');
  const reader = new Redis({ port: m.n.port });
  clients.push(reader);
  const later = reader.xreadgroup('GROUP', 'g', 'c2', 'BLOCK', 5000, 'STREAMS', 'xs', '>');
  await waitUntil(async () => (await info(m.io, 'clients')).blocked_clients === '1', 5000, 'XREADGROUP to block');
  await m.io.xadd('xs', '*', 'b', '2');
  expect(await later).toHaveLength(1);
  await caughtUp(m.io, r.io);
  expect(await r.io.xrange('xs', '-', '+')).toEqual(await m.io.xrange('xs', '-', '+'));
  const pending = async (io: Redis) => ((await io.xpending('xs', 'g', '-', '+', 10)) as unknown[][]).map((e) => [e[0], e[1], e[3]]);
  expect(await pending(r.io)).toEqual(await pending(m.io));
  expect((await pending(r.io)).map((e) => e[1])).toEqual(['c1', 'c2']);
});

test('MULTI/EXEC and SELECT travel in the stream', async () => {
  await m.io.multi().set('t1', 'a').incr('t2').exec();
  await m.io.select(3);
  await m.io.set('in3', 'yes');
  await m.io.select(0);
  await caughtUp(m.io, r.io);
  expect(await r.io.mget('t1', 't2')).toEqual(['a', '1']);
  await r.io.select(3);
  expect(await r.io.get('in3')).toBe('yes');
  await r.io.select(0);
});

test('WAIT counts replicas that acknowledged', async () => {
  await m.io.set('w', '1');
  expect(await m.io.call('WAIT', '1', '2000')).toBe(1);
  expect(await m.io.call('WAIT', '2', '100')).toBe(1);
  await expect(m.io.call('WAIT', '1', '-1')).rejects.toThrow('ERR timeout is negative');
});

test('a short disconnect resumes with a partial resync', async () => {
  const before = await info(m.io, 'stats');
  expect(await r.io.call('CLIENT', 'KILL', 'TYPE', 'master')).toBe(1);
  await m.io.set('during', 'gap');
  await caughtUp(m.io, r.io);
  expect(await r.io.get('during')).toBe('gap');
  const after = await info(m.io, 'stats');
  expect(Number(after.sync_partial_ok)).toBe(Number(before.sync_partial_ok) + 1);
  expect(after.sync_full).toBe(before.sync_full);
});

test('a replica whose offset left the backlog resyncs fully; one still covered continues', async () => {
  const top = await node(['--repl-backlog-size', '16384']);
  const rep = await node();
  await replicate(rep.io, top.n);
  await top.io.set('a', '1');
  await caughtUp(top.io, rep.io);
  // Point the replica elsewhere (nothing listens there), write, and come back.
  const away = async (write: () => Promise<unknown>) => {
    expect(await rep.io.call('REPLICAOF', '127.0.0.1', '1')).toBe('OK');
    await write();
    expect(await rep.io.call('REPLICAOF', '127.0.0.1', String(top.n.port))).toBe('OK');
    await caughtUp(top.io, rep.io);
    return info(top.io, 'stats');
  };
  let st = await away(() => top.io.set('small', 'x'));
  expect([st.sync_full, st.sync_partial_ok]).toEqual(['1', '1']);
  st = await away(() => top.io.set('big', 'v'.repeat(40_000)));
  // (The first sync counted a failed partial attempt too: a new replica offers its own history.)
  expect([st.sync_full, st.sync_partial_ok, st.sync_partial_err]).toEqual(['2', '1', '2']);
  expect(await rep.io.strlen('big')).toBe(40_000);
  const bi = await info(top.io, 'replication');
  expect(bi.repl_backlog_histlen).toBe('16384');
  // Shrinking keeps the most recent history.
  await top.io.config('SET', 'repl-backlog-size', '1024');
  const after = await info(top.io, 'replication');
  expect(after.repl_backlog_histlen).toBe('1024');
  expect(Number(after.repl_backlog_first_byte_offset)).toBe(Number(after.master_repl_offset) - 1024 + 1);
}, 30_000);

test('chained replica receives the same stream; promotion keeps others partial', async () => {
  const c = await node();
  await replicate(c.io, r.n);
  await m.io.set('chain', '1');
  await caughtUp(m.io, r.io);
  await caughtUp(r.io, c.io);
  expect(await c.io.get('chain')).toBe('1');
  expect((await info(c.io, 'replication')).master_replid).toBe((await info(m.io, 'replication')).master_replid);
  // A second replica of the master, then the first one is promoted and the second follows it.
  const r2 = await node();
  await replicate(r2.io, m.n);
  await caughtUp(m.io, r2.io);
  const oldId = (await info(m.io, 'replication')).master_replid;
  expect(await r.io.call('REPLICAOF', 'NO', 'ONE')).toBe('OK');
  const promoted = await info(r.io, 'replication');
  expect(promoted.role).toBe('master');
  expect(promoted.master_replid2).toBe(oldId);
  expect(Number(promoted.second_repl_offset)).toBe(Number(promoted.master_repl_offset) + 1);
  const statsBefore = await info(r.io, 'stats');
  await replicate(r2.io, r.n);
  await r.io.set('after-promotion', 'p');
  await caughtUp(r.io, r2.io);
  await caughtUp(r.io, c.io);
  expect(await r2.io.get('after-promotion')).toBe('p');
  expect(await c.io.get('after-promotion')).toBe('p');
  const statsAfter = await info(r.io, 'stats');
  expect(Number(statsAfter.sync_partial_ok)).toBeGreaterThanOrEqual(Number(statsBefore.sync_partial_ok) + 2);
  expect(statsAfter.sync_full).toBe(statsBefore.sync_full);
  // Writable again.
  expect(await r.io.set('k', 'v')).toBe('OK');
  // The old master, demoted, continues from where its history and the new master's agree.
  await replicate(m.io, r.n);
  await caughtUp(r.io, m.io);
  expect(await m.io.get('k')).toBe('v');
  const demoted = await info(r.io, 'stats');
  expect(Number(demoted.sync_partial_ok)).toBe(Number(statsAfter.sync_partial_ok) + 1);
  expect(demoted.sync_full).toBe(statsBefore.sync_full);
}, 30_000);

test('a replica relaying to its own replica tells it the stream database at full sync', async () => {
  const top = await node();
  const mid = await node();
  const leaf = await node();
  await top.io.select(3);
  await top.io.set('x', '1');
  await replicate(mid.io, top.n);
  await caughtUp(top.io, mid.io);
  await top.io.set('w', '0'); // the stream now says SELECT 3
  await caughtUp(top.io, mid.io);
  // The stream's last SELECT (3) is in the past: the next write carries none.
  await replicate(leaf.io, mid.n);
  await caughtUp(mid.io, leaf.io);
  await top.io.set('y', '2');
  await caughtUp(top.io, mid.io);
  await caughtUp(mid.io, leaf.io);
  await leaf.io.select(3);
  expect(await leaf.io.mget('x', 'y')).toEqual(['1', '2']);
  // And across a partial resync of the leaf.
  expect(await leaf.io.call('CLIENT', 'KILL', 'TYPE', 'master')).toBe(1);
  await top.io.set('z', '3');
  await caughtUp(top.io, mid.io);
  await caughtUp(mid.io, leaf.io);
  expect(await leaf.io.get('z')).toBe('3');
  expect((await info(mid.io, 'stats')).sync_partial_ok).toBe('1');
}, 30_000);

test('min-replicas-to-write refuses writes without enough good replicas', async () => {
  const solo = await node();
  await solo.io.config('SET', 'min-replicas-to-write', '1');
  await expect(solo.io.set('k', 'v')).rejects.toThrow('NOREPLICAS Not enough good replicas to write.');
  expect(await solo.io.get('k')).toBeNull();
  const rep = await node();
  await replicate(rep.io, solo.n);
  await waitUntil(async () => (await info(solo.io, 'replication')).slave0?.includes('state=online') ?? false, 5000, 'replica online');
  expect(await solo.io.set('k', 'v')).toBe('OK');
});
