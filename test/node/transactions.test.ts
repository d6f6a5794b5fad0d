/** MULTI/EXEC/DISCARD/WATCH over real sockets, compared with redis-server 7 where deterministic. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Redis } from 'ioredis';
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

/** Runs the same script of commands on a fresh connection to each server; returns both transcripts. */
async function transcript(script: (string | number)[][]): Promise<{ ours: Reply[]; ref: Reply[] }> {
  const run = async (port: number) => {
    const c = await RawClient.connect(port);
    const out: Reply[] = [];
    for (const cmd of script) out.push(await c.call(...cmd));
    c.close();
    return out;
  };
  const [ours, theirs] = await Promise.all([run(node.port), run(ref.port)]);
  return { ours, ref: theirs };
}

describe('same transcripts as redis-server 7', () => {
  const scripts: Record<string, (string | number)[][]> = {
    'queued commands run in order': [['DEL', 'tx1'], ['MULTI'], ['SET', 'tx1', '1'], ['INCR', 'tx1'], ['GET', 'tx1'], ['EXEC']],
    'runtime errors stay per command': [['DEL', 'tx2'], ['SET', 'tx2', 'abc'], ['MULTI'], ['INCR', 'tx2'], ['SET', 'tx2', 'x'], ['EXEC'], ['GET', 'tx2']],
    'queueing errors abort with EXECABORT': [['DEL', 'tx3'], ['MULTI'], ['SET', 'tx3', '1'], ['NOSUCHCMD'], ['GET'], ['EXEC'], ['EXISTS', 'tx3']],
    'nested MULTI is refused but the transaction continues': [['MULTI'], ['MULTI'], ['PING'], ['EXEC']],
    'EXEC and DISCARD without MULTI': [['EXEC'], ['DISCARD']],
    'DISCARD drops the queue': [['DEL', 'tx4'], ['MULTI'], ['SET', 'tx4', '1'], ['DISCARD'], ['EXISTS', 'tx4']],
    'WATCH inside MULTI': [['MULTI'], ['WATCH', 'x'], ['PING'], ['EXEC']],
    'empty transaction': [['MULTI'], ['EXEC']],
    'UNWATCH then EXEC runs': [['WATCH', 'tx5'], ['SET', 'tx5', '1'], ['UNWATCH'], ['MULTI'], ['GET', 'tx5'], ['EXEC']],
    'own write to a watched key fails EXEC': [['WATCH', 'tx6'], ['SET', 'tx6', '1'], ['MULTI'], ['GET', 'tx6'], ['EXEC']],
  };
  test.each(Object.entries(scripts))('%s', async (_name, script) => {
    const { ours, ref: theirs } = await transcript(script);
    expect(ours).toEqual(theirs);
  });
});

describe('WATCH races between two clients', () => {
  test('another client\'s write makes EXEC return null', async () => {
    const a = await RawClient.connect(node.port);
    const b = await RawClient.connect(node.port);
    await a.call('SET', 'w1', '10');
    expect(await a.call('WATCH', 'w1')).toBe('OK');
    const v = Number(await a.call('GET', 'w1'));
    await b.call('INCR', 'w1');
    await a.call('MULTI');
    await a.call('SET', 'w1', String(v + 1));
    expect(await a.call('EXEC')).toBeNull();
    expect(await a.call('GET', 'w1')).toBe('11');
    a.close();
    b.close();
  });

  test('expiry and FLUSHDB of a watched key invalidate the transaction', async () => {
    const a = await RawClient.connect(node.port);
    const b = await RawClient.connect(node.port);
    await a.call('SET', 'w2', 'x', 'PX', '30');
    await a.call('WATCH', 'w2');
    await new Promise((r) => setTimeout(r, 80));
    await a.call('MULTI');
    await a.call('PING');
    expect(await a.call('EXEC')).toBeNull();

    await a.call('SET', 'w3', 'x');
    await a.call('WATCH', 'w3');
    await b.call('FLUSHDB');
    await a.call('MULTI');
    await a.call('PING');
    expect(await a.call('EXEC')).toBeNull();
    a.close();
    b.close();
  });

  test('an untouched watched key lets EXEC through; optimistic counter is exact under contention', async () => {
    const clients = await Promise.all(Array.from({ length: 5 }, () => new Redis({ port: node.port })));
    await clients[0].set('ctr', '0');
    const incrementOnce = async (c: Redis) => {
      for (;;) {
        await c.watch('ctr');
        const v = Number(await c.get('ctr'));
        const r = await c.multi().set('ctr', String(v + 1)).exec();
        if (r !== null) return;
      }
    };
    // Each connection runs its 20 transactions one after another; the 5 connections race each other.
    await Promise.all(clients.map(async (c) => {
      for (let i = 0; i < 20; i++) await incrementOnce(c);
    }));
    expect(await clients[0].get('ctr')).toBe('100');
    clients.forEach((c) => c.disconnect());
  });
});

test('ioredis pipelines with multi()', async () => {
  const io = new Redis({ port: node.port });
  const r = await io.multi().set('m1', 'a').append('m1', 'b').get('m1').exec();
  expect(r).toEqual([[null, 'OK'], [null, 2], [null, 'ab']]);
  io.disconnect();
});

test('inside EXEC an error reply does not stop later commands', async () => {
  const c = await RawClient.connect(node.port);
  await c.call('SET', 'm2', 'str');
  await c.call('MULTI');
  await c.call('INCR', 'm2');
  await c.call('PING');
  const r = (await c.call('EXEC')) as Reply[];
  expect((r[0] as unknown as Error).message).toBe('ERR value is not an integer or out of range');
  expect(r[1]).toBe('PONG');
  c.close();
});
