/**
 * Cluster-wide keyspace commands at the proxy: DBSIZE sums the masters, KEYS merges them, FLUSHDB /
 * FLUSHALL run on all, RANDOMKEY picks among them, SCAN walks one group after another with the
 * group's index in the cursor (research §5, lesson 8: spec-correct SCAN, `0` only at the end).
 */
import { aggregateElements, integerReply } from '../../lib/resp/reply-scanner.js';
import { encodeCommand } from '../../lib/resp/encode.js';
import { deferred, fanOut, okFromEveryMaster } from '../fanout.js';
import type { ReplyTarget } from '../backend.js';
import type { LocalHandler } from './table.js';

/** Low bits of a proxy SCAN cursor: the group's position among the masters. */
const GROUP_BITS = 1024n;


const dbsize: LocalHandler = (s, argv) =>
  fanOut(s, s.server.command('dbsize'), argv, (frames) => Buffer.from(`:${frames.reduce((n, f) => n + integerReply(f), 0)}\r\n`));

const keys: LocalHandler = (s, argv) =>
  fanOut(s, s.server.command('keys'), argv, (frames) => {
    const all = frames.flatMap((f) => aggregateElements(f));
    return Buffer.concat([Buffer.from(`*${all.length}\r\n`), ...all]);
  });

const randomkey: LocalHandler = (s, argv) =>
  fanOut(s, s.server.command('randomkey'), argv, (frames) => {
    const found = frames.filter((f) => !(f[0] === 36 && f[1] === 45) && f[0] !== 95);
    return found.length > 0 ? found[Math.floor(Math.random() * found.length)] : frames[0];
  });

function parseCursor(text: string): bigint | null {
  if (!/^\d+$/.test(text)) return null;
  const v = BigInt(text);
  return v < 1n << 64n ? v : null;
}

/** SCAN: the cursor is backendCursor × 1024 + group position; a group ends → the next starts at 0. */
const scan: LocalHandler = (s, argv) => {
  const cmd = s.server.command('scan');
  const cursor = parseCursor(argv[1]);
  if (cursor === null) return s.fail(cmd, 'ERR invalid cursor');
  const masters = s.server.masters();
  const g = Number(cursor % GROUP_BITS);
  if (g >= masters.length) return s.fail(cmd, 'ERR invalid cursor');
  const p = deferred(s, cmd, argv);
  const sub = ['SCAN', String(cursor / GROUP_BITS), ...argv.slice(2)];
  const target: ReplyTarget = {
    onReply(frame) {
      if (frame[0] !== 42) return p.complete(frame);
      const [curFrame, keysFrame] = aggregateElements(frame);
      const next = parseCursor(bulkText(curFrame)) ?? 0n;
      let out: bigint;
      if (next !== 0n) out = next * GROUP_BITS + BigInt(g);
      else out = g + 1 < masters.length ? BigInt(g + 1) : 0n;
      const c = String(out);
      p.complete(Buffer.concat([Buffer.from(`*2\r\n$${c.length}\r\n${c}\r\n`), keysFrame]));
    },
    onFail(message) {
      p.onFail(message);
    },
  };
  s.server.pool.shared(masters[g], s.resp, s.id).send(encodeCommand(sub), target);
};

function bulkText(frame: Buffer): string {
  const lf = frame.indexOf(10);
  return frame.latin1Slice(lf + 1, frame.length - 2);
}

export const keyspaceHandlers: Record<string, LocalHandler> = {
  dbsize,
  keys,
  scan,
  randomkey,
  flushdb: okFromEveryMaster('flushdb'),
  flushall: okFromEveryMaster('flushall'),
};
