/**
 * MIGRATE compared with Redis 7.0: our source node migrating to our target node, and a real
 * redis-server migrating to another real redis-server, must give the same replies (DUMP payloads
 * differ between the two implementations, so each side migrates to its own kind). Covers NOKEY,
 * option and argument errors, connection and timeout IOERRs, BUSYKEY passthrough, REPLACE, COPY,
 * KEYS, AUTH/AUTH2, SELECT of the target db, TTL transfer, and RESTORE-ASKING.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { waitUntil } from '../helpers/guarded-process.js';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { freePort } from '../helpers/ports.js';
import { RawClient, type Reply } from '../helpers/raw-client.js';
import { Differ, startRedis, type RedisServer } from '../helpers/redis-server.js';

type Arg = string | number;

describe('MIGRATE against two real redis-servers', () => {
  let src: InProcessNode;
  let dst: InProcessNode;
  let rsrc: RedisServer;
  let rdst: RedisServer;
  let silent: net.Server;
  let silentPort: number;
  const silentSockets: net.Socket[] = [];
  const conns: RawClient[] = [];
  let ours: { src: RawClient; dst: RawClient };
  let ref: { src: RawClient; dst: RawClient };

  beforeAll(async () => {
    [src, dst, rsrc, rdst] = await Promise.all([
      startNode(), startNode(['--requirepass', 'pw']), startRedis(), startRedis(['--requirepass', 'pw']),
    ]);
    // A target that accepts connections and never answers: MIGRATE's read timeout.
    silent = net.createServer((s) => {
      silentSockets.push(s);
      s.on('error', () => s.destroy());
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    silentPort = (silent.address() as net.AddressInfo).port;
    const open = async (port: number) => {
      const c = await RawClient.connect(port);
      conns.push(c);
      return c;
    };
    ours = { src: await open(src.port), dst: await open(dst.port) };
    ref = { src: await open(rsrc.port), dst: await open(rdst.port) };
    for (const t of [ours.dst, ref.dst]) expect(await t.call('AUTH', 'pw')).toBe('OK');
  });
  afterAll(async () => {
    for (const c of conns) c.close();
    for (const s of silentSockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
    await Promise.all([src.stop(), dst.stop(), rsrc.stop(), rdst.stop()]);
  });

  /** Same command on both sources; `{port}` stands for the matching target's port. */
  async function migrate(...args: Arg[]): Promise<{ ours: Reply; ref: Reply }> {
    const fill = (port: number) => args.map((a) => (a === '{port}' ? port : a));
    const [o, r] = await Promise.all([ours.src.call('MIGRATE', ...fill(dst.port)), ref.src.call('MIGRATE', ...fill(rdst.port))]);
    return { ours: o, ref: r };
  }

  async function same(sideCmd: 'src' | 'dst', ...args: Arg[]): Promise<Reply> {
    const [o, r] = await Promise.all([ours[sideCmd].call(...args), ref[sideCmd].call(...args)]);
    expect(o, `${sideCmd}: ${args.join(' ')}`).toEqual(r);
    return o;
  }

  async function expectSame(...args: Arg[]): Promise<Reply> {
    const { ours: o, ref: r } = await migrate(...args);
    expect(o, `MIGRATE ${args.join(' ')}`).toEqual(r);
    return o;
  }

  test('missing keys reply NOKEY; option and argument errors match', async () => {
    expect(await expectSame('127.0.0.1', '{port}', 'nokey', 0, 1000, 'AUTH', 'pw')).toBe('NOKEY');
    await expectSame('127.0.0.1', '{port}', '', 0, 1000, 'KEYS', 'x', 'y');
    await expectSame('127.0.0.1', '{port}', 'k', 0, 1000, 'KEYS', 'x');
    await expectSame('127.0.0.1', '{port}', 'k', 0, 1000, 'BOGUS');
    await expectSame('127.0.0.1', '{port}', 'k', 0, 1000, 'AUTH');
    await expectSame('127.0.0.1', '{port}', 'k', 0, 1000, 'AUTH2', 'user');
    await expectSame('127.0.0.1', '{port}', 'k', 0, 'abc');
    await expectSame('127.0.0.1', '{port}', 'k', 'x', 1000);
    await expectSame('127.0.0.1', '{port}', 'k', 0);
  });

  test('moves a key with its TTL into the selected db, then BUSYKEY, REPLACE and COPY', async () => {
    await same('src', 'SET', 'k1', 'v1', 'PX', 100000);
    expect(await expectSame('127.0.0.1', '{port}', 'k1', 3, 1000, 'AUTH', 'pw')).toBe('OK');
    await same('src', 'EXISTS', 'k1');
    await same('dst', 'SELECT', 3);
    expect(await same('dst', 'GET', 'k1')).toBe('v1');
    for (const side of [ours, ref]) {
      const pttl = (await side.dst.call('PTTL', 'k1')) as number;
      expect(pttl).toBeGreaterThan(90000);
      expect(pttl).toBeLessThanOrEqual(100000);
    }
    await same('src', 'SET', 'k1', 'v2');
    const busy = await expectSame('127.0.0.1', '{port}', 'k1', 3, 1000, 'AUTH', 'pw');
    expect(String(busy)).toContain('Target instance replied with error: BUSYKEY');
    expect(await same('src', 'GET', 'k1')).toBe('v2');
    expect(await expectSame('127.0.0.1', '{port}', 'k1', 3, 1000, 'COPY', 'REPLACE', 'AUTH', 'pw')).toBe('OK');
    expect(await same('src', 'GET', 'k1')).toBe('v2');
    expect(await same('dst', 'GET', 'k1')).toBe('v2');
    await same('dst', 'SELECT', 0);
  });

  test('KEYS moves the keys present, AUTH2 authenticates, wrong passwords pass the target error through', async () => {
    await same('src', 'MSET', 'a', '1', 'b', '2');
    await same('src', 'RPUSH', 'l', 'x', 'y', 'z');
    expect(await expectSame('127.0.0.1', '{port}', '', 0, 1000, 'AUTH2', 'default', 'pw', 'KEYS', 'a', 'missing', 'l', 'b')).toBe('OK');
    await same('src', 'EXISTS', 'a', 'b', 'l');
    expect(await same('dst', 'MGET', 'a', 'b')).toEqual(['1', '2']);
    expect(await same('dst', 'LRANGE', 'l', 0, -1)).toEqual(['x', 'y', 'z']);
    await same('src', 'SET', 'c', '3');
    const wrong = await expectSame('127.0.0.1', '{port}', 'c', 0, 1000, 'AUTH', 'nope');
    expect(String(wrong)).toContain('Target instance replied with error: WRONGPASS');
    await expectSame('127.0.0.1', '{port}', 'c', 0, 1000);
    expect(await same('src', 'GET', 'c')).toBe('3');
    await same('src', 'SET', 'd', '4');
    // A target error on one key (BUSYKEY) does not stop the others.
    await same('dst', 'SET', 'c', 'there');
    await expectSame('127.0.0.1', '{port}', '', 0, 1000, 'AUTH', 'pw', 'KEYS', 'c', 'd');
    await same('src', 'MGET', 'c', 'd');
    await same('dst', 'MGET', 'c', 'd');
  });

  test('AUTH to a target without a password passes its error through', async () => {
    await same('dst', 'SET', 'back', '1');
    const [o, r] = await Promise.all([
      ours.dst.call('MIGRATE', '127.0.0.1', src.port, 'back', 0, 1000, 'AUTH', 'x'),
      ref.dst.call('MIGRATE', '127.0.0.1', rsrc.port, 'back', 0, 1000, 'AUTH', 'x'),
    ]);
    expect(o).toEqual(r);
    expect(String(o)).toContain('ERR Target instance replied with error: ERR AUTH');
    expect(await same('dst', 'GET', 'back')).toBe('1');
  });

  test('a refused connection and a silent target give IOERR', async () => {
    const closed = await freePort();
    await same('src', 'SET', 'io', 'v');
    // Redis connects without waiting: a refused connection fails the first write (then the retry).
    const r1 = await migrate('127.0.0.1', closed, 'io', 0, 200);
    expect(r1.ours).toEqual(r1.ref);
    expect(String(r1.ours)).toContain('IOERR error or timeout writing to target instance');
    const r2 = await migrate('127.0.0.1', silentPort, 'io', 0, 100);
    expect(r2.ours).toEqual(r2.ref);
    expect(String(r2.ours)).toContain('IOERR error or timeout reading to target instance');
    expect(await same('src', 'GET', 'io')).toBe('v');
  });

  test('the connection is cached and reused, and the node serves others meanwhile', async () => {
    await same('src', 'SET', 'reuse1', 'v');
    await same('src', 'SET', 'reuse2', 'v');
    expect(await expectSame('127.0.0.1', '{port}', 'reuse1', 0, 1000, 'AUTH', 'pw')).toBe('OK');
    const before = (await ours.dst.call('INFO', 'stats')) as string;
    expect(await expectSame('127.0.0.1', '{port}', 'reuse2', 0, 1000, 'AUTH', 'pw')).toBe('OK');
    const after = (await ours.dst.call('INFO', 'stats')) as string;
    const conns = (s: string) => Number(/total_connections_received:(\d+)/.exec(s)![1]);
    expect(conns(after)).toBe(conns(before));
  });
});

