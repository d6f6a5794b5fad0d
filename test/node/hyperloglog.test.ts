/**
 * HyperLogLog, differentially against a real redis-server 7.0. slotgate keeps Redis's exact
 * representation (sparse, then dense; the cached cardinality in the header), so beyond equal
 * PFCOUNTs the HLL string itself (GET) must be byte-identical after every step, including the
 * sparse → dense promotion, and counts for 10k and 100k elements must equal Redis's exactly.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { useDifferential, type Arg } from '../helpers/diff-harness.js';

const h = useDifferential();
const same = (...a: Arg[]) => h.same(...a);
const sameBin = (...a: Arg[]) => h.sameBin(...a);

const elements = (n: number, prefix = 'e', from = 0) => Array.from({ length: n }, (_, i) => `${prefix}${i + from}`);

/** PFADDs `all` in batches, comparing replies; optionally the HLL bytes and count after each batch. */
async function addInBatches(key: string, all: string[], batch: number, checkEach: boolean): Promise<void> {
  for (let i = 0; i < all.length; i += batch) {
    await same('PFADD', key, ...all.slice(i, i + batch));
    if (checkEach) {
      await sameBin('GET', key);
      await same('PFCOUNT', key);
    }
  }
}

const HEADER = 'HYLL';
const zeros = (n: number) => '\0'.repeat(n);

describe('PFADD and PFCOUNT', () => {
  it('creates, adds, counts; the string is Redis\'s bytes at every step', async () => {
    await same('PFADD', 'h');
    await sameBin('GET', 'h');
    await same('PFADD', 'h');
    await same('PFADD', 'h', 'a', 'b', 'c');
    await sameBin('GET', 'h');
    await same('PFADD', 'h', 'a');
    await same('PFCOUNT', 'h');
    await sameBin('GET', 'h');
    await same('PFADD', 'h', 'a', 'b');
    await sameBin('GET', 'h');
    await same('PFCOUNT', 'h');
    await same('PFCOUNT', 'missing');
    await same('EXISTS', 'missing');
    await same('TYPE', 'h');
    await same('STRLEN', 'h');
    await same('PFADD', 'bin', '', '\0', '\xff\xfe', 'a\r\nb', 'x'.repeat(1000));
    await sameBin('GET', 'bin');
    await same('PFCOUNT', 'bin');
  });

  it('single-element adds through sparse growth and promotion to dense', async () => {
    const all = elements(3000, 'single:');
    for (let i = 0; i < all.length; i++) {
      await same('PFADD', 's', all[i]);
      if (i % 97 === 0 || (i > 1500 && i % 13 === 0)) await sameBin('GET', 's');
    }
    await sameBin('GET', 's');
    await same('PFCOUNT', 's');
    expect(await same('STRLEN', 's')).toBe(16 + 12288);
  });

  it('batches: bytes and counts after every batch up to and past the dense switch', async () => {
    await addInBatches('h', elements(1200, 'b:'), 60, true);
    expect(await same('STRLEN', 'h')).toBeLessThan(3000);
    await addInBatches('h', elements(4800, 'b:', 1200), 60, true);
    expect(await same('STRLEN', 'h')).toBe(16 + 12288);
  });

  it('10k and 100k elements: counts equal Redis\'s exactly', async () => {
    await addInBatches('h10k', elements(10_000), 1000, false);
    await same('PFCOUNT', 'h10k');
    await sameBin('GET', 'h10k');
    await addInBatches('h100k', elements(100_000, 'x'), 1000, false);
    const count = (await same('PFCOUNT', 'h100k')) as number;
    // Redis documents a standard error of 0.81%.
    expect(Math.abs(count - 100_000) / 100_000).toBeLessThan(0.03);
    await sameBin('GET', 'h100k');
    await same('PFCOUNT', 'h10k', 'h100k');
    await same('PFCOUNT', 'h10k', 'missing', 'h100k', 'h10k');
  });

  it('keeps the TTL when the HLL changes or caches its count', async () => {
    await same('PFADD', 'h', 'a');
    await same('EXPIRE', 'h', 1000);
    await same('PFADD', 'h', 'b');
    await same('PFCOUNT', 'h');
    await same('TTL', 'h');
  });

  it('wrong types, strings that are not HLLs, corrupt HLLs', async () => {
    await same('SADD', 'set', 'a');
    await same('SET', 'str', 'not an hll');
    await same('SET', 'short', 'HYLL');
    await same('SET', 'badenc', HEADER + '\x02' + zeros(11) + '\x7f\xff');
    await same('SET', 'badlen', HEADER + '\x00' + zeros(11) + zeros(100));
    await same('SET', 'badmagic', 'HYLX\x01' + zeros(11) + '\x7f\xff');
    await same('SET', 'shortsparse', HEADER + '\x01' + zeros(11) + '\x7f\xfe');
    await same('SET', 'longsparse', HEADER + '\x01' + zeros(11) + '\x7f\xff\x80');
    for (const key of ['set', 'str', 'short', 'badenc', 'badlen', 'badmagic']) {
      await same('PFADD', key, 'a');
      await same('PFCOUNT', key);
      await same('PFCOUNT', 'missing', key);
      await same('PFMERGE', 'dst', key);
      await same('PFMERGE', key, 'missing');
    }
    for (const key of ['shortsparse', 'longsparse']) {
      await same('PFCOUNT', key);
      await same('PFCOUNT', key, 'missing');
      await same('PFMERGE', 'dst', key);
      await same('PFADD', key, 'a', 'b', 'c');
      await sameBin('GET', key);
    }
    await same('EXISTS', 'dst');
  });
});

