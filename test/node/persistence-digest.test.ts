/**
 * DEBUG DIGEST / DIGEST-VALUE. Our digests are not Redis's bytes (the value encoding differs), so
 * only the shape of the replies (empty dataset, missing key) is compared with redis-server; the
 * rest asserts the properties other modules rely on: order independence, and sensitivity to key,
 * value, type, expiry and database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { RawClient, type Reply } from '../helpers/raw-client.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

const ZERO = '0'.repeat(40);
let node: InProcessNode;
let redis: RedisServer;
let c: RawClient;
let ref: RawClient;

beforeAll(async () => {
  [node, redis] = await Promise.all([startNode(), startRedis(['--enable-debug-command', 'yes'])]);
  c = await RawClient.connect(node.port);
  ref = await RawClient.connect(redis.port);
});
afterAll(async () => {
  c?.close();
  ref?.close();
  await Promise.all([node?.stop(), redis?.stop()]);
});
beforeEach(async () => {
  await c.call('FLUSHALL');
});

const digest = async (): Promise<Reply> => c.call('DEBUG', 'DIGEST');

describe('DEBUG DIGEST', () => {
  it('is forty zeros for an empty dataset, as Redis', async () => {
    await ref.call('FLUSHALL');
    expect(await digest()).toBe(ZERO);
    expect(await ref.call('DEBUG', 'DIGEST')).toBe(ZERO);
  });

  it('DIGEST-VALUE gives zeros for a missing key, as Redis, and an array per key', async () => {
    await c.call('SET', 'k', 'v');
    const ours = (await c.call('DEBUG', 'DIGEST-VALUE', 'nokey', 'k')) as string[];
    const theirs = (await ref.call('DEBUG', 'DIGEST-VALUE', 'nokey')) as string[];
    expect(ours[0]).toBe(theirs[0]);
    expect(ours[0]).toBe(ZERO);
    expect(ours[1]).toMatch(/^[0-9a-f]{40}$/);
    expect(ours[1]).not.toBe(ZERO);
  });

  it('does not depend on insertion order (keys, set members, hash fields)', async () => {
    await c.call('SET', 'a', '1');
    await c.call('SADD', 's', 'x', 'y', 'z');
    await c.call('HSET', 'h', 'f1', 'v1', 'f2', 'v2');
    await c.call('RPUSH', 'l', '1', '2');
    const first = await digest();
    await c.call('FLUSHALL');
    await c.call('RPUSH', 'l', '1', '2');
    await c.call('HSET', 'h', 'f2', 'v2', 'f1', 'v1');
    await c.call('SADD', 's', 'z', 'y', 'x');
    await c.call('SET', 'a', '1');
    expect(await digest()).toBe(first);
  });

  it('changes with value, type, key name, expiry, list order and database', async () => {
    await c.call('SET', 'k', 'v');
    const seen = new Set([await digest()]);
    const variants: string[][][] = [
      [['SET', 'k', 'w']],
      [['SADD', 'k', 'v']],
      [['SET', 'k2', 'v']],
      [['SET', 'k', 'v', 'PXAT', '99999999999999']],
      [['RPUSH', 'k', 'a', 'b']],
      [['RPUSH', 'k', 'b', 'a']],
      [['SELECT', '1'], ['SET', 'k', 'v'], ['SELECT', '0']],
    ];
    for (const cmds of variants) {
      await c.call('FLUSHALL');
      for (const cmd of cmds) await c.call(...cmd);
      seen.add(await digest());
    }
    expect(seen.size).toBe(variants.length + 1);
  });
});
