/**
 * Stream commands on entries with Redis 7.0's replies and error texts (t_stream.c): XADD, XLEN,
 * XRANGE, XREVRANGE, XDEL, XTRIM, XSETID. Reading (XREAD, XREADGROUP), consumer groups and XINFO
 * live in stream-read.ts, stream-groups.ts and stream-info.ts. An emptied stream is not deleted.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { StreamObject } from '../types/stream.js';
import { formatId, ID_MAX, ID_ZERO, idMs, idSeq, makeId, U64_MAX, type StreamId } from '../types/stream-id.js';
import type { Handler } from './registry.js';
import {
  int64OrReply, intervalIdOrReply, parseAddTrimArgs, readStream, replyId, replyRange, strictIdOrReply, writeStream,
} from './stream-args.js';
import { streamGroupHandlers } from './stream-groups.js';
import { streamInfoHandlers } from './stream-info.js';
import { streamReadHandlers } from './stream-read.js';

function xadd(c: Client, argv: string[]): void {
  const a = parseAddTrimArgs(c, argv, true);
  if (a === null) return;
  const fieldPos = a.next + 1;
  const nfv = argv.length - fieldPos;
  if (nfv < 2 || nfv % 2 === 1) return c.out.error(Err.arity(argv[0].toLowerCase()));
  if (a.id !== null && a.id.seqGiven && a.id.id === ID_ZERO) return c.out.error(Err.xaddIdZero);
  const key = argv[1];
  let s = writeStream(c, key);
  if (s === null) return;
  if (s === undefined) {
    if (a.noMkstream) return c.out.nil();
    s = new StreamObject();
    c.db.set(key, s);
  }
  if (s.lastId === ID_MAX) return c.out.error(Err.streamExhausted);
  const id = newEntryId(s, a.id);
  if (id === null || id <= s.lastId) return c.out.error(Err.xaddIdTooSmall);
  s.append(id, argv.slice(fieldPos));
  replyId(c, id);
  // Replicas must store the same ID: `*` and `<ms>-*` replay as the ID chosen here (Redis 7.0).
  if (c.server.propagation.active) {
    const replay = argv.slice();
    replay[a.next] = formatId(id);
    c.server.propagation.replace(replay);
  }
  c.server.dirty++;
  if (a.trim !== null) s.trim(a.trim);
  c.db.touchWrite(key);
}

/** The ID XADD assigns (streamAppendItem); null when `<ms>-*` cannot follow the last ID. */
function newEntryId(s: StreamObject, given: { id: StreamId; seqGiven: boolean } | null): StreamId | null {
  if (given === null) return s.nextAutoId(Date.now());
  if (given.seqGiven) return given.id;
  const ms = idMs(given.id);
  if (ms !== idMs(s.lastId)) return makeId(ms, 0n);
  return idSeq(s.lastId) === U64_MAX ? null : s.lastId + 1n;
}

function xlen(c: Client, argv: string[]): void {
  const s = readStream(c, argv[1]);
  if (s === null) return;
  c.out.int(s === undefined ? 0 : s.length);
}

function xrangeGeneric(rev: boolean): Handler {
  return (c, argv) => {
    const start = intervalIdOrReply(c, rev ? argv[3] : argv[2], true);
    if (start === null) return;
    const end = intervalIdOrReply(c, rev ? argv[2] : argv[3], false);
    if (end === null) return;
    let count = -1;
    for (let j = 4; j < argv.length; j++) {
      if (argv[j].toLowerCase() !== 'count' || j + 1 >= argv.length) return c.out.error(Err.syntax);
      const n = int64OrReply(c, argv[++j]);
      if (n === null) return;
      count = Math.max(n, 0);
    }
    const s = readStream(c, argv[1]);
    if (s === null) return;
    if (s === undefined) return c.out.array(0);
    if (count === 0) return c.out.nilArray();
    replyRange(c, s, start, end, count === -1 ? 0 : count, rev);
  };
}

function xdel(c: Client, argv: string[]): void {
  const s = writeStream(c, argv[1]);
  if (s === null) return;
  if (s === undefined) return c.out.int(0);
  // All IDs are validated first, so the command is never half done.
  const ids: StreamId[] = [];
  for (let j = 2; j < argv.length; j++) {
    const id = strictIdOrReply(c, argv[j]);
    if (id === null) return;
    ids.push(id);
  }
  let deleted = 0;
  for (const id of ids) if (s.delete(id)) deleted++;
  if (deleted > 0) {
    c.db.touchWrite(argv[1]);
    c.server.dirty += deleted;
  }
  c.out.int(deleted);
}

function xtrim(c: Client, argv: string[]): void {
  const a = parseAddTrimArgs(c, argv, false);
  if (a === null) return;
  const s = writeStream(c, argv[1]);
  if (s === null) return;
  if (s === undefined) return c.out.int(0);
  const deleted = a.trim === null ? 0 : s.trim(a.trim);
  if (deleted > 0) {
    c.db.touchWrite(argv[1]);
    c.server.dirty += deleted;
  }
  c.out.int(deleted);
}

function xsetid(c: Client, argv: string[]): void {
  const id = strictIdOrReply(c, argv[2]);
  if (id === null) return;
  let entriesAdded = -1;
  let maxDeleted = ID_ZERO;
  for (let i = 3; i < argv.length; i += 2) {
    const opt = argv[i].toLowerCase();
    if (i + 1 >= argv.length) return c.out.error(Err.syntax);
    if (opt === 'entriesadded') {
      const n = int64OrReply(c, argv[i + 1]);
      if (n === null) return;
      if (n < 0) return c.out.error(Err.xsetidEntriesAddedNegative);
      entriesAdded = n;
    } else if (opt === 'maxdeletedid') {
      const m = strictIdOrReply(c, argv[i + 1]);
      if (m === null) return;
      if (id < m) return c.out.error(Err.xsetidSmallerThanGivenMaxDeleted);
      maxDeleted = m;
    } else {
      return c.out.error(Err.syntax);
    }
  }
  const s = writeStream(c, argv[1]);
  if (s === null) return;
  if (s === undefined) return c.out.error(Err.noSuchKey);
  if (s.length > 0) {
    if (id < s.lastValidId()) return c.out.error(Err.xsetidSmallerThanTop);
    if (entriesAdded !== -1 && s.length > entriesAdded) return c.out.error(Err.xsetidEntriesAddedSmall);
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (maxDeleted !== ID_ZERO) s.maxDeletedId = maxDeleted;
  c.db.touchWrite(argv[1]);
  c.server.dirty++;
  c.out.ok();
}

export const streamHandlers: Record<string, Handler> = {
  xadd,
  xlen,
  xrange: xrangeGeneric(false),
  xrevrange: xrangeGeneric(true),
  xdel,
  xtrim,
  xsetid,
  ...streamReadHandlers,
  ...streamGroupHandlers,
  ...streamInfoHandlers,
};
