/**
 * Cluster-mode behaviour around slot moves: blocked clients on a slot that moved away get -MOVED
 * (or -CLUSTERDOWN), READONLY/READWRITE on a replica (CLUSTER REPLICATE), and the
 * cluster-config-file that lets a restarted `slotgate node` keep its id, slots and peers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { keySlot } from '../../lib/slot/index.js';
import { parse, serialize } from '../../nodes/cluster/config-file.js';
import { ClusterState } from '../../nodes/cluster/state.js';
import { attachClusterConfig } from '../../nodes/cluster/config-file.js';
import { loadNodeConfig } from '../../nodes/config.js';
import { NodeServer } from '../../nodes/server.js';
import { parseCommandLine } from '../../lib/config/redis-conf.js';
import { waitUntil } from '../helpers/guarded-process.js';
import { spawnNode, startNode, type InProcessNode } from '../helpers/node.js';
import { RawClient, RespError } from '../helpers/raw-client.js';
import { Differ, startRedis, type RedisServer } from '../helpers/redis-server.js';

const moved = (slot: number, port: number) => new RespError(`MOVED ${slot} 127.0.0.1:${port}`);

async function twoNodes(): Promise<{ a: InProcessNode; b: InProcessNode; ca: RawClient; cb: RawClient; idA: string; idB: string }> {
  const [a, b] = await Promise.all([startNode(['--cluster-enabled', 'yes']), startNode(['--cluster-enabled', 'yes'])]);
  const [ca, cb] = await Promise.all([RawClient.connect(a.port), RawClient.connect(b.port)]);
  const idA = (await ca.call('CLUSTER', 'MYID')) as string;
  const idB = (await cb.call('CLUSTER', 'MYID')) as string;
  expect(await ca.call('CLUSTER', 'SETNODE', idB, `127.0.0.1:${b.port}`)).toBe('OK');
  expect(await cb.call('CLUSTER', 'SETNODE', idA, `127.0.0.1:${a.port}`)).toBe('OK');
  return { a, b, ca, cb, idA, idB };
}

describe('blocked clients on a slot that stops being served here', () => {
  let n: Awaited<ReturnType<typeof twoNodes>>;
  beforeAll(async () => {
    n = await twoNodes();
    expect(await n.ca.call('CLUSTER', 'ADDSLOTSRANGE', 0, 16383)).toBe('OK');
  });
  afterAll(async () => {
    n.ca.close();
    n.cb.close();
    await Promise.all([n.a.stop(), n.b.stop()]);
  });

  test('BLPOP is unblocked with -MOVED when its slot is assigned to another node', async () => {
    const slot = keySlot('{bl}q');
    const waiter = await RawClient.connect(n.a.port);
    const other = await RawClient.connect(n.a.port);
    waiter.send('BLPOP', '{bl}q', 0);
    other.send('BZPOPMIN', '{zz}q', 0); // another slot: stays blocked
    await waitUntil(() => n.a.server.blocking.count === 2, 5000, 'two blocked clients');
    expect(await n.ca.call('CLUSTER', 'SETSLOT', slot, 'NODE', n.idB)).toBe('OK');
    expect(await waiter.reply()).toEqual(moved(slot, n.b.port));
    // The connection goes on normally afterwards.
    expect(await waiter.call('GET', '{bl}q')).toEqual(moved(slot, n.b.port));
    expect(await n.ca.call('ZADD', '{zz}q', 1, 'm')).toBe(1);
    expect(await other.reply()).toEqual(['{zz}q', 'm', '1']);
    waiter.close();
    other.close();
  });

  test('a blocked client on a slot that becomes unassigned gets -CLUSTERDOWN', async () => {
    const slot = keySlot('{gone}q');
    const waiter = await RawClient.connect(n.a.port);
    waiter.send('BLPOP', '{gone}q', 0);
    await waitUntil(() => n.a.server.blocking.count === 1, 5000, 'a blocked client');
    expect(await n.ca.call('CLUSTER', 'DELSLOTS', slot)).toBe('OK');
    expect(await waiter.reply()).toEqual(new RespError('CLUSTERDOWN Hash slot not served'));
    waiter.close();
  });
});

describe('READONLY and READWRITE on a replica', () => {
  let n: Awaited<ReturnType<typeof twoNodes>>;
  let ref: RedisServer;
  const slot = keySlot('foo');

  beforeAll(async () => {
    [n, ref] = await Promise.all([twoNodes(), startRedis(['--cluster-enabled', 'yes'])]);
    // A is the master owning the slot; B is told the table and its master, as the coordinator does.
    expect(await n.ca.call('CLUSTER', 'ADDSLOTS', slot)).toBe('OK');
    expect(await n.cb.call('CLUSTER', 'SETSLOT', slot, 'NODE', n.idA)).toBe('OK');
  });
  afterAll(async () => {
    n.ca.close();
    n.cb.close();
    await Promise.all([n.a.stop(), n.b.stop(), ref.stop()]);
  });

  test('CLUSTER REPLICATE errors are worded as Redis words them', async () => {
    const d = await Differ.connect(n.b.port, ref.port);
    const unknown = 'f'.repeat(40);
    const { ours, ref: theirs } = await d.both('CLUSTER', 'REPLICATE', unknown);
    expect(ours).toEqual(theirs);
    const mine = await d.ours.call('CLUSTER', 'MYID');
    const refMine = await d.ref.call('CLUSTER', 'MYID');
    expect(await d.ours.call('CLUSTER', 'REPLICATE', mine as string)).toEqual(await d.ref.call('CLUSTER', 'REPLICATE', refMine as string));
    d.close();
  });

  test('a replica redirects unless the client sent READONLY and the command only reads', async () => {
    expect(await n.cb.call('CLUSTER', 'REPLICATE', n.idA)).toBe('OK');
    n.b.server.role = 'replica'; // kept by replication (REPLICAOF) in a real deployment
    n.b.server.dbs[0].set('foo', 'bar');
    const c = await RawClient.connect(n.b.port);
    expect(await c.call('GET', 'foo')).toEqual(moved(slot, n.a.port));
    expect(await c.call('READONLY')).toBe('OK');
    expect(await c.call('GET', 'foo')).toBe('bar');
    expect(await c.call('SET', 'foo', 'x')).toEqual(moved(slot, n.a.port));
    expect(await c.call('MULTI')).toBe('OK');
    expect(await c.call('GET', 'foo')).toBe('QUEUED');
    expect(await c.call('STRLEN', 'foo')).toBe('QUEUED');
    expect(await c.call('EXEC')).toEqual(['bar', 3]);
    // Slots of other masters are still redirected.
    const elsewhere = keySlot('somewhere-else');
    expect(await c.call('GET', 'somewhere-else')).toEqual(new RespError('CLUSTERDOWN Hash slot not served'));
    expect(elsewhere).not.toBe(slot);
    expect(await c.call('READWRITE')).toBe('OK');
    expect(await c.call('GET', 'foo')).toEqual(moved(slot, n.a.port));
    const nodes = (await c.call('CLUSTER', 'NODES')) as string;
    expect(nodes).toContain(`${n.idB} 127.0.0.1:${n.b.port}@${n.b.port + 10000} myself,slave ${n.idA} `);
    c.close();
  });

  test('a master does not serve its READONLY clients keys of another node', async () => {
    const c = await RawClient.connect(n.a.port);
    expect(await c.call('READONLY')).toBe('OK');
    n.a.server.role = 'master';
    expect(await c.call('GET', 'foo')).toBe(null);
    expect(await n.ca.call('CLUSTER', 'SETSLOT', slot, 'NODE', n.idB)).toBe('OK');
    expect(await c.call('GET', 'foo')).toEqual(moved(slot, n.b.port));
    c.close();
  });
});

/** What `slotgate node` (nodes/main.ts) does in cluster mode: load the file, keep it current, listen. */
async function nodeWithConfigFile(args: string[]): Promise<NodeServer> {
  const { directives } = parseCommandLine(args);
  const { config, extras } = loadNodeConfig(undefined, directives);
  const server = new NodeServer(config, extras);
  attachClusterConfig(server);
  await server.start();
  return server;
}

