/** Pub/Sub over real sockets: RESP2 and RESP3 framing, patterns, shard channels, subscribed mode. */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';
import { RawClient, type Reply } from '../helpers/raw-client.js';

let node: InProcessNode;
let ref: RedisServer;
beforeAll(async () => {
  [node, ref] = await Promise.all([startNode(), startRedis()]);
});
afterAll(async () => {
  await Promise.all([node.stop(), ref.stop()]);
});

async function both<T>(fn: (port: number) => Promise<T>): Promise<[T, T]> {
  return Promise.all([fn(node.port), fn(ref.port)]);
}

test('subscribe/unsubscribe confirmations and subscribed-mode rules match redis-server', async () => {
  const [ours, theirs] = await both(async (port) => {
    const c = await RawClient.connect(port);
    const out: Reply[] = [];
    c.send('SUBSCRIBE', 'a', 'b');
    out.push(await c.reply(), await c.reply());
    c.send('PSUBSCRIBE', 'n*');
    out.push(await c.reply());
    out.push(await c.call('GET', 'x'));
    out.push(await c.call('PING'));
    out.push(await c.call('PING', 'hi'));
    // A bare UNSUBSCRIBE confirms each channel in the server's (unspecified) order: compare by name.
    c.send('UNSUBSCRIBE');
    const [u1, u2] = [(await c.reply()) as Reply[], (await c.reply()) as Reply[]];
    out.push([u1[0], u2[0]], [u1[1], u2[1]].sort(), [u1[2], u2[2]]);
    c.send('PUNSUBSCRIBE');
    out.push(await c.reply());
    c.send('UNSUBSCRIBE');
    out.push(await c.reply());
    out.push(await c.call('PING'));
    c.close();
    return out;
  });
  expect(ours).toEqual(theirs);
});

test('PUBLISH reaches channel and pattern subscribers, counts receivers, keeps order', async () => {
  const sub = await RawClient.connect(node.port);
  const pub = await RawClient.connect(node.port);
  sub.send('SUBSCRIBE', 'news');
  await sub.reply();
  sub.send('PSUBSCRIBE', 'ne*');
  await sub.reply();
  expect(await pub.call('PUBLISH', 'news', 'm1')).toBe(2);
  expect(await pub.call('PUBLISH', 'nest', 'm2')).toBe(1);
  expect(await pub.call('PUBLISH', 'other', 'm3')).toBe(0);
  expect(await sub.reply()).toEqual(['message', 'news', 'm1']);
  expect(await sub.reply()).toEqual(['pmessage', 'ne*', 'news', 'm1']);
  expect(await sub.reply()).toEqual(['pmessage', 'ne*', 'nest', 'm2']);
  expect(await pub.call('PUBSUB', 'NUMSUB', 'news', 'none')).toEqual(['news', 1, 'none', 0]);
  expect(await pub.call('PUBSUB', 'NUMPAT')).toBe(1);
  expect(await pub.call('PUBSUB', 'CHANNELS', 'n*')).toEqual(['news']);
  sub.close();
  pub.close();
});

test('RESP3 subscribers get push frames and may run other commands', async () => {
  const s = net.connect(node.port, '127.0.0.1');
  let got = '';
  s.on('data', (b) => (got += b.toString('latin1')));
  await new Promise((r) => s.once('connect', r));
  const until = async (pred: () => boolean) => {
    const deadline = Date.now() + 5000;
    while (!pred() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  };
  s.write('HELLO 3\r\nSUBSCRIBE ch\r\n');
  await until(() => got.includes('>3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n'));
  got = '';
  s.write('ECHO ok\r\n');
  await until(() => got.includes('$2\r\nok\r\n'));
  expect(got).toBe('$2\r\nok\r\n');
  got = '';
  const pub = await RawClient.connect(node.port);
  await pub.call('PUBLISH', 'ch', 'hello');
  await until(() => got.length > 0 && got.endsWith('hello\r\n'));
  expect(got).toBe('>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n');
  s.destroy();
  pub.close();
});

test('many subscribers and patterns all receive every message', async () => {
  const subs = await Promise.all(Array.from({ length: 50 }, () => RawClient.connect(node.port)));
  for (const [i, s] of subs.entries()) {
    s.send(i % 2 ? 'SUBSCRIBE' : 'PSUBSCRIBE', i % 2 ? 'fan' : 'f?n');
    await s.reply();
  }
  const pub = await RawClient.connect(node.port);
  for (let m = 0; m < 20; m++) expect(await pub.call('PUBLISH', 'fan', `m${m}`)).toBe(50);
  for (const s of subs) {
    for (let m = 0; m < 20; m++) {
      const r = (await s.reply()) as string[];
      expect(r[r.length - 1]).toBe(`m${m}`);
    }
    s.close();
  }
  pub.close();
});

test('shard channels: SSUBSCRIBE / SPUBLISH / PUBSUB SHARD*', async () => {
  const sub = await RawClient.connect(node.port);
  const pub = await RawClient.connect(node.port);
  sub.send('SSUBSCRIBE', 'orders');
  expect(await sub.reply()).toEqual(['ssubscribe', 'orders', 1]);
  expect(await pub.call('SPUBLISH', 'orders', 'o1')).toBe(1);
  expect(await sub.reply()).toEqual(['smessage', 'orders', 'o1']);
  expect(await pub.call('PUBSUB', 'SHARDCHANNELS')).toEqual(['orders']);
  expect(await pub.call('PUBSUB', 'SHARDNUMSUB', 'orders')).toEqual(['orders', 1]);
  sub.close();
  await new Promise((r) => setTimeout(r, 50));
  expect(await pub.call('PUBSUB', 'SHARDNUMSUB', 'orders')).toEqual(['orders', 0]);
  pub.close();
});

test('ioredis and node-redis subscribers', async () => {
  const io = new Redis({ port: node.port });
  const ioPub = new Redis({ port: node.port });
  const got = new Promise<[string, string]>((resolve) => io.on('message', (ch, msg) => resolve([ch, msg])));
  await io.subscribe('io-ch');
  await ioPub.publish('io-ch', 'hey');
  expect(await got).toEqual(['io-ch', 'hey']);

  const nr = createClient({ socket: { port: node.port }, RESP: 3 });
  await nr.connect();
  const nrGot = new Promise<string>((resolve) => void nr.subscribe('nr-ch', (m) => resolve(m)));
  await new Promise((r) => setTimeout(r, 50));
  await ioPub.publish('nr-ch', 'yo');
  expect(await nrGot).toBe('yo');
  await nr.quit();
  io.disconnect();
  ioPub.disconnect();
});
