/**
 * Bad input over real sockets: every malformed or hostile client gets Redis's error (or is closed)
 * while every other client keeps being served, and memory stays bounded.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { RawClient, RespError } from '../helpers/raw-client.js';

let node: InProcessNode;
let bystander: RawClient;

beforeAll(async () => {
  node = await startNode();
  bystander = await RawClient.connect(node.port);
});
afterAll(async () => {
  bystander.close();
  await node.stop();
});

/** After each hostile case, an unrelated client must still get answers. */
async function stillServing(): Promise<void> {
  expect(await bystander.call('PING')).toBe('PONG');
}

async function expectErrorThenClose(input: string | Buffer, error: string): Promise<void> {
  const c = await RawClient.connect(node.port);
  c.write(input);
  const r = await c.reply();
  expect(r).toBeInstanceOf(RespError);
  expect((r as RespError).message).toBe(error);
  await c.waitClosed();
  await stillServing();
}

describe('malformed frames', () => {
  test('invalid multibulk length', () => expectErrorThenClose('*x\r\n', 'ERR Protocol error: invalid multibulk length'));
  test("expected '$'", () => expectErrorThenClose('*1\r\n:1\r\n', "ERR Protocol error: expected '$', got ':'"));
  test('negative bulk length', () => expectErrorThenClose('*1\r\n$-2\r\n', 'ERR Protocol error: invalid bulk length'));
  test('unbalanced quotes inline', () => expectErrorThenClose('ECHO "abc\r\n', 'ERR Protocol error: unbalanced quotes in request'));
  test('a 1 GB declared bulk is refused before any of it is read', () =>
    expectErrorThenClose('*2\r\n$4\r\nECHO\r\n$1073741824\r\n', 'ERR Protocol error: invalid bulk length'));
  test('an inline request over 64 KB without newline', () =>
    expectErrorThenClose(Buffer.alloc(80_000, 'a'), 'ERR Protocol error: too big inline request'));
  test('commands before the bad frame are answered first', async () => {
    const c = await RawClient.connect(node.port);
    c.write('*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n*zz\r\n');
    expect(await c.reply()).toBe('PONG');
    expect(await c.reply()).toBe('PONG');
    expect(await c.reply()).toEqual(new RespError('ERR Protocol error: invalid multibulk length'));
    await c.waitClosed();
  });
});

describe('hostile but well-formed clients', () => {
  test('a 10M-element multibulk header costs nothing until sent; the server keeps serving', async () => {
    const before = process.memoryUsage().rss;
    const c = await RawClient.connect(node.port);
    c.write('*10000000\r\n$4\r\nECHO\r\n');
    await stillServing();
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    c.close();
  });

  test('unknown commands and wrong arity get Redis errors, the connection stays open', async () => {
    const c = await RawClient.connect(node.port);
    expect(await c.call('NOSUCH', 'a', 'b')).toEqual(new RespError("ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' "));
    expect(await c.call('ECHO')).toEqual(new RespError("ERR wrong number of arguments for 'echo' command"));
    expect(await c.call('CONFIG', 'NOPE')).toEqual(new RespError("ERR unknown subcommand 'NOPE'. Try CONFIG HELP."));
    expect(await c.call('PING')).toBe('PONG');
    c.close();
  });

  test('binary arguments with \\0 and \\r\\n round-trip', async () => {
    const c = await RawClient.connect(node.port, { buffers: true });
    const bin = Buffer.from([0, 13, 10, 255, 0, 36, 42, 13, 10]);
    expect(Buffer.compare((await c.call('ECHO', bin)) as Buffer, bin)).toBe(0);
    c.close();
  });

  test('a client sending one byte at a time is answered correctly', async () => {
    const c = await RawClient.connect(node.port);
    const wire = Buffer.from('*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\nPING\r\n');
    for (const b of wire) {
      c.write(Buffer.from([b]));
      await new Promise((r) => setImmediate(r));
    }
    expect(await c.reply()).toBe('hello');
    expect(await c.reply()).toBe('PONG');
    c.close();
  });

  test('10k connections opened and dropped leave no clients behind', async () => {
    const total = 10_000;
    const batch = 500;
    for (let i = 0; i < total; i += batch) {
      await Promise.all(Array.from({ length: batch }, () => new Promise<void>((resolve) => {
        const s = net.connect(node.port, '127.0.0.1');
        s.on('connect', () => { s.write('PING\r\n'); s.destroy(); resolve(); });
        s.on('error', () => resolve());
      })));
    }
    await stillServing();
    const deadline = Date.now() + 10_000;
    while (node.server.clients.size > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(node.server.clients.size).toBe(1); // only the bystander
    expect(node.server.stats.totalConnections).toBeGreaterThanOrEqual(total);
  });

  test('a client vanishing mid-pipeline does not disturb others', async () => {
    const s = net.connect(node.port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    s.write(Buffer.from('*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n'.repeat(50_000) + '*2\r\n$4\r\nECHO\r\n$100\r\nab'));
    s.destroy();
    await stillServing();
  });

  test('a slow reader is paused, not buffered without bound', async () => {
    const s = net.connect(node.port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    s.pause(); // never read replies
    const payload = 'x'.repeat(60_000);
    const cmd = Buffer.from(`*2\r\n$4\r\nECHO\r\n$${payload.length}\r\n${payload}\r\n`);
    for (let i = 0; i < 4000; i++) s.write(cmd); // 240 MB of replies requested, never read
    await stillServing();
    await new Promise((r) => setTimeout(r, 200));
    await stillServing();
    // Server side: what it holds for that client (unparsed input + unsent output) stays small,
    // because it stopped reading once the client stopped reading.
    const held = Math.max(...[...node.server.clients.values()].map((c) => c.outputBytes + c.parser.pending));
    expect(held).toBeLessThan(32 * 1024 * 1024);
    s.destroy();
  });
});

test('a handler that throws fails only its own client, with an error reply', async () => {
  const cmd = node.server.commands.get('echo')!;
  const original = cmd.handler;
  cmd.handler = () => {
    throw new Error('boom');
  };
  try {
    const c = await RawClient.connect(node.port);
    expect(await c.call('ECHO', 'x')).toEqual(new RespError("ERR internal error in 'echo': boom"));
    await c.waitClosed();
    await stillServing();
  } finally {
    cmd.handler = original;
  }
  const again = await RawClient.connect(node.port);
  expect(await again.call('ECHO', 'ok')).toBe('ok');
  again.close();
});
