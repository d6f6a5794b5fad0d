/**
 * The node reads every client into one shared buffer (lib/net/shared-read.ts): a request split
 * across reads must survive other clients' reads overwriting that buffer in between.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { RawClient } from '../helpers/raw-client.js';
import { waitUntil } from '../helpers/guarded-process.js';
import { rng } from '../helpers/rng.js';

let node: InProcessNode;
let other: RawClient;

beforeAll(async () => {
  node = await startNode();
  other = await RawClient.connect(node.port);
});
afterAll(async () => {
  other.close();
  await node.stop();
});

/** The bytes the server holds for client `id` but has not run yet (CLIENT LIST's qbuf). */
async function qbuf(id: number): Promise<number> {
  const list = (await other.call('CLIENT', 'LIST', 'ID', String(id))) as string;
  return Number(/qbuf=(\d+)/.exec(list)![1]);
}

/** Another client's traffic, so the shared buffer is overwritten with other bytes. */
async function trample(): Promise<void> {
  const args = ['MSET'];
  for (let i = 0; i < 200; i++) args.push(`other:${i}`, 'x'.repeat(100 + i));
  expect(await other.call(...args)).toBe('OK');
}

function encode(...argv: string[]): string {
  return `*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('');
}

/**
 * What qbuf shows once the first `cut` bytes of one request were read: the parser consumes whole
 * header lines and whole bulks (with their CRLF), so the bytes since the last such boundary.
 */
function pendingAfter(req: string, cut: number): number {
  let at = req.indexOf('\n') + 1;
  let last = 0;
  while (at > 0 && at <= cut) {
    last = at;
    if (req[at] !== '$') break;
    const headerEnd = req.indexOf('\n', at) + 1;
    if (headerEnd === 0 || headerEnd > cut) break;
    last = headerEnd;
    at = headerEnd + Number(req.slice(at + 1, headerEnd - 2)) + 2;
  }
  return cut - last;
}

/** Sends bytes and waits until the node has read them all (as far as qbuf tells). */
async function sendPart(c: RawClient, id: number, req: string, from: number, to: number): Promise<void> {
  c.write(req.slice(from, to));
  const want = pendingAfter(req, to);
  await waitUntil(async () => (await qbuf(id)) === want, 5000, `${to} bytes read (qbuf ${want})`);
}

test('a command cut mid-bulk, finished after other clients were read', async () => {
  const c = await RawClient.connect(node.port);
  const id = (await c.call('CLIENT', 'ID')) as number;
  const req = encode('SET', 'split:small', 'hello world');
  for (const cut of [3, 17, 22, req.length - 4]) {
    await sendPart(c, id, req, 0, cut);
    await trample();
    c.write(req.slice(cut));
    expect(await c.reply()).toBe('OK');
    expect(await c.call('GET', 'split:small')).toBe('hello world');
  }
  c.close();
});

test('a 300 KB value sent in parts with other traffic between', async () => {
  const rnd = rng(7);
  const value = Array.from({ length: 300_000 }, () => String.fromCharCode(33 + Math.floor(rnd() * 90))).join('');
  const req = encode('SET', 'split:big', value);
  const c = await RawClient.connect(node.port);
  const id = (await c.call('CLIENT', 'ID')) as number;
  let sent = 0;
  for (const part of [10, 40_000, 150_000]) {
    await sendPart(c, id, req, sent, sent + part);
    sent += part;
    await trample();
  }
  c.write(req.slice(sent));
  expect(await c.reply()).toBe('OK');
  expect(await c.call('GET', 'split:big')).toBe(value);
  c.close();
});

test('one pipelined write far larger than a read: every command runs with its own bytes', async () => {
  const c = await RawClient.connect(node.port);
  let batch = '';
  for (let i = 0; i < 5000; i++) batch += encode('SET', `pipe:${i}`, `v${i}:`.padEnd(60 + (i % 37), '#'));
  c.write(batch);
  await trample();
  for (let i = 0; i < 5000; i++) expect(await c.reply()).toBe('OK');
  for (const i of [0, 1, 1234, 4999]) expect(await c.call('GET', `pipe:${i}`)).toBe(`v${i}:`.padEnd(60 + (i % 37), '#'));
  c.close();
});

test('a blocked client with commands queued behind it that hangs up is dropped, its pop not served', async () => {
  const c = await RawClient.connect(node.port);
  c.write(encode('BLPOP', 'shared-read:list', '0') + encode('PING') + encode('GET', 'x'));
  await waitUntil(async () => ((await other.call('CLIENT', 'LIST')) as string).includes('cmd=blpop'), 5000, 'the BLPOP to block');
  c.close();
  await waitUntil(async () => !((await other.call('CLIENT', 'LIST')) as string).includes('cmd=blpop'), 5000, 'the client to go');
  expect(await other.call('LPUSH', 'shared-read:list', 'v')).toBe(1);
  expect(await other.call('LRANGE', 'shared-read:list', '0', '-1')).toEqual(['v']);
});
