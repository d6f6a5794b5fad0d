import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../lib/store/index.js';
import { clusterPaths, waitForProxyAcks } from '../../lib/store/cluster.js';
import { parseProxy, toBytes, type GroupRecord, type SlotsDoc } from '../../lib/store/records.js';
import { StoreTopology } from '../../proxy/topology.js';
import type { RouteTable } from '../../proxy/route-table.js';
import { waitUntil } from '../helpers/guarded-process.js';
import { startZooKeeper, type ZooKeeperServer } from '../helpers/zookeeper.js';
import { openTcpGate } from '../store/tcp-gate.js';

const WAIT_MS = 10_000;
let clusterSeq = 0;

/** The same behaviour against both store implementations. */
function topologySuite(open: () => Promise<Store>): void {
  const stores: Store[] = [];
  const topologies: StoreTopology[] = [];
  afterEach(async () => {
    await Promise.all(topologies.splice(0).map((t) => t.close()));
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  /** A fresh cluster name, a "coordinator" store writing records and a proxy's topology. */
  async function setup(id = 'p1') {
    const cluster = `c${++clusterSeq}`;
    const paths = clusterPaths(cluster);
    const admin = await open();
    const proxyStore = await open();
    stores.push(admin, proxyStore);
    const warnings: string[] = [];
    const notices: string[] = [];
    const topo = new StoreTopology(proxyStore, cluster, { id, addr: '127.0.0.1:19000', adminAddr: '127.0.0.1:11080' }, {
      log: { warning: (m) => warnings.push(m), notice: (m) => notices.push(m) },
    });
    topologies.push(topo);
    const tables: RouteTable[] = [];
    topo.on('table', (t: RouteTable) => tables.push(t));
    const put = async (p: string, rec: object) => {
      const cur = await admin.get(p);
      if (cur) await admin.set(p, toBytes(rec), cur.version);
      else await admin.create(p, toBytes(rec), { parents: true });
    };
    const putRaw = async (p: string, data: string) => { await admin.set(p, Buffer.from(data)); };
    const group = (gid: number, master: string, replicas: string[] = [], epoch = 1): GroupRecord => ({
      id: gid, epoch, servers: [{ addr: master, role: 'master' }, ...replicas.map((addr) => ({ addr, role: 'replica' as const }))],
    });
    const until = (what: string, probe: () => boolean) => waitUntil(probe, WAIT_MS, what, 20);
    return { cluster, paths, admin, topo, tables, warnings, notices, put, putRaw, group, until };
  }

  /** Two groups splitting the slots in half, epoch 1. */
  async function twoGroups(s: Awaited<ReturnType<typeof setup>>) {
    await s.put(s.paths.group(1), s.group(1, '127.0.0.1:7001', ['127.0.0.1:7101']));
    await s.put(s.paths.group(2), s.group(2, '127.0.0.1:7002'));
    await s.put(s.paths.slots, { epoch: 1, owners: [[0, 8191, 1], [8192, 16383, 2]], moving: {} } satisfies SlotsDoc);
    await s.until('first table', () => s.tables.length > 0);
  }

  it('registers an ephemeral proxy record and removes it on close', async () => {
    const s = await setup('px');
    await s.topo.start();
    const rec = parseProxy((await s.admin.get(s.paths.proxy('px')))!.data);
    expect(rec).toMatchObject({ id: 'px', addr: '127.0.0.1:19000', adminAddr: '127.0.0.1:11080', pid: process.pid, slotsEpoch: 0, unreachable: [] });
    expect(await s.admin.children(s.paths.proxies)).toEqual(['px']);
    await s.topo.close();
    expect(await s.admin.get(s.paths.proxy('px'))).toBeNull();
  });

  it('emits nothing until the table is complete, then the owners, epoch and moving slots', async () => {
    const s = await setup();
    await s.topo.start();
    await s.put(s.paths.group(1), s.group(1, '127.0.0.1:7001', ['127.0.0.1:7101']));
    await s.put(s.paths.group(2), s.group(2, '127.0.0.1:7002'));
    // Groups but no valid slots document: the proxy has nothing to route by yet.
    await s.put(s.paths.slots, { epoch: 1, owners: 'all' });
    await s.until('slots warning', () => s.warnings.some((w) => w.includes('slots.owners')));
    expect(s.tables).toEqual([]);
    expect(s.topo.table).toBeNull();
    await s.put(s.paths.slots, { epoch: 1, owners: [[0, 8191, 1], [8192, 16383, 2]], moving: {} } satisfies SlotsDoc);
    await s.until('first table', () => s.tables.some((t) => t.groups.size === 2));
    const t = s.tables.at(-1)!;
    expect(t.epoch).toBe(1);
    expect(t.splitBy).toBe('slot');
    expect([t.slotGroup[0], t.slotGroup[8191], t.slotGroup[8192], t.slotGroup[16383]]).toEqual([1, 1, 2, 2]);
    expect(t.groups.get(1)).toEqual({ id: 1, master: '127.0.0.1:7001', replicas: ['127.0.0.1:7101'] });
    expect(t.groups.get(2)).toEqual({ id: 2, master: '127.0.0.1:7002', replicas: [] });

    await s.put(s.paths.slots, {
      epoch: 2, owners: [[0, 99, 1], [100, 16383, 2]], moving: { '100': { from: 2, to: 1, state: 'migrating' } },
    } satisfies SlotsDoc);
    await s.until('epoch 2', () => s.topo.table?.epoch === 2);
    const t2 = s.topo.table!;
    expect([t2.slotGroup[99], t2.slotGroup[100], t2.slotGroup[8191]]).toEqual([1, 2, 2]);
    expect([...t2.moving]).toEqual([[100, { from: 2, to: 1 }]]);
    expect(t).not.toBe(t2); // a fresh table, the old one untouched
    expect(t.slotGroup[100]).toBe(1);
  });

  it('follows a group master change and routes unassigned slots to group 0', async () => {
    const s = await setup();
    await s.topo.start();
    await s.put(s.paths.group(1), s.group(1, '127.0.0.1:7001', ['127.0.0.1:7101']));
    await s.put(s.paths.slots, { epoch: 3, owners: [[0, 99, 1], [200, 299, 5]], moving: {} } satisfies SlotsDoc);
    await s.until('first table', () => s.topo.table?.epoch === 3);
    const t = s.topo.table!;
    expect([t.slotGroup[0], t.slotGroup[150], t.slotGroup[200]]).toEqual([1, 0, 5]);
    // Group 5 owns slots but has no record (after a bounded wait for it): a route without a
    // master, so requests fail fast.
    expect(t.groups.get(5)).toEqual({ id: 5, master: null, replicas: [] });
    expect(s.warnings.some((w) => w.includes('no record for group(s) 5'))).toBe(true);

    // Failover: the replica becomes master.
    await s.put(s.paths.group(1), { id: 1, epoch: 2, servers: [{ addr: '127.0.0.1:7101', role: 'master' }, { addr: '127.0.0.1:7001', role: 'replica' }] });
    await s.until('new master', () => s.topo.table?.groups.get(1)?.master === '127.0.0.1:7101');
    expect(s.topo.table!.groups.get(1)!.replicas).toEqual(['127.0.0.1:7001']);
    expect(s.topo.table!.epoch).toBe(3);
    // The missing group 5 was waited for once, not again on every later group change.
    expect(s.notices.filter((n) => n.includes('not listed yet'))).toHaveLength(1);
  });

  it('waits for a group that the slots document names before the groups watch lists it', async () => {
    const s = await setup();
    await s.topo.start();
    await twoGroups(s);
    // The slots document arrives first: no table routing group 3's slots nowhere is emitted.
    await s.put(s.paths.slots, { epoch: 2, owners: [[0, 8191, 1], [8192, 16383, 3]], moving: {} } satisfies SlotsDoc);
    await s.until('deferral', () => s.notices.some((n) => n.includes('group(s) 3 not listed yet')));
    expect(s.topo.table!.epoch).toBe(1);
    await s.put(s.paths.group(3), s.group(3, '127.0.0.1:7003'));
    await s.until('epoch 2', () => s.topo.table?.epoch === 2);
    expect(s.topo.table!.groups.get(3)!.master).toBe('127.0.0.1:7003');
    expect(s.tables.filter((t) => t.epoch === 2).every((t) => t.groups.get(3)?.master === '127.0.0.1:7003')).toBe(true);
  });

  it('keeps the last good table when a record is invalid', async () => {
    const s = await setup();
    await s.topo.start();
    await twoGroups(s);
    const good = s.topo.table!;
    const emitted = s.tables.length;

    await s.putRaw(s.paths.slots, '{"epoch": 2, "owners": [[0, 99999, 1]]}');
    await s.until('slots warning', () => s.warnings.some((w) => w.includes('slots.owners')));
    await s.putRaw(s.paths.group(2), '{"id": 2, "epoch": 5, "servers": [{"addr": "nowhere", "role": "master"}]}');
    await s.until('group warning', () => s.warnings.some((w) => w.includes(s.paths.group(2))));
    expect(s.topo.table).toBe(good);
    expect(s.tables.length).toBe(emitted);

    // The next valid document is applied as usual.
    await s.put(s.paths.slots, { epoch: 4, owners: [[0, 16383, 2]], moving: {} } satisfies SlotsDoc);
    await s.until('epoch 4', () => s.topo.table?.epoch === 4);
    expect(s.topo.table!.groups.get(2)!.master).toBe('127.0.0.1:7002');
  });

  it('acks an epoch so that waitForProxyAcks sees it, and reports unreachable servers', async () => {
    const s = await setup('acker');
    await s.topo.start();
    await twoGroups(s);
    const wait = waitForProxyAcks(s.admin, s.cluster, 1, WAIT_MS);
    await s.topo.ack(1);
    expect(await wait).toEqual({ ok: true, acked: ['acker'], missing: [] });

    s.topo.reportUnreachable(['127.0.0.1:7002']);
    s.topo.reportUnreachable(['127.0.0.1:7002', '127.0.0.1:7001', '127.0.0.1:7002']);
    await waitUntil(async () => {
      const rec = parseProxy((await s.admin.get(s.paths.proxy('acker')))!.data);
      return rec.unreachable.join() === '127.0.0.1:7001,127.0.0.1:7002';
    }, WAIT_MS, 'unreachable list');
    expect(parseProxy((await s.admin.get(s.paths.proxy('acker')))!.data).slotsEpoch).toBe(1);

    // A malformed address is dropped (it would make the record unreadable for the coordinator).
    s.topo.reportUnreachable(['not an address', '127.0.0.1:7003']);
    await waitUntil(async () => parseProxy((await s.admin.get(s.paths.proxy('acker')))!.data).unreachable.join() === '127.0.0.1:7003',
      WAIT_MS, 'valid addresses only');
    expect(s.warnings.some((w) => w.includes('not an address'))).toBe(true);
    await expect(s.topo.ack(-1)).rejects.toThrow(/bad slots epoch/);
  });

  it('re-creates its record when it was removed behind its back', async () => {
    const s = await setup('again');
    await s.topo.start();
    await s.admin.delete(s.paths.proxy('again'));
    await s.topo.ack(7);
    const rec = parseProxy((await s.admin.get(s.paths.proxy('again')))!.data);
    expect(rec).toMatchObject({ id: 'again', slotsEpoch: 7 });
  });
}

describe('StoreTopology on the file store', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slotgate-topology-')); });
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });
  topologySuite(() => openStore(`${pathToFileURL(dir).href}?pollMs=50`));
});

