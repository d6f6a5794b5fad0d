/**
 * The exact command stream a master sends its replicas, read by a hand-made replica speaking the
 * protocol on a raw socket: the propagation rewrites (Redis 7.0's), SELECT, MULTI/EXEC wrapping,
 * SYNC (old protocol) and masterauth.
 */
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { RequestParser } from '../../lib/resp/parser.js';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { waitUntil } from '../helpers/guarded-process.js';

/** A replica on a raw socket: handshake, snapshot skipped, then every command it receives. */
class FakeReplica {
  readonly commands: string[][] = [];
  private buf = Buffer.alloc(0);
  private streaming = false;
  private parser = new RequestParser((argv) => this.commands.push(argv));
  private constructor(readonly sock: net.Socket) {
    sock.on('data', (b) => this.onData(b));
  }

  static async psync(port: number): Promise<FakeReplica> {
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const f = new FakeReplica(sock);
    sock.write('*5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n');
    sock.write('*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n');
    // +OK, +FULLRESYNC <id> <offset>, $EOF:<mark>, snapshot, <mark>.
    await waitUntil(() => f.skipSnapshot(), 5000, 'snapshot');
    sock.write('*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$1\r\n0\r\n');
    return f;
  }

  private onData(b: Buffer): void {
    if (this.streaming) this.parser.feed(b);
    else this.buf = Buffer.concat([this.buf, b]);
  }

  private skipSnapshot(): boolean {
    const text = this.buf.latin1Slice();
    const m = /\+FULLRESYNC [0-9a-f]{40} \d+\r\n\$EOF:([0-9a-f]{40})\r\n/.exec(text);
    if (!m) return false;
    const end = text.indexOf(m[1], m.index + m[0].length);
    if (end < 0) return false;
    const rest = this.buf.subarray(end + 40);
    this.streaming = true;
    if (rest.length) this.parser.feed(rest);
    return true;
  }

  /** Waits for n more commands and returns them (REPLCONF GETACK left out). */
  async next(n: number): Promise<string[][]> {
    const data = () => this.commands.filter((c) => c[0] !== 'REPLCONF');
    await waitUntil(() => data().length >= n, 5000, `${n} commands`).catch((e: Error) => {
      throw new Error(`${e.message}; got ${JSON.stringify(data())}`);
    });
    const out = data().slice(0, n);
    this.commands.splice(0, this.commands.length, ...data().slice(n));
    return out;
  }

  close(): void {
    this.sock.destroy();
  }
}

let m: InProcessNode;
let io: Redis;
let rep: FakeReplica;

beforeAll(async () => {
  m = await startNode();
  io = new Redis({ port: m.port });
  rep = await FakeReplica.psync(m.port);
});
afterAll(async () => {
  rep?.close();
  io?.disconnect();
  await m?.stop();
});

const num = expect.stringMatching(/^\d+$/);

test('relative expiries replay as absolute times; SELECT precedes the first command', async () => {
  await io.set('a', '1', 'EX', 100);
  await io.setex('b', 100, '2');
  await io.expire('a', 200);
  await io.getex('b', 'PX', 5000);
  await io.set('c', '3', 'PXAT', '99999999999999');
  const cmds = await rep.next(6);
  expect(cmds).toEqual([
    ['SELECT', '0'],
    ['SET', 'a', '1', 'PXAT', num],
    ['SET', 'b', '2', 'PXAT', num],
    ['PEXPIREAT', 'a', num],
    ['PEXPIREAT', 'b', num],
    ['set', 'c', '3', 'PXAT', '99999999999999'],
  ]);
  expect(Number(cmds[3][2])).toBe(Number(await io.call('PEXPIRETIME', 'a')));
});

test('nondeterministic commands replay their outcome', async () => {
  await io.set('f', '10.5');
  await io.incrbyfloat('f', '0.1');
  await io.hincrbyfloat('h', 'x', '1.5');
  await io.sadd('s', 'a', 'b', 'c');
  const member = await io.spop('s');
  const two = await io.spop('s', 2);
  await io.set('gd', 'x');
  await io.getdel('gd');
  await io.expire('f', -1);
  const id = await io.xadd('st', '*', 'k', 'v');
  const cmds = await rep.next(10);
  expect(cmds).toEqual([
    ['set', 'f', '10.5'],
    ['SET', 'f', '10.6', 'KEEPTTL'],
    ['HSET', 'h', 'x', '1.5'],
    ['sadd', 's', 'a', 'b', 'c'],
    ['SREM', 's', member],
    ['DEL', 's'],
    ['set', 'gd', 'x'],
    ['DEL', 'gd'],
    ['DEL', 'f'],
    ['xadd', 'st', id, 'k', 'v'],
  ]);
  expect(two).toHaveLength(2);
});

test('a transaction replays as MULTI … EXEC; blocking pops as plain pops', async () => {
  await io.multi().set('t', '1').incr('t').exec();
  const blocker = new Redis({ port: m.port });
  const popped = blocker.blpop('q', 5);
  await waitUntil(async () => (await io.info('clients')).includes('blocked_clients:1'), 5000, 'BLPOP to block');
  await io.rpush('q', 'x', 'y');
  expect(await popped).toEqual(['q', 'x']);
  blocker.disconnect();
  await io.lpush('q2', 'z');
  expect(await io.blpop('q2', 1)).toEqual(['q2', 'z']);
  // The pop served to the blocked client follows the push that woke it (as Redis 7.0 orders it).
  expect(await rep.next(8)).toEqual([
    ['MULTI'], ['set', 't', '1'], ['incr', 't'], ['EXEC'],
    ['rpush', 'q', 'x', 'y'], ['LPOP', 'q'],
    ['lpush', 'q2', 'z'], ['LPOP', 'q2'],
  ]);
});

