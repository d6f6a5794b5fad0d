import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { SLOT_COUNT, crc16, keySlot } from '../lib/slot/index.js';
import { freePort } from './helpers/ports.js';
import { spawnGuarded, waitUntil, type GuardedProcess } from './helpers/guarded-process.js';

describe('crc16 / keySlot', () => {
  it('matches the CRC16-XMODEM check value', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
    expect(crc16(Buffer.alloc(0))).toBe(0);
    expect(crc16(Buffer.from('xx123456789yy'), 2, 11)).toBe(0x31c3);
  });

  it('matches CLUSTER KEYSLOT answers of real Redis', () => {
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('bar')).toBe(5061);
    expect(keySlot('123456789')).toBe(0x31c3 % SLOT_COUNT);
    expect(keySlot('')).toBe(0);
  });

  it('applies the hash tag rule', () => {
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(keySlot('{user1000}.following')).toBe(keySlot('user1000'));
    expect(keySlot('foo{}{bar}')).toBe(crc16(Buffer.from('foo{}{bar}')) % SLOT_COUNT); // empty tag: whole key
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar')); // tag is "{bar"
    expect(keySlot('foo{bar}{zap}')).toBe(keySlot('bar'));
    expect(keySlot('foo{bar')).toBe(crc16(Buffer.from('foo{bar')) % SLOT_COUNT); // no closing brace
    expect(keySlot('}{a}')).toBe(keySlot('a'));
  });

  it('treats strings as latin1 bytes, same as the Buffer', () => {
    const bytes = Buffer.from([0xff, 0x00, 0x7b, 0xe9, 0x7d, 0x80]);
    expect(keySlot(bytes.toString('latin1'))).toBe(keySlot(bytes));
    expect(keySlot(bytes)).toBe(keySlot(Buffer.from([0xe9])));
  });
});

describe('keySlot against redis-server --cluster-enabled yes', () => {
  let dir: string;
  let server: GuardedProcess;
  let redis: Redis;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slotgate-slot-'));
    const port = await freePort();
    server = spawnGuarded('/usr/bin/redis-server', [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--cluster-enabled', 'yes',
      '--save', '', '--appendonly', 'no',
    ], path.join(dir, 'redis.log'));
    redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 50 });
    redis.on('error', () => {}); // connection refused until the server listens
    await waitUntil(async () => (await redis.ping()) === 'PONG', 20_000, 'redis-server');
  });

  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('agrees on ~200 random binary keys, many with braces', async () => {
    const keys = randomKeys(200, 42);
    const answers = await Promise.all(keys.map((k) => redis.call('CLUSTER', 'KEYSLOT', k) as Promise<number>));
    keys.forEach((k, i) => {
      expect(keySlot(k), `key ${k.toString('hex')}`).toBe(answers[i]);
      expect(keySlot(k.toString('latin1'))).toBe(answers[i]);
    });
  });
});

/** Deterministic keys (seeded LCG) of 0–24 bytes, biased towards '{' and '}' to exercise tags. */
function randomKeys(n: number, seed: number): Buffer[] {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  return Array.from({ length: n }, () => {
    const bytes = Array.from({ length: Math.floor(next() * 25) }, () => {
      const r = next();
      return r < 0.12 ? 0x7b : r < 0.24 ? 0x7d : Math.floor(next() * 256);
    });
    return Buffer.from(bytes);
  });
}
