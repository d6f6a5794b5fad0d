/**
 * Persistence commands compared with redis-server 7: INFO persistence field names (in order),
 * SAVE / BGSAVE / BGREWRITEAOF replies and errors, LASTSAVE, and the configuration parameters'
 * names and defaults. Both servers save into their own temporary directories.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { waitUntil } from '../helpers/guarded-process.js';
import { Differ, startRedis, type RedisServer } from '../helpers/redis-server.js';
import type { RawClient } from '../helpers/raw-client.js';

let node: InProcessNode;
let redis: RedisServer;
let d: Differ;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slotgate-persist-cmd-'));

beforeAll(async () => {
  [node, redis] = await Promise.all([startNode(['--dir', dir, '--save', '']), startRedis(['--enable-protected-configs', 'yes'])]);
  node.server.persistence.start();
  d = await Differ.connect(node.port, redis.port);
});
afterAll(async () => {
  d?.close();
  await Promise.all([node?.stop(), redis?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

const same = async (...args: string[]) => {
  const { ours, ref } = await d.both(...args);
  expect(ours, args.join(' ')).toEqual(ref);
  return ours;
};

function fieldNames(info: unknown): string[] {
  return String(info).split('\r\n').filter((l) => l.includes(':')).map((l) => l.split(':')[0]);
}

async function idle(c: RawClient): Promise<void> {
  await waitUntil(async () => {
    const info = String(await c.call('INFO', 'persistence'));
    return info.includes('rdb_bgsave_in_progress:0') && info.includes('aof_rewrite_in_progress:0');
  }, 10_000, 'no background save or rewrite');
}

describe('INFO persistence', () => {
  it('has Redis 7.0\'s fields in Redis\'s order (appendonly off)', async () => {
    const { ours, ref } = await d.both('INFO', 'persistence');
    expect(fieldNames(ours)).toEqual(fieldNames(ref));
  });

  it('counts changes since the last save', async () => {
    await same('SET', 'a', '1');
    await same('SET', 'b', '2');
    const { ours } = await d.both('INFO', 'persistence');
    expect(String(ours)).toContain('rdb_changes_since_last_save:2');
  });
});

describe('SAVE BGSAVE BGREWRITEAOF LASTSAVE', () => {
  it('replies and errors as Redis', async () => {
    await same('SAVE');
    await same('BGSAVE', 'NOW');
    await same('BGSAVE', 'SCHEDULE', 'x');
    await same('BGSAVE');
    await Promise.all([idle(d.ours), idle(d.ref)]);
    await same('BGREWRITEAOF');
    await Promise.all([idle(d.ours), idle(d.ref)]);
    const { ours, ref } = await d.both('LASTSAVE');
    expect(typeof ours).toBe(typeof ref);
    expect(Math.abs(Number(ours) - Date.now() / 1000)).toBeLessThan(60);
    expect(fs.existsSync(path.join(dir, 'dump.rdb'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'appendonly.aof'))).toBe(true);
  });

  it('a BGSAVE inside MULTI is scheduled, as Redis', async () => {
    await same('MULTI');
    await same('BGSAVE');
    await same('EXEC');
    await Promise.all([idle(d.ours), idle(d.ref)]);
  });
});

describe('configuration', () => {
  it('persistence parameters exist with Redis\'s defaults', async () => {
    for (const p of ['aof-load-truncated', 'auto-aof-rewrite-percentage', 'auto-aof-rewrite-min-size', 'stop-writes-on-bgsave-error',
      'rdbcompression', 'rdbchecksum', 'aof-use-rdb-preamble', 'appenddirname', 'appendfsync', 'appendfilename', 'dbfilename', 'appendonly']) {
      await same('CONFIG', 'GET', p);
    }
  });

  // Redis 7 protects `dir` unless enable-protected-configs; slotgate always allows it (see report).
  it('CONFIG SET dir refuses a missing directory or a file with Redis\'s errors', async () => {
    await same('CONFIG', 'SET', 'dir', '/nonexistent/slotgate');
    await same('CONFIG', 'SET', 'dir', '/etc/passwd');
    await same('CONFIG', 'SET', 'appendfsync', 'sometimes');
  });
});

describe('DEBUG RELOAD / LOADAOF', () => {
  it('RELOAD saves and loads back the same dataset', async () => {
    await same('RPUSH', 'l', 'a', 'b');
    await same('HSET', 'h', 'f', 'v');
    const before = await d.ours.call('DEBUG', 'DIGEST');
    expect(await d.ours.call('DEBUG', 'RELOAD')).toBe('OK');
    expect(await d.ours.call('DEBUG', 'DIGEST')).toBe(before);
  });

  it('LOADAOF replays the AOF without appending it again', async () => {
    expect(await d.ours.call('CONFIG', 'SET', 'appendonly', 'yes')).toBe('OK');
    await idle(d.ours);
    await d.ours.call('SET', 'via-aof', '1');
    await d.ours.call('INCR', 'counter');
    const before = await d.ours.call('DEBUG', 'DIGEST');
    const size = fs.statSync(path.join(dir, 'appendonly.aof')).size;
    expect(await d.ours.call('DEBUG', 'LOADAOF')).toBe('OK');
    expect(await d.ours.call('DEBUG', 'DIGEST')).toBe(before);
    expect(fs.statSync(path.join(dir, 'appendonly.aof')).size).toBe(size);
    expect(await d.ours.call('CONFIG', 'SET', 'appendonly', 'no')).toBe('OK');
  });
});
