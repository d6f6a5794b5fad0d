/**
 * Commands the proxy defines itself: cluster-wide keyspace commands, session commands, INFO,
 * SLOWLOG, AUTH with the proxy's own password, limits.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import Redis from 'ioredis';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { startStaticProxy, type InProcessProxy } from '../helpers/proxy.js';
import { RawClient, RespError } from '../helpers/raw-client.js';
import { DEFAULT_PROXY_OPTIONS, ProxyServer } from '../../proxy/server.js';

const err = (r: unknown) => (r as RespError).message;
let nodes: InProcessNode[] = [];
let proxy: InProcessProxy;
let r: Redis;

beforeAll(async () => {
  nodes = await Promise.all([startNode(), startNode(), startNode()]);
  proxy = await startStaticProxy(nodes.map((n) => n.port), { slowlogSlowerThanUs: 0 });
  r = new Redis({ port: proxy.port });
});
afterAll(async () => {
  r.disconnect();
  await proxy.stop();
  await Promise.all(nodes.map((n) => n.stop()));
});
beforeEach(async () => {
  await r.flushall();
});

describe('cluster-wide keyspace commands', () => {
  test('SCAN walks every group once: every key exactly once, cursor 0 only at the end', async () => {
    const keys = Array.from({ length: 500 }, (_, i) => `sc:${i}`);
    await r.mset(...keys.flatMap((k) => [k, '1']));
    const seen: string[] = [];
    let cursor = '0';
    let steps = 0;
    do {
      const [next, batch] = await r.scan(cursor, 'COUNT', 50);
      seen.push(...batch);
      cursor = next;
      steps++;
    } while (cursor !== '0' && steps < 1000);
    expect(new Set(seen).size).toBe(500);
    expect([...new Set(seen)].sort()).toEqual([...keys].sort());
    expect(steps).toBeGreaterThan(3);
  });

  test('SCAN with MATCH and TYPE, and an invalid cursor', async () => {
    await r.mset('m:1', 'a', 'm:2', 'b', 'x:1', 'c');
    await r.sadd('m:set', 'v');
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await r.scan(cursor, 'MATCH', 'm:*', 'TYPE', 'string');
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    expect(found.sort()).toEqual(['m:1', 'm:2']);
    expect(err(await new RawClient0().call('SCAN', 'abc'))).toBe('ERR invalid cursor');
  });

  test('KEYS, DBSIZE, RANDOMKEY, FLUSHDB across groups', async () => {
    expect(await r.randomkey()).toBe(null);
    await r.mset('k1', '1', 'k2', '2', 'k3', '3', 'zz', '4');
    expect((await r.keys('k*')).sort()).toEqual(['k1', 'k2', 'k3']);
    expect(await r.dbsize()).toBe(4);
    expect(['k1', 'k2', 'k3', 'zz']).toContain(await r.randomkey());
    expect(await r.flushdb()).toBe('OK');
    expect(await r.dbsize()).toBe(0);
  });
});

/** A raw client on the shared proxy, closed after one call. */
class RawClient0 {
  async call(...args: string[]): Promise<unknown> {
    const c = await RawClient.connect(proxy.port);
    try {
      return await c.call(...args);
    } finally {
      c.close();
    }
  }
}