test("a script's writes replay as MULTI … EXEC (effects replication)", async () => {
  await io.eval("redis.call('SET', 'e1', '1', 'EX', '100') return redis.call('INCR', 'e1')", 0);
  expect(await rep.next(4)).toEqual([['MULTI'], ['SET', 'e1', '1', 'PXAT', num], ['INCR', 'e1'], ['EXEC']]);
});

test('a key expiring on the master replays as DEL; another database gets a SELECT', async () => {
  await io.select(2);
  await io.set('gone', 'v', 'PX', 20);
  await waitUntil(async () => (await io.exists('gone')) === 0, 2000, 'expiry');
  await io.select(0);
  const cmds = await rep.next(3);
  expect(cmds).toEqual([['SELECT', '2'], ['SET', 'gone', 'v', 'PXAT', num], ['DEL', 'gone']]);
});

test('RESTORE with a relative TTL replays with ABSTTL', async () => {
  await io.set('d', 'v');
  const dump = await io.dumpBuffer('d');
  await io.restore('r', 100000, dump);
  const cmds = await rep.next(3);
  expect(cmds.slice(0, 2)).toEqual([['SELECT', '0'], ['set', 'd', 'v']]);
  expect(cmds[2].slice(0, 3)).toEqual(['restore', 'r', num]);
  expect(cmds[2][4]).toBe('ABSTTL');
  expect(Number(cmds[2][2])).toBe(Number(await io.call('PEXPIRETIME', 'r')));
});

test('SYNC (old protocol) gets a sized payload, then the stream', async () => {
  const sock = net.connect(m.port, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  let got = Buffer.alloc(0);
  sock.on('data', (b) => (got = Buffer.concat([got, b])));
  sock.write('SYNC\r\n');
  await waitUntil(() => /^\$\d+\r\n/.test(got.latin1Slice(0, 32)), 5000, 'payload header');
  const len = Number(/^\$(\d+)\r\n/.exec(got.latin1Slice(0, 32))![1]);
  const start = got.indexOf('\r\n') + 2;
  await waitUntil(() => got.length >= start + len, 5000, 'payload');
  expect(got.latin1Slice(start, start + 6)).toBe('SGSNAP');
  await io.set('after-sync', '1');
  await waitUntil(() => got.latin1Slice(start + len).includes('after-sync'), 5000, 'stream after payload');
  sock.destroy();
  await rep.next(1);
});

test('a replica authenticates with masterauth', async () => {
  const secured = await startNode(['--requirepass', 'sekret']);
  const replica = await startNode(['--masterauth', 'sekret']);
  const mio = new Redis({ port: secured.port, password: 'sekret' });
  const rio = new Redis({ port: replica.port });
  try {
    await mio.set('auth', 'ok');
    await rio.call('REPLICAOF', '127.0.0.1', String(secured.port));
    await waitUntil(async () => (await rio.get('auth')) === 'ok', 5000, 'replicated value');
    expect((await rio.info('replication')).includes('master_link_status:up')).toBe(true);
  } finally {
    mio.disconnect();
    rio.disconnect();
    await replica.stop();
    await secured.stop();
  }
});

test('replica-serve-stale-data no: MASTERDOWN while the link is down', async () => {
  const replica = await startNode(['--replica-serve-stale-data', 'no', '--replicaof', '127.0.0.1', '1']);
  const rio = new Redis({ port: replica.port });
  try {
    await expect(rio.get('k')).rejects.toThrow("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
    expect(await rio.call('ROLE')).toEqual(['slave', '127.0.0.1', 1, expect.stringMatching(/^connect/), -1]);
    expect(await rio.call('REPLICAOF', 'NO', 'ONE')).toBe('OK');
    expect(await rio.get('k')).toBeNull();
  } finally {
    rio.disconnect();
    await replica.stop();
  }
});

test('sync-replicas: a pipeline runs at once, its replies wait for the ACK and leave in order', async () => {
  const sm = await startNode(['--sync-replicas', '1', '--sync-replicas-timeout', '10000']);
  const fake = await FakeReplica.psync(sm.port);
  const writer = new Redis({ port: sm.port });
  const other = new Redis({ port: sm.port });
  try {
    await waitUntil(async () => (await other.info('replication')).includes('state=online'), 5000, 'replica online');
    let replies: unknown[] | null = null;
    const p = writer.pipeline().set('p1', 'a').get('p1').set('p2', 'b').incr('p3');
    const done = p.exec().then((r) => (replies = r!.map(([, v]) => v)));
    // Every command ran on the master although no reply has left yet.
    await waitUntil(async () => (await other.exists('p1', 'p2', 'p3')) === 3, 5000, 'pipeline applied');
    await fake.next(3);
    expect(replies).toBeNull();
    const offset = /master_repl_offset:(\d+)/.exec(await other.info('replication'))![1];
    fake.sock.write(`*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$${offset.length}\r\n${offset}\r\n`);
    await done;
    expect(replies).toEqual(['OK', 'a', 'OK', 1]);
  } finally {
    fake.close();
    writer.disconnect();
    other.disconnect();
    await sm.stop();
  }
});