describe('cluster-config-file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slotgate-nodesconf-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a restarted node keeps its id, slots, open slots and peers', async () => {
    const args = ['--port', '0', '--cluster-enabled', 'yes', '--dir', dir, '--loglevel', 'warning', '--cluster-config-file', 'n1.conf'];
    const first = await nodeWithConfigFile(args);
    const c1 = await RawClient.connect(first.port);
    const id = (await c1.call('CLUSTER', 'MYID')) as string;
    const peer = 'a'.repeat(40);
    expect(await c1.call('CLUSTER', 'SETNODE', peer, '127.0.0.1:7001')).toBe('OK');
    expect(await c1.call('CLUSTER', 'ADDSLOTSRANGE', 0, 99, 200, 300)).toBe('OK');
    expect(await c1.call('CLUSTER', 'SETSLOT', 5, 'MIGRATING', peer)).toBe('OK');
    expect(await c1.call('CLUSTER', 'SETSLOT', 1000, 'NODE', peer)).toBe('OK');
    const nodesBefore = await c1.call('CLUSTER', 'NODES');
    const slotsBefore = await c1.call('CLUSTER', 'SLOTS');
    c1.close();
    await first.stop();
    const text = fs.readFileSync(path.join(dir, 'n1.conf'), 'utf8');
    expect(text).toContain(`myself ${id}`);
    expect(text).toContain(`slots ${id} 0-99 200-300`);

    const second = await nodeWithConfigFile(args);
    const c2 = await RawClient.connect(second.port);
    expect(await c2.call('CLUSTER', 'MYID')).toBe(id);
    const strip = (s: unknown) =>
      [first.port + 10000, second.port + 10000, first.port, second.port].reduce((t, p) => t.replaceAll(String(p), 'P'), String(s));
    expect(strip(await c2.call('CLUSTER', 'NODES'))).toBe(strip(nodesBefore));
    expect(strip(JSON.stringify(await c2.call('CLUSTER', 'SLOTS')))).toBe(strip(JSON.stringify(slotsBefore)));
    c2.close();
    await second.stop();
  });

  test('a restarted `slotgate node` process keeps its id and slots (spawnNode)', async () => {
    const confDir = fs.mkdtempSync(path.join(dir, 'spawn-'));
    const args = ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(confDir, 'nodes.conf')];
    const first = await spawnNode(args);
    let id: string;
    try {
      const c = await RawClient.connect(first.port);
      id = (await c.call('CLUSTER', 'MYID')) as string;
      expect(await c.call('CLUSTER', 'ADDSLOTSRANGE', 100, 200)).toBe('OK');
      c.close();
    } finally {
      await first.stop();
    }
    const second = await spawnNode(args);
    try {
      const c = await RawClient.connect(second.port);
      expect(await c.call('CLUSTER', 'MYID')).toBe(id);
      expect(await c.call('CLUSTER', 'SLOTS')).toEqual([[100, 200, ['127.0.0.1', second.port, id, []]]]);
      c.close();
    } finally {
      await second.stop();
    }
  });

  test('the format round-trips and a corrupted file is refused', () => {
    const st = new ClusterState(() => ({ host: '127.0.0.1', port: 1 }));
    st.peers.set('b'.repeat(40), { id: 'b'.repeat(40), host: '10.0.0.2', port: 6380 });
    st.masterId = 'b'.repeat(40);
    st.assign(7, 'b'.repeat(40));
    st.importing.set(9, 'b'.repeat(40));
    const copy = new ClusterState(() => ({ host: '127.0.0.1', port: 1 }));
    parse(serialize(st), copy);
    expect(serialize(copy)).toBe(serialize(st));
    expect(copy.myId).toBe(st.myId);
    expect(() => parse('slots nothex 1-2\n', copy)).toThrow(/corrupted cluster config file, line 1/);
  });
});
