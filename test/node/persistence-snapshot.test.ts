/**
 * Snapshots in-process: round trips of every type, the point-in-time guarantee while writes go on
 * (copy-on-write: in-place aggregate mutations, deletes, expiry changes, FLUSHALL, SWAPDB), several
 * snapshots at once, backpressure, and clear errors on corrupt or truncated payloads.
 */
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startNode, type InProcessNode } from '../helpers/node.js';
import { RawClient } from '../helpers/raw-client.js';
import { datasetDigest } from '../../nodes/persistence/digest.js';
import { loadSnapshot, snapshotChunksSync, SnapshotError, writeSnapshot } from '../../nodes/persistence/snapshot.js';

let a: InProcessNode;
let b: InProcessNode;
let c: RawClient;

beforeAll(async () => {
  [a, b] = await Promise.all([startNode(), startNode()]);
  c = await RawClient.connect(a.port);
});
afterAll(async () => {
  c?.close();
  await Promise.all([a?.stop(), b?.stop()]);
});
beforeEach(async () => {
  await c.call('FLUSHALL');
});

/** Collects everything written to the sink. */
function collector(): { sink: PassThrough; bytes: () => Buffer } {
  const parts: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (d: Buffer) => parts.push(d));
  return { sink, bytes: () => Buffer.concat(parts) };
}

/**
 * A sink that accepts the first slice and then holds the snapshot (backpressure) until open() is
 * called: writes made before open() certainly happen in the middle of the snapshot.
 */
function gatedCollector(): { sink: Writable; bytes: () => Buffer; open: () => void } {
  const parts: Buffer[] = [];
  let held: (() => void) | null = null;
  let opened = false;
  const sink = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, cb) {
      parts.push(chunk);
      if (opened) cb();
      else held = cb;
    },
  });
  return {
    sink,
    bytes: () => Buffer.concat(parts),
    open: () => {
      opened = true;
      held?.();
    },
  };
}

async function populate(): Promise<void> {
  // Bulk first, so the values below are written in a later slice than the first (after writes).
  for (let i = 0; i < 5000; i++) await c.call('SET', `k:${i}`, String(i));
  await c.call('SET', 'str', 'a\0b\r\n\xff');
  await c.call('SET', 'ttl', 'v', 'PXAT', String(Date.now() + 3_600_000));
  await c.call('RPUSH', 'list', 'a', 'b', 'c');
  await c.call('HSET', 'hash', 'f', 'v', 'g', 'w');
  await c.call('SADD', 'set', 'x', 'y');
  await c.call('ZADD', 'zset', '1', 'm', '2.5', 'n');
  await c.call('XADD', 'stream', '1-1', 'k', 'v');
  await c.call('SELECT', '3');
  await c.call('SET', 'in3', 'x');
  await c.call('SELECT', '0');
}

describe('snapshot round trip', () => {
  it('loads into another node with the same digest (every type, expiries, databases)', async () => {
    await populate();
    const { sink, bytes } = collector();
    const job = writeSnapshot(a.server, sink);
    expect(job.keys).toBe(5008);
    await job.done;
    loadSnapshot(b.server, bytes());
    expect(datasetDigest(b.server)).toBe(datasetDigest(a.server));
    expect(datasetDigest(b.server)).not.toBe('0'.repeat(40));
  });

  it('an empty dataset round-trips to an empty dataset', async () => {
    const data = Buffer.concat(snapshotChunksSync(a.server));
    b.server.dbs[0].set('leftover', 'x');
    loadSnapshot(b.server, data);
    expect(datasetDigest(b.server)).toBe('0'.repeat(40));
  });
});

