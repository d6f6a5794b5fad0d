/** The replication backlog's circular buffer against a plain reference copy of the stream. */
import { expect, test } from 'vitest';
import { Backlog } from '../../nodes/replication/backlog.js';
import { rng } from '../helpers/diff-harness.js';

test('holds the last `size` bytes at Redis offsets, across wrap-arounds and oversized appends', () => {
  const rand = rng(7);
  const size = 100;
  const start = 1000; // master_repl_offset when the backlog was created
  const b = new Backlog(size, start);
  expect(b.firstByteOffset).toBe(start + 1);
  expect(b.covers(start + 1)).toBe(true);
  let stream = '';
  for (let i = 0; i < 300; i++) {
    const len = Math.floor(rand() * (i % 50 === 49 ? 250 : 40));
    const chunk = Array.from({ length: len }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join('');
    b.append(Buffer.from(chunk, 'latin1'));
    stream += chunk;
    const end = start + stream.length; // offset of the last byte
    expect(b.histlen).toBe(Math.min(size, stream.length));
    expect(b.firstByteOffset).toBe(end - b.histlen + 1);
    // Every offset still held returns exactly the stream's tail from there.
    const from = b.firstByteOffset + Math.floor(rand() * (b.histlen + 1));
    expect(b.from(from).latin1Slice()).toBe(stream.slice(from - start - 1));
    expect(b.covers(b.firstByteOffset - 1)).toBe(false);
    expect(b.covers(end + 1)).toBe(true);
    expect(b.covers(end + 2)).toBe(false);
  }
});