describe('MIGRATE on cluster nodes against a real redis-server in cluster mode', () => {
  let node: InProcessNode;
  let ref: RedisServer;
  let d: Differ;

  beforeAll(async () => {
    [node, ref] = await Promise.all([startNode(['--cluster-enabled', 'yes']), startRedis(['--cluster-enabled', 'yes'])]);
    d = await Differ.connect(node.port, ref.port);
    for (const cmd of [['CLUSTER', 'ADDSLOTSRANGE', 0, 16383]]) {
      const { ours, ref: theirs } = await d.both(...cmd);
      expect(ours).toEqual(theirs);
    }
    // Redis reports the cluster down for a moment after the slots are assigned.
    await waitUntil(async () => String(await d.ref.call('CLUSTER', 'INFO')).includes('cluster_state:ok'), 10_000, 'cluster_state:ok');
  });
  afterAll(async () => {
    d.close();
    await Promise.all([node.stop(), ref.stop()]);
  });

  test('keys of several slots are CROSSSLOT, absent keys NOKEY, bad options errors', async () => {
    const cmds: Arg[][] = [
      ['MIGRATE', '127.0.0.1', 1, '', 0, 1000, 'KEYS', 'a', 'b'],
      ['MIGRATE', '127.0.0.1', 1, '', 0, 1000, 'KEYS', '{t}a', '{t}b'],
      ['MIGRATE', '127.0.0.1', 1, 'absent', 0, 1000],
      ['MIGRATE', '127.0.0.1', 1, 'absent', 0, 1000, 'NOPE'],
      ['MIGRATE', '127.0.0.1', 1, 'absent', 0, 1000, 'KEYS', 'x'],
    ];
    for (const cmd of cmds) {
      const { ours, ref: theirs } = await d.both(...cmd);
      expect(ours, cmd.join(' ')).toEqual(theirs);
    }
  });
});
