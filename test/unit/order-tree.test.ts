import { describe, expect, test } from 'vitest';
import { ZSet } from '../../nodes/types/zset.js';
import { OrderTree } from '../../nodes/types/order-tree.js';
import type { ZNode } from '../../nodes/types/zset-order.js';
import { rng } from '../helpers/rng.js';

describe('a large sorted set', () => {
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
    for (let n = z.tree.first; n !== null; n = n.fwd, i++) {
      expect([n.member, n.score]).toEqual(sorted[i]);
      if (i % 997 === 0) expect(z.tree.rankOf(n)).toBe(i + 1);
    }
    expect(i).toBe(sorted.length);
    expect(z.tree.tail!.member).toBe(sorted[sorted.length - 1][0]);
    expect(z.tree.byRank(sorted.length >> 1)!.member).toBe(sorted[(sorted.length >> 1) - 1][0]);
  });
});

/** Loose view of the tree's nodes, for checking its invariants from outside. */
interface TNode {
  isLeaf: boolean;
  n: number;
  parent: TNode | null;
  scores?: Float64Array;
  nodes?: ZNode[];
  children?: TNode[];
  counts?: Float64Array;
  sepScores?: Float64Array;
  sepMembers?: string[];
}

const before = (s1: number, m1: string, s2: number, m2: string) => s1 < s2 || (s1 === s2 && m1 < m2);

/** Checks every structural invariant; returns the entries in order. */
function verify(tree: OrderTree): ZNode[] {
  const root = (tree as unknown as { root: TNode }).root;
  const out: ZNode[] = [];
  const walk = (t: TNode, isRoot: boolean): number => {
    // Fill: at least a quarter, but for the root and the last leaf (an append past a full last
    // leaf starts a new one with a single entry, so in-order loads fill their leaves).
    if (!isRoot && !(t.isLeaf && t.nodes!.includes(tree.tail!))) expect(t.n).toBeGreaterThanOrEqual(16);
    if (t.isLeaf) {
      expect(t.nodes!.length).toBe(t.n);
      t.nodes!.forEach((z, i) => {
        expect(z.leaf).toBe(t);
        expect(t.scores![i]).toBe(z.score);
        out.push(z);
      });
      return t.n;
    }
    expect(t.children!.length).toBe(t.n);
    expect(t.sepMembers!.length).toBe(t.n);
    let sum = 0;
    t.children!.forEach((c, i) => {
      expect(c.parent).toBe(t);
      const from = out.length;
      const size = walk(c, false);
      expect(t.counts![i]).toBe(size);
      sum += size;
      if (i > 0) {
        // Separator i: above everything in child i-1, not above anything in child i.
        const s = t.sepScores![i];
        const m = t.sepMembers![i];
        expect(before(out[from - 1].score, out[from - 1].member, s, m)).toBe(true);
        expect(before(out[from].score, out[from].member, s, m)).toBe(false);
      }
    });
    return sum;
  };
  walk(root, true);
  expect(tree.length).toBe(out.length);
  expect(tree.first).toBe(out[0] ?? null);
  expect(tree.tail).toBe(out[out.length - 1] ?? null);
  out.forEach((z, i) => {
    expect(z.prev).toBe(out[i - 1] ?? null);
    expect(z.fwd).toBe(out[i + 1] ?? null);
    if (i > 0) expect(before(out[i - 1].score, out[i - 1].member, z.score, z.member)).toBe(true);
  });
  return out;
}

describe('order tree invariants under random work', () => {
  test('inserts, re-scores and deletes across splits, merges and refills, checked against a model', () => {
    const rand = rng(11);
    const tree = new OrderTree();
    const byMember = new Map<string, ZNode>();
    const removed: ZNode[] = [];
    // Phases: grow to ~6000 (several levels), churn, shrink to a handful, grow again.
    const phases: [number, number][] = [[20_000, 0.85], [20_000, 0.5], [20_000, 0.15], [10_000, 0.9]];
    for (const [steps, pAdd] of phases) {
      for (let i = 0; i < steps; i++) {
        const m = `m${Math.floor(rand() * 8000)}`;
        const score = Math.floor(rand() * 300); // many ties: the member decides
        const z = byMember.get(m);
        const r = rand();
        if (z === undefined) {
          if (r < pAdd) byMember.set(m, tree.insert(score, m));
        } else if (r < pAdd) {
          if (score !== z.score) tree.updateScore(z, score);
        } else {
          tree.delete(z);
          byMember.delete(m);
        }
      }
      const order = verify(tree);
      const model = [...byMember.values()].sort((a, b) => (before(a.score, a.member, b.score, b.member) ? -1 : 1));
      expect(order).toEqual(model);
      for (let i = 0; i < order.length; i += 37) {
        expect(tree.rankOf(order[i])).toBe(i + 1);
        expect(tree.byRank(i + 1)).toBe(order[i]);
      }
      for (let s = -1; s <= 301; s += 7) {
        const below = order.filter((z) => z.score < s);
        const atMost = order.filter((z) => z.score <= s);
        expect(tree.lastScoreBelow(s, false)).toBe(below[below.length - 1] ?? null);
        expect(tree.lastScoreBelow(s, true)).toBe(atMost[atMost.length - 1] ?? null);
      }
    }
    // Range deletes: a score range, a rank range, then everything.
    const inRange = verify(tree).filter((z) => z.score >= 100 && z.score <= 150);
    expect(tree.deleteScoreRange({ min: 100, max: 150, minEx: false, maxEx: false }, (z) => removed.push(z))).toBe(inRange.length);
    expect(removed).toEqual(inRange);
    const rest = verify(tree);
    expect(tree.deleteRankRange(2, 41, () => {})).toBe(Math.min(40, rest.length - 1));
    verify(tree);
    expect(tree.deleteRankRange(1, tree.length, () => {})).toBe(rest.length - Math.min(40, rest.length - 1));
    expect(verify(tree)).toEqual([]);
  });

  test('lex descents over equal scores, in a set many leaves wide', () => {
    const tree = new OrderTree();
    const members = Array.from({ length: 3000 }, (_, i) => `k${String(i * 3).padStart(5, '0')}`);
    for (const m of [...members].reverse()) tree.insert(0, m);
    // Deleting every other run of 20 leaves stale separators behind.
    for (let i = 0; i < members.length; i += 40) for (let j = i; j < i + 20; j++) tree.delete(tree.byRank(1 + i / 2)!);
    const order = verify(tree).map((z) => z.member);
    for (let probe = 0; probe < 9100; probe += 13) {
      const key = `k${String(probe).padStart(5, '0')}`;
      const last = tree.lastWhileMember((m) => m < key);
      const want = order.filter((m) => m < key);
      expect(last?.member ?? null).toBe(want[want.length - 1] ?? null);
    }
  });

  test('an in-order load fills its leaves', () => {
    const tree = new OrderTree();
    for (let i = 0; i < 64 * 100; i++) tree.insert(i, `m${i}`);
    verify(tree);
    const leaves = new Set(verify(tree).map((z) => z.leaf));
    expect(leaves.size).toBe(100);
  });
});
