/**
 * `slotgate proxy` as users run it: argument errors, static mode, --workers, graceful SIGTERM, and
 * store mode against the embedded file store (table from the store, epoch acknowledged, a slot
 * change applied while serving).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import Redis from 'ioredis';
import { openStore, type Store } from '../../lib/store/index.js';
import { clusterPaths, waitForProxyAcks } from '../../lib/store/cluster.js';
import { toBytes } from '../../lib/store/records.js';
import { keySlot } from '../../lib/slot/index.js';
import { startNode, SLOTGATE_BIN, canConnect, type InProcessNode } from '../helpers/node.js';
import { waitUntil } from '../helpers/guarded-process.js';
import { freePort, freePortRun } from '../helpers/ports.js';

const children: ChildProcess[] = [];
let nodes: InProcessNode[] = [];

function proxyProcess(args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [SLOTGATE_BIN, 'proxy', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return { child, output: () => out };
}

beforeAll(async () => {
  nodes = await Promise.all([startNode(), startNode()]);
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(nodes.map((n) => n.stop()));
});

describe('slotgate proxy', () => {
  test('bad arguments: exit 2 with the reason and the usage', async () => {
    for (const [args, msg] of [
      [[], 'give either --backends or --store'],
      [['--backends', 'nohost'], "'nohost' is not host:port"],
      [['--backends', '127.0.0.1:1', '--port', 'x'], "--port: 'x' is not an integer"],
      [['--store', 'file:///tmp/x'], '--store needs --cluster'],
      [['--frobnicate', '1'], 'unknown option --frobnicate'],
      [['--store', 'file:///tmp/x', '--cluster', 'c', '--admin-port', '-1'], 'store mode needs the admin endpoint'],
    ] as [string[], string][]) {
      const p = proxyProcess(args);
      const [code] = await once(p.child, 'exit');
      expect(code).toBe(2);
      expect(p.output()).toContain(msg);
      expect(p.output()).toContain('Usage: slotgate proxy');
    }
  });

  test('static mode with --workers 2: both workers serve the port; SIGTERM stops cleanly', async () => {
    const port = await freePort();
    // Worker 2's admin port is admin + 1: both must be free, or worker 2 cannot start.
    const admin = await freePortRun(2);
    const p = proxyProcess(['--port', String(port), '--admin-port', String(admin), '--workers', '2', '--backends', nodes.map((n) => `127.0.0.1:${n.port}`).join(',')]);
    await waitUntil(() => canConnect(port), 15_000, 'proxy port');
    // Worker 2 may start listening after worker 1: connect until both have answered (bounded).
    const pids = new Set<string>();
    let i = 0;
    await waitUntil(async () => {
      // No reconnect loop: a probe that cannot talk fails and the next one tries again.
      const r = new Redis({ port, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 2000, commandTimeout: 5000 });
      try {
        await r.set(`w${i}`, String(i));
        expect(await r.get(`w${i}`)).toBe(String(i));
        pids.add(/process_id:(\d+)/.exec(await r.info('server'))![1]);
      } finally {
        r.disconnect();
        i++;
      }
      return pids.size === 2;
    }, 15_000, 'both workers answering');
    expect(pids.size).toBe(2);
    await waitUntil(async () => (await fetch(`http://127.0.0.1:${admin + 1}/healthz`)).ok, 10_000, 'worker 2 admin');
    p.child.kill('SIGTERM');
    const [code] = await once(p.child, 'exit');
    expect(code).toBe(0);
  }, 60_000);

  test('store mode: the table comes from the store, the epoch is acked, a slot move is applied', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slotgate-store-'));
    const url = `file://${dir}`;
    const store: Store = await openStore(url);
    try {
      const paths = clusterPaths('demo');
      const [a, b] = nodes.map((n) => `127.0.0.1:${n.port}`);
      await store.create(paths.group(1), toBytes({ id: 1, epoch: 1, servers: [{ addr: a, role: 'master' }] }), { parents: true });
      await store.create(paths.group(2), toBytes({ id: 2, epoch: 1, servers: [{ addr: b, role: 'master' }] }), { parents: true });
      await store.create(paths.slots, toBytes({ epoch: 1, owners: [[0, 16383, 1]], moving: {} }), { parents: true });
      const port = await freePort();
      const adminPort = await freePort();
      proxyProcess(['--port', String(port), '--admin-port', String(adminPort), '--store', url, '--cluster', 'demo', '--id', 'px1']);
      // The proxy listens before it registers: with no proxy record yet, "every live proxy acked"
      // would hold vacuously. Wait for its record first.
      await waitUntil(async () => (await store.get(paths.proxy('px1'))) !== null, 15_000, 'proxy record');
      expect((await waitForProxyAcks(store, 'demo', 1, 10_000)).ok).toBe(true);
      const r = new Redis({ port });
      const direct = nodes.map((n) => new Redis({ port: n.port }));
      try {
        await r.set('k', 'v1');
        expect(await direct[0].get('k')).toBe('v1');
        // The coordinator hands every slot to group 2 (epoch 2): the proxy follows and acks.
        const cur = (await store.get(paths.slots))!;
        await store.set(paths.slots, toBytes({ epoch: 2, owners: [[0, 16383, 2]], moving: {} }), cur.version);
        expect((await waitForProxyAcks(store, 'demo', 2, 10_000)).ok).toBe(true);
        await r.set('k', 'v2');
        expect(await direct[1].get('k')).toBe('v2');
        expect(keySlot('k')).toBeGreaterThanOrEqual(0);
      } finally {
        r.disconnect();
        direct.forEach((d) => d.disconnect());
      }
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
