/**
 * The keyspace's growable tables (pure unit tests): ShardedMap must behave as a Map through its
 * split, ChunkedArray as an array across chunk boundaries, Dict keep its slots dense.
 */
import { describe, expect, it } from 'vitest';
import { ChunkedArray } from '../../nodes/keyspace/chunked-array.js';
import { Dict } from '../../nodes/keyspace/dict.js';
import { ShardedMap, SPLIT_AT, shardOf } from '../../nodes/keyspace/sharded-map.js';
import { rng } from '../helpers/rng.js';

describe('ShardedMap', () => {
  it('matches a Map under random set/delete/putIfAbsent across the split', () => {
    const m = new ShardedMap<number>();
    const ref = new Map<string, number>();
    const r = rng(42);
    const keyspace = SPLIT_AT * 3;
    let sawSplitting = false;
    for (let op = 0; op < SPLIT_AT * 8; op++) {
      const k = `k:${Math.floor(r() * keyspace)}`;
      const x = r();
      if (x < 0.6) {
        m.set(k, op);
        ref.set(k, op);
      } else if (x < 0.8) {
        expect(m.delete(k)).toBe(ref.delete(k));
      } else {
        const before = ref.get(k);
        if (before === undefined) ref.set(k, op);
        expect(m.putIfAbsent(k, op)).toBe(before);
      }
      if (m.splitting) sawSplitting = true;
      if (op % 997 === 0) {
        expect(m.size).toBe(ref.size);
        expect(m.get(k)).toBe(ref.get(k));
        expect(m.has(k)).toBe(ref.has(k));
      }
    }
    expect(sawSplitting).toBe(true);
    expect(m.sharded).toBe(true);
    expect(m.size).toBe(ref.size);
    for (const [k, v] of ref) expect(m.get(k)).toBe(v);
    expect(new Map(m.entries())).toEqual(ref);
  });

  it('stays one Map up to SPLIT_AT entries and splits on the next new key', () => {
    const m = new ShardedMap<number>();
    for (let i = 0; i < SPLIT_AT; i++) m.set(`a${i}`, i);
    m.set('a0', -1); // an existing key never splits
    expect(m.sharded).toBe(false);
    m.set('new', 1);
    expect(m.sharded).toBe(true);
    expect(m.splitting).toBe(true);
    expect(m.size).toBe(SPLIT_AT + 1);
    expect(m.get('a0')).toBe(-1);
    // Writes finish the move; every entry is then found in its shard.
    for (let i = 0; i < SPLIT_AT; i++) m.set(`b${i}`, i);
    expect(m.splitting).toBe(false);
    expect(m.size).toBe(2 * SPLIT_AT + 1);
    for (let i = 1; i < SPLIT_AT; i++) expect(m.get(`a${i}`)).toBe(i);
  });

  it('iterates every entry during a split, and ends a live iteration when the layout changes', () => {
    const m = new ShardedMap<number>();
    for (let i = 0; i <= SPLIT_AT; i++) m.set(`k${i}`, i);
    expect(m.splitting).toBe(true);
    const seen = new Set(m.keys());
    expect(seen.size).toBe(SPLIT_AT + 1);

    const it = m.entries();
    it.next();
    m.clear();
    expect(it.next().done).toBe(true);
    expect(m.size).toBe(0);
    expect(m.sharded).toBe(false);
  });

  it('spreads keys over the shards', () => {
    const counts = new Array(256).fill(0);
    for (let i = 0; i < 256 * 100; i++) counts[shardOf(`user:${i}:profile`)]++;
    expect(Math.min(...counts)).toBeGreaterThan(50);
    expect(Math.max(...counts)).toBeLessThan(160);
    // Long keys are sampled, never skipped at the end.
    const long = 'x'.repeat(1000);
    expect(shardOf(`${long}a`)).not.toBe(shardOf(`${long}b`));
  });
});

describe('ChunkedArray', () => {
  it('pushes, reads, writes and pops across chunk boundaries', () => {
    const a = new ChunkedArray<number>();
    const n = (1 << 16) * 2 + 5;
    for (let i = 0; i < n; i++) a.push(i);
    expect(a.length).toBe(n);
    expect(a.at(65535)).toBe(65535);
    expect(a.at(65536)).toBe(65536);
    a.setAt(70000, -1);
    expect(a.at(70000)).toBe(-1);
    for (let i = n - 1; i >= 65530; i--) expect(a.pop()).toBe(i === 70000 ? -1 : i);
    expect(a.length).toBe(65530);
    a.push(7);
    expect(a.at(65530)).toBe(7);
    expect([...a.values()].length).toBe(65531);
    a.clear();
    expect(a.length).toBe(0);
    expect(a.pop()).toBeUndefined();
  });
});

describe('Dict', () => {
  it('keeps slots dense through deletes and grows past a chunk and a split', () => {
    const d = new Dict<string>();
    const n = 70000;
    for (let i = 0; i < n; i++) d.set(`k${i}`, `v${i}`);
    for (let i = 0; i < n; i += 2) expect(d.delete(`k${i}`)).toBeGreaterThanOrEqual(0);
    expect(d.size).toBe(n / 2);
    for (let s = 0; s < d.size; s++) expect(d.get(d.keyAt(s))).toBe(d.valueAt(s));
    expect(d.get('k1')).toBe('v1');
    expect(d.get('k0')).toBeUndefined();
    expect(d.set('k1', 'again')).toBe(d.slotOf('k1'));
    expect(d.get('k1')).toBe('again');
    // A full SCAN returns every element.
    const seen = new Set<string>();
    let cursor = 0;
    do cursor = d.scan(cursor, 1000, (k) => seen.add(k));
    while (cursor !== 0);
    expect(seen.size).toBe(n / 2);
  });
});