describe('StoreTopology on ZooKeeper', () => {
  let zk: ZooKeeperServer;
  beforeAll(async () => { zk = await startZooKeeper(); });
  afterAll(async () => { await zk?.destroy(); });
  topologySuite(() => openStore(zk.url('/slotgate-topology', 'sessionTimeout=4000')));

  it('puts its record back after the session was lost, with the epoch it acked', async () => {
    const gate = await openTcpGate(zk.port);
    const admin = await openStore(zk.url('/slotgate-topology'));
    const viaGate = await openStore(`zk://127.0.0.1:${gate.port}/slotgate-topology?sessionTimeout=1000`);
    const topo = new StoreTopology(viaGate, 'lost', { id: 'p9', addr: '127.0.0.1:19000', adminAddr: '127.0.0.1:11080' }, {
      log: { warning: () => {}, notice: () => {} },
    });
    const paths = clusterPaths('lost');
    try {
      const events: string[] = [];
      viaGate.on('sessionRestored', () => events.push('restored'));
      await topo.start();
      await admin.create(paths.group(1), toBytes({ id: 1, epoch: 1, servers: [{ addr: '127.0.0.1:7001', role: 'master' }] }), { parents: true });
      await admin.create(paths.slots, toBytes({ epoch: 1, owners: [[0, 16383, 1]], moving: {} }));
      await waitUntil(() => topo.table?.epoch === 1, WAIT_MS, 'first table');
      await topo.ack(1);

      gate.block(); // ZooKeeper expires the session: the ephemeral record goes
      await waitUntil(async () => (await admin.get(paths.proxy('p9'))) === null, WAIT_MS, 'record gone with the session');
      await admin.set(paths.slots, toBytes({ epoch: 2, owners: [[0, 16383, 1]], moving: {} }));
      gate.unblock();
      await waitUntil(() => events.includes('restored'), WAIT_MS, 'sessionRestored');
      await waitUntil(async () => (await admin.get(paths.proxy('p9'))) !== null, WAIT_MS, 'record back');
      expect(parseProxy((await admin.get(paths.proxy('p9')))!.data).slotsEpoch).toBe(1);
      // Watches were re-armed: the change made while cut off arrives.
      await waitUntil(() => topo.table?.epoch === 2, WAIT_MS, 'epoch 2 after the restore');
    } finally {
      await topo.close();
      await Promise.all([viaGate.close(), admin.close()]);
      await gate.close();
    }
  });
});
