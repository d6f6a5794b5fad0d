import { describe, expect, test } from 'vitest';
import { ZSet } from '../../nodes/types/zset.js';
import { rng } from '../helpers/rng.js';

describe('sorted set storage past its in-place growth threshold', () => {
  test('200k members added, re-scored and removed keep order, ranks and neighbours', () => {
    const rand = rng(7);
    const z = new ZSet();
    const model = new Map<string, number>();
    for (let i = 0; i < 200_000; i++) {
      const m = `m${Math.floor(rand() * 150_000)}`;
      const r = rand();
      if (r < 0.8) {
        const score = Math.floor(rand() * 50_000); // many ties: member order decides
        z.add(m, score, {});
        model.set(m, score);
      } else if (model.has(m)) {
        expect(z.delete(m)).toBe(true);
        model.delete(m);
      }
    }
    const sorted = [...model].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    expect(z.size).toBe(sorted.length);
    let i = 0;
    for (let n = z.zsl.first; n !== null; n = n.fwd, i++) {
      expect([n.member, n.score]).toEqual(sorted[i]);
      if (i % 997 === 0) expect(z.zsl.rank(n.score, n.member)).toBe(i + 1);
    }
    expect(i).toBe(sorted.length);
    expect(z.zsl.tail!.member).toBe(sorted[sorted.length - 1][0]);
    expect(z.zsl.byRank(sorted.length >> 1)!.member).toBe(sorted[(sorted.length >> 1) - 1][0]);
  });
});
