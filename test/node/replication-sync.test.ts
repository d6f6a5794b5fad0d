/**
 * sync-replicas: a master acknowledges a write only once k replicas have it. Real processes, so
 * the master can be killed with SIGKILL mid-load and the replica promoted.
 */
import { Redis } from 'ioredis';
import { afterAll, expect, test } from 'vitest';
import { spawnNode, startNode, type InProcessNode, type SpawnedNode } from '../helpers/node.js';
import { waitUntil } from '../helpers/guarded-process.js';

const spawned: SpawnedNode[] = [];
const inProcess: InProcessNode[] = [];
const clients: Redis[] = [];

function connect(port: number): Redis {
  const io = new Redis({ port, maxRetriesPerRequest: 0, retryStrategy: () => null });
  io.on('error', () => undefined);
  clients.push(io);
  return io;
}

afterAll(async () => {
  for (const io of clients) io.disconnect();
  for (const n of inProcess) await n.stop();
  for (const n of spawned) await n.stop();
});

async function linkUp(replica: Redis): Promise<void> {
  await waitUntil(async () => (await replica.info('replication')).includes('master_link_status:up'), 10_000, 'replication link');
}

test('no acknowledged INCR is lost when the master is killed (sync-replicas 1)', async () => {
  const master = await spawnNode(['--sync-replicas', '1', '--sync-replicas-timeout', '5000']);
  spawned.push(master);
  const replica = await spawnNode(['--replicaof', '127.0.0.1', String(master.port)]);
  spawned.push(replica);
  const r = connect(replica.port);
  await linkUp(r);
  let acked = 0;
  let stop = false;
  // Four clients, each INCRs in a loop; an INCR counts once its reply arrived.
  const loops = Array.from({ length: 4 }, async () => {
    const io = connect(master.port);
    while (!stop) {
      try {
        await io.incr('counter');
        acked++;
      } catch {
        return;
      }
    }
  });
  await waitUntil(() => acked >= 300, 20_000, 'some acknowledged INCRs');
  await master.proc.stop(); // SIGKILL
  stop = true;
  await Promise.all(loops);
  expect(await r.call('REPLICAOF', 'NO', 'ONE')).toBe('OK');
  const counter = Number(await r.get('counter'));
  expect(acked).toBeGreaterThanOrEqual(300);
  expect(counter).toBeGreaterThanOrEqual(acked);
}, 60_000);

test('a write no replica acknowledges gets NOREPLICAS after the timeout; others are not held', async () => {
  const m = await startNode(['--sync-replicas', '1', '--sync-replicas-timeout', '300']);
  inProcess.push(m);
  const writer = connect(m.port);
  const other = connect(m.port);
  await writer.ping();
  let settled = false;
  const write = writer.set('k', 'v').then(
    () => 'ok',
    (e: Error) => e.message,
  ).finally(() => (settled = true));
  // Later commands of the same client wait behind the held reply, in order.
  const next = writer.get('k');
  expect(await other.get('k')).toBe('v');
  expect(settled).toBe(false);
  expect(await write).toMatch(/^NOREPLICAS Not enough replicas acknowledged the write within sync-replicas-timeout \(0 of 1\)/);
  expect(await next).toBe('v');
  // Reads are never held.
  expect(await writer.get('k')).toBe('v');
});

test('with a replica attached, writes are acknowledged in order', async () => {
  const m = await startNode(['--sync-replicas', '1', '--sync-replicas-timeout', '5000']);
  const rep = await startNode();
  inProcess.push(m, rep);
  const r = connect(rep.port);
  expect(await r.call('REPLICAOF', '127.0.0.1', String(m.port))).toBe('OK');
  await linkUp(r);
  const io = connect(m.port);
  const p = io.pipeline();
  for (let i = 0; i < 50; i++) p.incr('n').get('n');
  const replies = (await p.exec())!.map(([err, v]) => err?.message ?? v);
  const expected: unknown[] = [];
  for (let i = 1; i <= 50; i++) expected.push(i, String(i));
  expect(replies).toEqual(expected);
  // Acknowledged means the replica has it.
  expect(await r.get('n')).toBe('50');
  const tx = await io.multi().incr('n').incr('n').exec();
  expect(tx!.map(([, v]) => v)).toEqual([51, 52]);
  expect(await r.get('n')).toBe('52');
});
