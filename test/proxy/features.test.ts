/**
 * Transactions, blocking commands and Pub/Sub through proxies over three groups (two proxies for
 * Pub/Sub: a PUBLISH through one reaches subscribers on the other).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import Redis from 'ioredis';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { startStaticProxy, type InProcessProxy } from '../helpers/proxy.js';
import { waitUntil } from '../helpers/guarded-process.js';
import { RawClient, RespError } from '../helpers/raw-client.js';
import { keySlot } from '../../lib/slot/index.js';
import { staticTable } from '../../proxy/route-table.js';

let nodes: InProcessNode[] = [];
let p1: InProcessProxy;
let p2: InProcessProxy;
let r: Redis;
const extra: Redis[] = [];

function client(port = p1.port): Redis {
  const c = new Redis({ port });
  extra.push(c);
  return c;
}

beforeAll(async () => {
  nodes = await Promise.all([startNode(), startNode(), startNode()]);
  p1 = await startStaticProxy(nodes.map((n) => n.port));
  p2 = await startStaticProxy(nodes.map((n) => n.port));
  r = client();
});

afterAll(async () => {
  extra.forEach((c) => c.disconnect());
  await p1?.stop();
  await p2?.stop();
  await Promise.all(nodes.map((n) => n.stop()));
});

beforeEach(async () => {
  await r.flushall();
});

describe('transactions', () => {
  test('MULTI/EXEC on one slot runs atomically and returns every reply', async () => {
    const res = await r.multi().set('{t}a', '1').incr('{t}a').get('{t}a').exec();
    expect(res).toEqual([[null, 'OK'], [null, 2], [null, '2']]);
  });

  test('keys in different slots inside MULTI: CROSSSLOT, then EXECABORT', async () => {
    const c = await RawClient.connect(p1.port);
    try {
      expect(await c.call('MULTI')).toBe('OK');
      expect(await c.call('SET', 'a', '1')).toBe('QUEUED');
      const e = await c.call('SET', 'b', '1');
      expect((e as RespError).message).toMatch(/^CROSSSLOT/);
      const x = await c.call('EXEC');
      expect((x as RespError).message).toBe('EXECABORT Transaction discarded because of previous errors.');
      expect(await c.call('GET', 'a')).toBe(null);
    } finally {
      c.close();
    }
  });

  test('queue-time errors abort EXEC as in Redis; DISCARD and nesting errors', async () => {
    const c = await RawClient.connect(p1.port);
    try {
      await c.call('MULTI');
      expect((await c.call('NOSUCHCMD') as RespError).message).toMatch(/^ERR unknown command/);
      expect((await c.call('EXEC') as RespError).message).toMatch(/^EXECABORT/);
      expect((await c.call('EXEC') as RespError).message).toBe('ERR EXEC without MULTI');
      expect((await c.call('DISCARD') as RespError).message).toBe('ERR DISCARD without MULTI');
      await c.call('MULTI');
      expect((await c.call('MULTI') as RespError).message).toBe('ERR MULTI calls can not be nested');
      expect(await c.call('DISCARD')).toBe('OK');
    } finally {
      c.close();
    }
  });

  test('a runtime error inside EXEC is one element of the reply', async () => {
    await r.set('{t}s', 'str');
    const res = await r.multi().incr('{t}s').set('{t}b', 'x').exec();
    expect(res![0][0]).toBeInstanceOf(Error);
    expect(res![1]).toEqual([null, 'OK']);
  });

  test('WATCH: a write by another client between WATCH and EXEC makes EXEC return nil', async () => {
    const other = client();
    const c = await RawClient.connect(p1.port);
    try {
      await r.set('{w}k', '1');
      expect(await c.call('WATCH', '{w}k')).toBe('OK');
      await other.set('{w}k', '2');
      await c.call('MULTI');
      await c.call('SET', '{w}k', '3');
      expect(await c.call('EXEC')).toBe(null);
      expect(await r.get('{w}k')).toBe('2');
      // Without interference it commits.
      await c.call('WATCH', '{w}k');
      await c.call('MULTI');
      await c.call('SET', '{w}k', '4');
      expect(await c.call('EXEC')).toEqual(['OK']);
      expect(await r.get('{w}k')).toBe('4');
    } finally {
      c.close();
    }
  });
});

describe('blocking commands', () => {
  test('BLPOP waits on its own connection and is woken by a push from another proxy', async () => {
    const waiter = client();
    const pending = waiter.blpop('q', 5);
    // Other sessions are not blocked meanwhile.
    expect(await r.ping()).toBe('PONG');
    const pusher = client(p2.port);
    await pusher.rpush('q', 'job');
    expect(await pending).toEqual(['q', 'job']);
  });

  test('BLPOP times out with nil as Redis does', async () => {
    const waiter = client();
    expect(await waiter.blpop('never', 0.1)).toBe(null);
  });

  test('commands pipelined after a blocking one run after it, in order', async () => {
    const waiter = client();
    const p = waiter.pipeline().brpop('q2', 5).get('after').exec();
    await client().set('after', 'x');
    await r.lpush('q2', 'v');
    expect(await p).toEqual([[null, ['q2', 'v']], [null, 'x']]);
  });
});

describe('Lua scripts', () => {
  test('EVAL runs on its keys\' master; SCRIPT LOAD through one proxy lets EVALSHA work through the other on every group', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `lua${i}`);
    for (const k of keys) expect(await r.eval("redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])", 1, k, `v-${k}`)).toBe(`v-${k}`);
    // Every key sits on exactly one node, and the keys cover all three groups.
    const direct = nodes.map((n) => new Redis({ port: n.port }));
    try {
      const holders = await Promise.all(keys.map(async (k) => (await Promise.all(direct.map((d) => d.exists(k)))).map(Number)));
      for (const h of holders) expect(h.reduce((a, b) => a + b, 0)).toBe(1);
      expect(new Set(holders.map((h) => h.indexOf(1))).size).toBe(3);
    } finally {
      direct.forEach((d) => d.disconnect());
    }
    const other = client(p2.port);
    const sha = (await r.script('LOAD', "return redis.call('INCR', KEYS[1])")) as string;
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    for (const k of keys) expect(await other.evalsha(sha, 1, `n-${k}`)).toBe(1);
    expect(await other.script('EXISTS', sha, '0'.repeat(40))).toEqual([1, 0]);
    expect(await other.script('FLUSH')).toBe('OK');
    expect(await r.script('EXISTS', sha)).toEqual([0]);
    await expect(r.evalsha(sha, 1, 'lua0')).rejects.toThrow('NOSCRIPT No matching script. Please use EVAL.');
  });

  test('keys of several slots are CROSSSLOT; errors and redis.pcall come back as Redis words them', async () => {
    await expect(r.eval('return 1', 2, 'a', 'b')).rejects.toThrow(/^CROSSSLOT/);
    expect(await r.eval("return redis.call('SET', KEYS[1], 'x')", 2, '{s}a', '{s}b')).toBe('OK');
    await r.set('{s}str', 'x');
    await expect(r.eval("return redis.call('LPUSH', KEYS[1], 'v')", 1, '{s}str')).rejects.toThrow(/WRONGTYPE/);
    const caught = await r.eval("local e = redis.pcall('LPUSH', KEYS[1], 'v') return e['err']", 1, '{s}str');
    expect(caught).toMatch(/^WRONGTYPE Operation against a key holding the wrong kind of value/);
    expect(await r.script('KILL').catch((e: Error) => e.message)).toBe('NOTBUSY No scripts in execution right now.');
  });

  test('ioredis defineCommand (EVALSHA, NOSCRIPT fallback to EVAL) and a script inside MULTI', async () => {
    const c = client(p2.port) as Redis & { addTwo(key: string): Promise<number> };
    c.defineCommand('addTwo', { numberOfKeys: 1, lua: "return redis.call('INCRBY', KEYS[1], 2)" });
    expect(await c.addTwo('{m}n')).toBe(2);
    expect(await c.addTwo('{m}n')).toBe(4);
    const res = await r.multi().set('{m}k', '5').eval("return redis.call('INCR', KEYS[1])", 1, '{m}k').exec();
    expect(res).toEqual([[null, 'OK'], [null, 6]]);
  });
});

describe('pub/sub across proxies', () => {
  test('PUBLISH through one proxy reaches SUBSCRIBE and PSUBSCRIBE on the other', async () => {
    const sub = client(p2.port);
    const got: string[] = [];
    sub.on('message', (ch, msg) => got.push(`${ch}:${msg}`));
    sub.on('pmessage', (pat, ch, msg) => got.push(`${pat}|${ch}:${msg}`));
    expect(await sub.subscribe('news', 'sport')).toBe(2);
    expect(await sub.psubscribe('n*')).toBe(3);
    const pub = client(p1.port);
    expect(await pub.publish('news', 'hello')).toBe(2);
    expect(await pub.publish('sport', 'goal')).toBe(1);
    expect(await pub.publish('nothing-here', 'x')).toBe(1);
    // PUBSUB introspection combines every master's view.
    expect(((await pub.pubsub('CHANNELS')) as string[]).sort()).toEqual(['news', 'sport']);
    expect(await pub.pubsub('NUMSUB', 'news', 'sport', 'none')).toEqual(['news', 1, 'sport', 1, 'none', 0]);
    expect(await pub.pubsub('NUMPAT')).toBe(1);
    await waitUntil(() => got.length === 4, 5000, 'the published messages', 5);
    expect(got.sort()).toEqual(['n*|news:hello', 'n*|nothing-here:x', 'news:hello', 'sport:goal']);
    expect(await sub.punsubscribe('n*')).toBe(2);
    // ioredis resolves a bare UNSUBSCRIBE when the count reaches 0 (as with one Redis).
    expect(await sub.unsubscribe()).toBe(0);
  });

  test('RESP2 subscribed mode refuses other commands with Redis error', async () => {
    const c = await RawClient.connect(p1.port);
    try {
      expect(await c.call('SUBSCRIBE', 'ch')).toEqual(['subscribe', 'ch', 1]);
      expect(((await c.call('GET', 'x')) as RespError).message).toBe(
        "ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
      );
      expect(await c.call('PING')).toEqual(['pong', '']);
      expect(await c.call('UNSUBSCRIBE')).toEqual(['unsubscribe', 'ch', 0]);
      expect(await c.call('GET', 'x')).toBe(null);
    } finally {
      c.close();
    }
  });

  test('SSUBSCRIBE / SPUBLISH by slot', async () => {
    const sub = client(p2.port);
    const got: string[] = [];
    sub.on('smessage', (ch: string, msg: string) => got.push(`${ch}:${msg}`));
    await sub.ssubscribe('{s}a');
    expect(await client().spublish('{s}a', 'm1')).toBe(1);
    await waitUntil(() => got.length === 1, 5000, 'the published messages', 5);
    expect(got).toEqual(['{s}a:m1']);
  });

  test('a dropped server connection is subscribed again', async () => {
    const sub = client(p2.port);
    const got: string[] = [];
    sub.on('message', (ch: string, msg: string) => got.push(`${ch}:${msg}`));
    await sub.subscribe('drop');
    const owner = client(nodes[p2.server.table!.slotGroup[keySlot('drop')] - 1].port);
    const numsub = async () => ((await owner.pubsub('NUMSUB', 'drop')) as [string, number])[1];
    expect(await numsub()).toBe(1);
    expect(await owner.client('KILL', 'TYPE', 'pubsub')).toBeGreaterThan(0);
    await waitUntil(async () => (await numsub()) === 1, 10_000, 'the subscription made again', 5);
    expect(await client(p1.port).publish('drop', 'again')).toBe(1);
    await waitUntil(() => got.length === 1, 5000, 'the published messages', 5);
    expect(got).toEqual(['drop:again']);
    expect(await sub.unsubscribe('drop')).toBe(0);
  });

  test('subscriptions follow a slot move and a failover to a new master', async () => {
    const spare = await startNode();
    const before = p1.server.table!;
    try {
      const sub = client(p2.port);
      const got: string[] = [];
      sub.on('message', (ch: string, msg: string) => got.push(`${ch}:${msg}`));
      sub.on('smessage', (ch: string, msg: string) => got.push(`s ${ch}:${msg}`));
      sub.on('pmessage', (pat: string, ch: string, msg: string) => got.push(`${pat}|${ch}:${msg}`));
      await sub.subscribe('news');
      await sub.ssubscribe('snews');
      await sub.psubscribe('x*');
      // 'news' and 'snews' move to the next group; group 3's master fails over to `spare`.
      const moved = staticTable(nodes.map((n) => `127.0.0.1:${n.port}`));
      const owners = new Map(['news', 'snews'].map((ch) => [ch, before.slotGroup[keySlot(ch)]]));
      const ownerBefore = (ch: string) => owners.get(ch)!;
      const ownerAfter = (ch: string) => (ownerBefore(ch) % 3) + 1;
      for (const ch of owners.keys()) moved.slotGroup[keySlot(ch)] = ownerAfter(ch);
      moved.groups.set(3, { id: 3, master: `127.0.0.1:${spare.port}`, replicas: [] });
      p1.server.setTable(moved);
      p2.server.setTable(moved);
      const portOf = (group: number) => (group === 3 ? spare.port : nodes[group - 1].port);
      const direct = new Map<number, Redis>();
      const at = (port: number) => direct.get(port) ?? direct.set(port, client(port)).get(port)!;
      const numsub = async (port: number, ch: string) => ((await at(port).pubsub('NUMSUB', ch)) as [string, number])[1];
      const shardsub = async (port: number, ch: string) => ((await at(port).pubsub('SHARDNUMSUB', ch)) as [string, number])[1];
      await waitUntil(async () => (await numsub(portOf(ownerAfter('news')), 'news')) === 1, 5000, 'subscriptions where the table puts them', 5);
      await waitUntil(async () => (await shardsub(portOf(ownerAfter('snews')), 'snews')) === 1, 5000, 'subscriptions where the table puts them', 5);
      await waitUntil(async () => (await at(spare.port).pubsub('NUMPAT')) === 1, 5000, 'subscriptions where the table puts them', 5);
      // Nothing of ours is left where the channels and the old master were.
      await waitUntil(async () => (await numsub(nodes[ownerBefore('news') - 1].port, 'news')) === 0, 5000, 'nothing left where the channels were', 5);
      await waitUntil(async () => (await shardsub(nodes[ownerBefore('snews') - 1].port, 'snews')) === 0, 5000, 'nothing left where the channels were', 5);
      await waitUntil(async () => (await at(nodes[2].port).pubsub('NUMPAT')) === 0, 5000, 'nothing left where the channels were', 5);
      expect(await client(p1.port).publish('news', 'moved')).toBe(1);
      expect(await client(p1.port).spublish('snews', 'moved too')).toBe(1);
      expect(await at(spare.port).publish('xyz', 'after failover')).toBe(1);
      await waitUntil(() => got.length === 3, 5000, 'the published messages', 5);
      expect(got.sort()).toEqual(['news:moved', 's snews:moved too', 'x*|xyz:after failover']);
      // Named: ioredis leaves a bare UNSUBSCRIBE pending while a pattern remains (as against one Redis).
      expect(await sub.unsubscribe('news')).toBe(1);
      expect(await sub.sunsubscribe('snews')).toBe(0);
      expect(await sub.punsubscribe('x*')).toBe(0);
      await waitUntil(async () => (await numsub(portOf(ownerAfter('news')), 'news')) === 0 && (await at(spare.port).pubsub('NUMPAT')) === 0, 5000, 'the unsubscriptions', 5);
    } finally {
      p1.server.setTable(before);
      p2.server.setTable(before);
      await spare.stop();
    }
  });
});
