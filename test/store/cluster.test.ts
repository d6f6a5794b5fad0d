import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isStoreError, openStore, type Store } from '../../lib/store/index.js';
import { casLoop, clusterPaths, waitForProxyAcks } from '../../lib/store/cluster.js';
import { toBytes, type ProxyRecord } from '../../lib/store/records.js';

// The helpers only use the Store interface; the file store keeps these tests fast.
describe('cluster helpers', () => {
  let dir: string;
  const stores: Store[] = [];
  const open = async () => {
    const s = await openStore(`${pathToFileURL(dir).href}?pollMs=50`);
    stores.push(s);
    return s;
  };
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slotgate-cluster-')); });
  afterEach(async () => { await Promise.all(stores.splice(0).map((s) => s.close())); });
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  describe('casLoop', () => {
    it('creates, updates, leaves alone and deletes', async () => {
      const s = await open();
      const p = '/cas/deep/node';
      expect(await casLoop(s, p, () => Buffer.from('a'), { parents: true })).toEqual({ data: Buffer.from('a'), version: 0 });
      expect(await casLoop(s, p, (cur) => Buffer.from(`${cur!.data}b`))).toEqual({ data: Buffer.from('ab'), version: 1 });
      expect(await casLoop(s, p, () => undefined)).toEqual({ data: Buffer.from('ab'), version: 1 });
      expect(await casLoop(s, p, () => null)).toBeNull();
      expect(await s.get(p)).toBeNull();
    });

    it('gives up with CONFLICT when it keeps losing', async () => {
      const s = await open();
      await s.create('/contended', Buffer.from('0'));
      // Another writer sneaks in between every read and write.
      const err = await casLoop(s, '/contended', async (cur) => {
        await s.set('/contended', Buffer.from('other'));
        return Buffer.from(`${cur!.version}`);
      }, { retries: 2 }).catch((e) => e);
      expect(isStoreError(err, 'CONFLICT')).toBe(true);
    });
  });

  describe('waitForProxyAcks', () => {
    const paths = clusterPaths('acks');
    const proxy = (id: string, slotsEpoch: number): Buffer => toBytes({
      id, addr: '127.0.0.1:19000', adminAddr: '127.0.0.1:11080', pid: process.pid, host: 'h', startedAt: 0, slotsEpoch, unreachable: [],
    } satisfies ProxyRecord);

    it('resolves at once without proxies', async () => {
      const s = await open();
      expect(await waitForProxyAcks(s, 'acks', 1, 5000)).toEqual({ ok: true, acked: [], missing: [] });
    });

    it('waits for every live proxy, ignoring one that dies', async () => {
      const coord = await open();
      const [p1, p2] = [await open(), await open()];
      await p1.create(paths.proxy('p1'), proxy('p1', 4), { ephemeral: true, parents: true });
      await p2.create(paths.proxy('p2'), proxy('p2', 4), { ephemeral: true, parents: true });
      const wait = waitForProxyAcks(coord, 'acks', 5, 10_000);
      await p1.set(paths.proxy('p1'), proxy('p1', 5));
      await p2.close(); // p2 dies without acking: it is no longer waited for
      expect(await wait).toEqual({ ok: true, acked: ['p1'], missing: [] });
    });

    it('reports who is missing at the deadline', async () => {
      const coord = await open();
      const p = await open();
      await p.create(paths.proxy('slow'), proxy('slow', 1), { ephemeral: true, parents: true });
      await p.create(paths.proxy('broken'), Buffer.from('not json'), { ephemeral: true });
      const started = Date.now();
      expect(await waitForProxyAcks(coord, 'acks', 2, 300)).toEqual({ ok: false, acked: [], missing: ['broken', 'slow'] });
      expect(Date.now() - started).toBeLessThan(3000);
    });
  });
});