describe('point in time (copy-on-write)', () => {
  it('a snapshot equals the dataset at the moment it started, whatever is written meanwhile', async () => {
    await populate();
    const before = datasetDigest(a.server);
    const { sink, bytes, open } = gatedCollector();
    const job = writeSnapshot(a.server, sink);
    // These run while the snapshot is being written slice by slice.
    const writes: string[][] = [
      ['RPUSH', 'list', 'd'], ['HSET', 'hash', 'f', 'changed'], ['SADD', 'set', 'z'], ['ZINCRBY', 'zset', '5', 'm'],
      ['XADD', 'stream', '2-1', 'k', 'v'], ['DEL', 'str'], ['PERSIST', 'ttl'], ['EXPIRE', 'k:4999', '100'],
      ['SET', 'k:4998', 'new'], ['SET', 'brand-new', 'x'], ['RENAME', 'list', 'list2'], ['RPUSH', 'list2', 'e'],
      ['SWAPDB', '0', '3'], ['SELECT', '3'], ['HSET', 'hash', 'g', 'again'], ['FLUSHALL'],
    ];
    for (const w of writes) await c.call(...w);
    expect(bytes().length).toBeLessThan(70 * 1024); // only the first slice is out so far
    open();
    await job.done;
    loadSnapshot(b.server, bytes());
    expect(datasetDigest(b.server)).toBe(before);
    await c.call('SELECT', '0');
  });

  it('several snapshots at once each see their own start', async () => {
    await populate(); // 'l' comes after the bulk: written in a later slice than the first
    await c.call('RPUSH', 'l', '1');
    const first = datasetDigest(a.server);
    const s1 = gatedCollector();
    const j1 = writeSnapshot(a.server, s1.sink);
    await c.call('RPUSH', 'l', '2');
    const second = datasetDigest(a.server);
    const s2 = gatedCollector();
    const j2 = writeSnapshot(a.server, s2.sink);
    await c.call('RPUSH', 'l', '3');
    s1.open();
    s2.open();
    await Promise.all([j1.done, j2.done]);
    loadSnapshot(b.server, s1.bytes());
    expect(datasetDigest(b.server)).toBe(first);
    loadSnapshot(b.server, s2.bytes());
    expect(datasetDigest(b.server)).toBe(second);
    expect(a.server.cow.active).toBe(false);
  });

  it('waits for drain when the sink pushes back, and cancel rejects done', async () => {
    await populate();
    let writes = 0;
    let release: () => void = () => {};
    const slow = new Writable({
      highWaterMark: 1,
      write(_chunk, _enc, cb) {
        writes++;
        release = cb; // completes only when the test says so
      },
    });
    const job = writeSnapshot(a.server, slow);
    await new Promise((r) => setTimeout(r, 50));
    expect(writes).toBe(1); // a single slice went out: it is waiting for 'drain'
    job.cancel();
    await expect(job.done).rejects.toThrow('snapshot cancelled');
    release();
    expect(a.server.cow.active).toBe(false);
  });
});

describe('sink failures', () => {
  it('a sink destroyed while the job waits for drain ends the job (and its copy-on-write)', async () => {
    await populate();
    const { sink } = gatedCollector();
    const job = writeSnapshot(a.server, sink);
    expect(a.server.cow.active).toBe(true);
    sink.destroy();
    await expect(job.done).rejects.toThrow('snapshot sink closed');
    expect(a.server.cow.active).toBe(false);
  });
});

describe('corrupt and truncated payloads', () => {
  it('a truncated payload is refused with its offset, leaving the dataset untouched', async () => {
    await populate();
    const data = Buffer.concat(snapshotChunksSync(a.server));
    b.server.dbs[0].set('keep', 'me');
    const digest = datasetDigest(b.server);
    const cut = data.subarray(0, Math.floor(data.length / 2));
    expect(() => loadSnapshot(b.server, cut)).toThrow(SnapshotError);
    expect(() => loadSnapshot(b.server, cut)).toThrow(/truncated .* at byte offset \d+/);
    expect(datasetDigest(b.server)).toBe(digest);
  });

  it('a flipped byte is refused (checksum or format) with an offset', async () => {
    await populate();
    const data = Buffer.concat(snapshotChunksSync(a.server));
    const bad = Buffer.from(data);
    bad[Math.floor(bad.length / 2)] ^= 0x01;
    expect(() => loadSnapshot(b.server, bad)).toThrow(/at byte offset \d+/);
    const badMagic = Buffer.from(data);
    badMagic[0] = 0x58;
    expect(() => loadSnapshot(b.server, badMagic)).toThrow('not a slotgate snapshot: bad magic at byte offset 0');
  });
});