describe('session commands', () => {
  test('PING, ECHO, CLIENT SETNAME/GETNAME/ID/LIST/KILL', async () => {
    const c = await RawClient.connect(proxy.port);
    try {
      expect(await c.call('PING')).toBe('PONG');
      expect(await c.call('PING', 'hi')).toBe('hi');
      expect(await c.call('ECHO', 'e')).toBe('e');
      expect(await c.call('CLIENT', 'GETNAME')).toBe(null);
      expect(await c.call('CLIENT', 'SETNAME', 'worker-1')).toBe('OK');
      expect(await c.call('CLIENT', 'GETNAME')).toBe('worker-1');
      const id = (await c.call('CLIENT', 'ID')) as number;
      expect(id).toBeGreaterThan(0);
      const list = String(await c.call('CLIENT', 'LIST'));
      expect(list).toMatch(new RegExp(`id=${id} .*name=worker-1`));
      const victim = await RawClient.connect(proxy.port);
      const vid = (await victim.call('CLIENT', 'ID')) as number;
      expect(await c.call('CLIENT', 'KILL', 'ID', String(vid))).toBe(1);
      await victim.waitClosed();
      expect(await c.call('CLIENT', 'KILL', 'ID', '999999')).toBe(0);
    } finally {
      c.close();
    }
  });

  test('INFO has proxy, cluster and a summed keyspace section', async () => {
    await r.mset('i1', '1', 'i2', '2', 'i3', '3');
    await r.expire('i1', 100);
    const info = await r.info();
    expect(info).toMatch(/# Proxy\r\nmode:static/);
    expect(info).toMatch(/cluster_state:ok/);
    expect(info).toMatch(/cluster_groups:3/);
    expect(info).toMatch(/db0:keys=3,expires=1/);
    expect(await r.info('clients')).toMatch(/^# Clients\r\nconnected_clients:\d+/);
  });

  test('SLOWLOG records proxy-measured latency', async () => {
    await r.slowlog('RESET');
    await r.set('slow', '1');
    const entries = (await r.slowlog('GET', 10)) as unknown[][];
    expect(entries.some((e) => (e[3] as string[])[0].toLowerCase() === 'set')).toBe(true);
    expect(await r.slowlog('LEN')).toBeGreaterThan(0);
  });

  test('QUIT replies OK then closes', async () => {
    const c = await RawClient.connect(proxy.port);
    expect(await c.call('QUIT')).toBe('OK');
    await c.waitClosed();
  });
});

describe('AUTH and limits', () => {
  test('the proxy password gates every command; HELLO AUTH and AUTH default work', async () => {
    const p = await startStaticProxy([nodes[0].port], { requirepass: 's3cret' });
    const c = await RawClient.connect(p.port);
    try {
      expect(err(await c.call('GET', 'x'))).toBe('NOAUTH Authentication required.');
      expect(err(await c.call('AUTH', 'wrong'))).toBe('WRONGPASS invalid username-password pair or user is disabled.');
      expect(await c.call('AUTH', 's3cret')).toBe('OK');
      expect(await c.call('GET', 'x')).toBe(null);
      const d = new Redis({ port: p.port, password: 's3cret' });
      expect(await d.ping()).toBe('PONG');
      d.disconnect();
    } finally {
      c.close();
      await p.stop();
    }
  });

  test('maxclients refuses the extra connection with Redis error', async () => {
    const p = await startStaticProxy([nodes[0].port], { maxclients: 1 });
    const c1 = await RawClient.connect(p.port);
    const c2 = await RawClient.connect(p.port);
    try {
      expect(await c1.call('PING')).toBe('PONG');
      expect(err(await c2.reply())).toBe('ERR max number of clients reached');
    } finally {
      c1.close();
      c2.close();
      await p.stop();
    }
  });

  test('before any table: CLUSTERDOWN for keyed commands, PING still answers', async () => {
    const server = new ProxyServer({ ...DEFAULT_PROXY_OPTIONS, port: 0 });
    await server.listen();
    const c = await RawClient.connect(server.port);
    try {
      expect(err(await c.call('GET', 'k'))).toBe('CLUSTERDOWN Hash slot not served');
      expect(err(await c.call('MGET', 'a', 'b'))).toBe('CLUSTERDOWN Hash slot not served');
      expect(await c.call('PING')).toBe('PONG');
    } finally {
      c.close();
      await server.stop();
    }
  });

  test('idle sessions are closed after timeout', async () => {
    const p = await startStaticProxy([nodes[0].port], { timeout: 1 });
    const c = await RawClient.connect(p.port);
    try {
      expect(await c.call('PING')).toBe('PONG');
      await c.waitClosed(4000);
      expect(p.server.sessions.size).toBe(0);
    } finally {
      c.close();
      await p.stop();
    }
  });
});