describe('PFMERGE', () => {
  it('merges sparse and dense HLLs into new or existing destinations', async () => {
    await addInBatches('s1', elements(100, 'p'), 50, false);
    await addInBatches('s2', elements(100, 'q'), 50, false);
    await addInBatches('d1', elements(5000, 'r'), 1000, false);
    await same('PFMERGE', 'm1', 's1', 's2');
    await sameBin('GET', 'm1');
    await same('PFCOUNT', 'm1');
    await same('PFMERGE', 'm2', 's1', 'd1', 'missing');
    await sameBin('GET', 'm2');
    await same('PFMERGE', 's1', 's2');
    await sameBin('GET', 's1');
    await same('EXPIRE', 's2', 1000);
    await same('PFMERGE', 's2', 'd1');
    await sameBin('GET', 's2');
    await same('TTL', 's2');
    await same('PFMERGE', 'empty');
    await sameBin('GET', 'empty');
    await same('PFMERGE', 'empty2', 'missing', 'missing2');
    await sameBin('GET', 'empty2');
    await same('PFCOUNT', 's1', 's2', 'd1', 'm1');
    await same('PFCOUNT', 'm2');
  });
});

describe('client libraries', () => {
  it('ioredis', async () => {
    const r = new Redis({ port: h.node.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect();
    try {
      expect(await r.pfadd('io:h', 'a', 'b', 'c')).toBe(1);
      expect(await r.pfadd('io:h', 'a')).toBe(0);
      expect(await r.pfcount('io:h')).toBe(3);
      expect(await r.pfadd('io:g', 'c', 'd')).toBe(1);
      expect(await r.pfcount('io:h', 'io:g')).toBe(4);
      expect(await r.pfmerge('io:m', 'io:h', 'io:g')).toBe('OK');
      expect(await r.pfcount('io:m')).toBe(4);
      expect((await r.getBuffer('io:m'))!.subarray(0, 4).toString()).toBe('HYLL');
      await r.set('io:s', 'x');
      await expect(r.pfcount('io:s')).rejects.toThrow('WRONGTYPE Key is not a valid HyperLogLog string value.');
    } finally {
      r.disconnect();
    }
  });

  it('node-redis over RESP2 and RESP3', async () => {
    for (const RESP of [2, 3] as const) {
      const r = createClient({ socket: { port: h.node.port, host: '127.0.0.1', reconnectStrategy: false }, RESP });
      r.on('error', () => {});
      await r.connect();
      try {
        const p = `nr${RESP}:`;
        expect(await r.pfAdd(`${p}h`, ['x', 'y'])).toBe(1);
        expect(await r.pfCount(`${p}h`)).toBe(2);
        expect(await r.pfMerge(`${p}m`, [`${p}h`])).toBe('OK');
        expect(await r.pfCount([`${p}m`, `${p}h`])).toBe(2);
      } finally {
        await r.close();
      }
    }
  });
});
