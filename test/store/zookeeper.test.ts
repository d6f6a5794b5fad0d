import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStoreError, openStore, type Store, type Versioned } from '../../lib/store/index.js';
import { ZooKeeperStore } from '../../lib/store/zookeeper.js';
import { freePort } from '../helpers/ports.js';
import { waitUntil } from '../helpers/guarded-process.js';
import { startZooKeeper, type ZooKeeperServer } from '../helpers/zookeeper.js';
import { storeContract } from './contract.js';
import { openTcpGate, type TcpGate } from './tcp-gate.js';

const CHROOT = '/slotgate-test';

describe('ZooKeeperStore', () => {
  let zk: ZooKeeperServer;
  let deadPort: number;
  // Short ticks allow short session timeouts, so killed owners' sessions expire quickly.
  beforeAll(async () => {
    zk = await startZooKeeper({ tickTimeMs: 100 });
    deadPort = await freePort(); // nothing listens there: the client must skip it
  });
  afterAll(async () => {
    await zk?.destroy();
  });

  // Two servers, one of them down, and a chroot: the client must find the live one.
  const url = (query = 'sessionTimeout=4000') => `zk://127.0.0.1:${deadPort},127.0.0.1:${zk.port}${CHROOT}?${query}`;
  storeContract(() => ({ open: () => openStore(url()), childUrl: () => url('sessionTimeout=1000'), ephemeralGoneWithinMs: 3000 }));

  it('keeps its nodes under the chroot', async () => {
    const s = await openStore(url());
    const plain = await openStore(zk.url());
    try {
      await s.create('/in-chroot', Buffer.from('x'));
      expect((await plain.get(`${CHROOT}/in-chroot`))!.data.toString()).toBe('x');
      expect(await s.create('/seq-', Buffer.alloc(0), { sequential: true })).toMatch(/^\/seq-\d{10}$/);
    } finally {
      await Promise.all([s.close(), plain.close()]);
    }
  });

  it('fails clearly when no server answers', async () => {
    const err = await openStore(`zk://127.0.0.1:${deadPort}?connectTimeout=500`).catch((e) => e);
    expect(isStoreError(err, 'CONNECTION_LOSS')).toBe(true);
    expect(String(err.message)).toContain(`127.0.0.1:${deadPort}`);
  });

  it('misses no update across a ZooKeeper restart, writes made while reconnecting included', async () => {
    const [watcher, writer] = [await openStore(url()), await openStore(url())];
    try {
      const path = `/restart-${Date.now()}`;
      await writer.create(path, Buffer.from('0'));
      const seen: (Versioned | null)[] = [];
      watcher.watch(path, (v) => seen.push(v));
      await writer.set(path, Buffer.from('1'));
      await waitUntil(() => seen.at(-1)?.version === 1, 5000, 'version 1 before the restart');

      await zk.stop();
      // Queued by the client while ZooKeeper is down, sent once it is back.
      const writes = [writer.set(path, Buffer.from('2')), writer.set(path, Buffer.from('3'))];
      await zk.start();
      expect(await Promise.all(writes)).toEqual([2, 3]);
      await writer.set(path, Buffer.from('4'));
      await waitUntil(() => seen.at(-1)?.version === 4, 10_000, 'version 4 after the restart');
      expect(seen.at(-1)!.data.toString()).toBe('4');
      const versions = seen.map((v) => v!.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
    } finally {
      await Promise.all([watcher.close(), writer.close()]);
    }
  });

  describe('session expiry', () => {
    let gate: TcpGate;
    beforeAll(async () => { gate = await openTcpGate(zk.port); });
    afterAll(async () => { await gate?.close(); });

    it('re-creates ephemerals, re-arms watches and says so', async () => {
      const viaGate = (await openStore(`zk://127.0.0.1:${gate.port}${CHROOT}?sessionTimeout=1000`)) as ZooKeeperStore;
      const direct = await openStore(url());
      try {
        const events: string[] = [];
        for (const e of ['sessionLost', 'sessionRestored', 'connected', 'disconnected'] as const) viaGate.on(e, () => events.push(e));
        const path = `/session-${Date.now()}`;
        await viaGate.create(path, Buffer.from('mine'), { ephemeral: true });
        await direct.create(`${path}-watched`, Buffer.from('0'));
        const seen: (Versioned | null)[] = [];
        viaGate.watch(`${path}-watched`, (v) => seen.push(v));
        await waitUntil(() => seen.length === 1, 5000, 'the initial watch delivery');

        gate.block();
        // The server expires the silent session: its ephemeral disappears.
        await waitUntil(async () => (await direct.get(path)) === null, 10_000, 'the server to expire the session');
        await waitUntil(() => events.includes('sessionLost'), 5000, 'sessionLost');
        await direct.set(`${path}-watched`, Buffer.from('1')); // happens while we are cut off
        gate.unblock();

        await waitUntil(() => events.includes('sessionRestored'), 10_000, 'sessionRestored');
        expect(events.indexOf('disconnected')).toBeLessThan(events.indexOf('sessionLost'));
        expect(events.indexOf('sessionLost')).toBeLessThan(events.indexOf('sessionRestored'));
        expect((await direct.get(path))!.data.toString()).toBe('mine');
        await waitUntil(() => seen.at(-1)?.version === 1, 5000, 'the change made while cut off');
        await direct.set(`${path}-watched`, Buffer.from('2'));
        await waitUntil(() => seen.at(-1)?.version === 2, 5000, 'a change after the new session');
        // The re-created ephemeral belongs to the new session: it goes when that session closes.
        await viaGate.close();
        expect(await direct.get(path)).toBeNull();
      } finally {
        await Promise.all([viaGate.close(), direct.close()]);
      }
    });
  });
});

export type { Store };
