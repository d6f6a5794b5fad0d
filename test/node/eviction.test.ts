/**
 * maxmemory with each policy, on a real `slotgate node` process (used memory is the process's own
 * heap, so it cannot share the test runner's).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { spawnNode, type SpawnedNode } from '../helpers/node.js';

let node: SpawnedNode;
let io: Redis;

beforeAll(async () => {
  node = await spawnNode();
  io = new Redis({ port: node.port });
});
afterAll(async () => {
  io.disconnect();
  await node.stop();
});

async function info(field: string): Promise<number> {
  const text = await io.info();
  return Number(new RegExp(`${field}:(\\d+)`).exec(text)![1]);
}

/** Sets maxmemory a few MB above what the node uses now, with the given policy. */
async function limit(policy: string, headroomMb = 8): Promise<void> {
  await io.config('SET', 'maxmemory', '0');
  await io.flushall();
  await io.call('MEMORY', 'PURGE'); // a full GC, so the reading holds no garbage of earlier tests
  const used = await info('used_memory');
  await io.config('SET', 'maxmemory-policy', policy);
  await io.config('SET', 'maxmemory', String(used + headroomMb * 1024 * 1024));
}

/** Writes n keys of 10 KB (100 per pipeline); returns the replies' errors. */
async function fill(n: number, prefix: string, ttl = false): Promise<string[]> {
  const errors: string[] = [];
  const value = 'v'.repeat(10_000);
  for (let i = 0; i < n; i += 100) {
    const p = io.pipeline();
    for (let j = i; j < Math.min(n, i + 100); j++) {
      if (ttl) p.set(`${prefix}:${j}`, value, 'EX', 1000);
      else p.set(`${prefix}:${j}`, value);
    }
    for (const [err] of (await p.exec())!) if (err) errors.push(err.message);
  }
  return errors;
}

beforeEach(async () => {
  await io.config('RESETSTAT');
});

test('noeviction: writes beyond maxmemory get the OOM error, reads still work', async () => {
  await limit('noeviction');
  const errors = await fill(3000, 'k');
  expect(errors.length).toBeGreaterThan(0);
  expect(errors[0]).toBe("OOM command not allowed when used memory > 'maxmemory'.");
  expect(await io.get('k:0')).toHaveLength(10_000);
  expect(await io.ping()).toBe('PONG');
});

test.each(['allkeys-lru', 'allkeys-lfu', 'allkeys-random'])('%s evicts keys and keeps accepting writes', async (policy) => {
  await limit(policy);
  const errors = await fill(3000, 'k');
  expect(errors).toEqual([]);
  expect(await info('evicted_keys')).toBeGreaterThan(0);
  expect(await io.dbsize()).toBeLessThan(3000);
  expect(await io.dbsize()).toBeGreaterThan(0);
});

test.each(['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'])('%s evicts only keys with a TTL', async (policy) => {
  await limit(policy, 24);
  await fill(500, 'keep'); // ~5 MB without TTL: never candidates
  const errors = await fill(3000, 'tmp', true);
  expect(errors).toEqual([]);
  expect(await info('evicted_keys')).toBeGreaterThan(0);
  expect(await io.exists(...Array.from({ length: 500 }, (_, i) => `keep:${i}`))).toBe(500);
});

test('volatile policy with no volatile keys left answers OOM', async () => {
  await limit('volatile-lru', 4);
  const errors = await fill(2000, 'k');
  expect(errors.length).toBeGreaterThan(0);
  expect(errors[0]).toMatch(/^OOM command not allowed/);
  await io.config('SET', 'maxmemory', '0');
});

test('MEMORY USAGE grows with the value', async () => {
  await io.set('small', 'x');
  await io.set('big', 'x'.repeat(100_000));
  const small = (await io.call('MEMORY', 'USAGE', 'small')) as number;
  const big = (await io.call('MEMORY', 'USAGE', 'big')) as number;
  expect(big - small).toBeGreaterThanOrEqual(99_990);
  expect(await io.call('MEMORY', 'USAGE', 'missing')).toBeNull();
});
