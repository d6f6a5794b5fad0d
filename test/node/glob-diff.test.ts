/** KEYS with random glob patterns (brackets, ranges, escapes, stars) matches redis-server exactly. */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { Redis } from 'ioredis';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { startRedis, type RedisServer } from '../helpers/redis-server.js';

let node: InProcessNode;
let ref: RedisServer;
beforeAll(async () => {
  [node, ref] = await Promise.all([startNode(), startRedis()]);
});
afterAll(async () => {
  await Promise.all([node.stop(), ref.stop()]);
});

test('random patterns × keys: same KEYS result', async () => {
  const alphabet = ['a', 'b', 'c', '-', ']', '[', '^', '\\', '*', '?', 'A'];
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const word = (max: number) => Array.from({ length: rnd(max + 1) }, () => alphabet[rnd(alphabet.length)]).join('');
  const keys = new Set<string>(['']);
  while (keys.size < 150) keys.add(word(4));
  const [ours, theirs] = [new Redis({ port: node.port }), new Redis({ port: ref.port })];
  for (const c of [ours, theirs]) {
    const p = c.pipeline();
    for (const k of keys) p.set(k, 'v');
    await p.exec();
  }
  let compared = 0;
  for (let t = 0; t < 600; t++) {
    const pat = word(6);
    const [a, b] = await Promise.all([ours.keys(pat), theirs.keys(pat)]);
    expect([pat, a.sort()]).toEqual([pat, b.sort()]);
    compared++;
  }
  expect(compared).toBe(600);
  ours.disconnect();
  theirs.disconnect();
});
