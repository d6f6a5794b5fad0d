/**
 * XCLAIM and XAUTOCLAIM (t_stream.c): hand pending entries idle long enough to another consumer
 * (created on its first claim), counting deliveries; entries deleted from the stream meanwhile
 * leave the PEL (XAUTOCLAIM lists them). Both reply claimed entries, or just their IDs (JUSTID).
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import type { StreamObject } from '../types/stream.js';
import type { ConsumerGroup, Nack } from '../types/stream-group.js';
import { ID_ZERO, parseStreamId, type StreamId } from '../types/stream-id.js';
import { parseInt64 } from './args.js';
import type { Handler } from './registry.js';
import { groupOf, int64OrReply, intervalIdOrReply, replyEntry, replyId, strictIdOrReply } from './stream-args.js';
import { lookupConsumer } from './stream-read.js';

/** Gives a pending entry to `name` (created on first claim), as XCLAIM and XAUTOCLAIM do. */
function transfer(c: Client, g: ConsumerGroup, id: StreamId, nack: Nack, name: string): void {
  const consumer = lookupConsumer(g, name, c);
  if (nack.consumer !== consumer) {
    nack.consumer?.pel.delete(id);
    nack.consumer = consumer;
    consumer.pel.set(id, nack);
  }
  c.server.dirty++;
}

/** Replies claimed entries: IDs (JUSTID) or whole entries. */
function replyClaimed(c: Client, s: StreamObject, ids: readonly StreamId[], justid: boolean): void {
  c.out.array(ids.length);
  for (const id of ids) {
    if (justid) replyId(c, id);
    else replyEntry(c, id, s.get(id)!);
  }
}

interface ClaimOptions {
  force: boolean;
  justid: boolean;
  deliveryTime: number;
  retryCount: number;
  lastId: StreamId;
}

/** XCLAIM's trailing options (after the IDs); null after replying. */
function parseClaimOptions(c: Client, argv: string[], from: number, now: number): ClaimOptions | null {
  const o: ClaimOptions = { force: false, justid: false, deliveryTime: -1, retryCount: -1, lastId: ID_ZERO };
  for (let j = from; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j].toLowerCase();
    if (opt === 'force') o.force = true;
    else if (opt === 'justid') o.justid = true;
    else if ((opt === 'idle' || opt === 'time' || opt === 'retrycount') && more) {
      const v = int64OrReply(c, argv[++j], Err.xclaimOption(`${opt.toUpperCase()} option`, 'XCLAIM'));
      if (v === null) return null;
      if (opt === 'idle') o.deliveryTime = now - v;
      else if (opt === 'time') o.deliveryTime = v;
      else o.retryCount = v;
    } else if (opt === 'lastid' && more) {
      const id = strictIdOrReply(c, argv[++j]);
      if (id === null) return null;
      o.lastId = id;
    } else {
      c.out.error(Err.xclaimUnknownOption(argv[j]));
      return null;
    }
  }
  return o;
}

function xclaim(c: Client, argv: string[]): void {
  const t = groupOf(c, argv[1], argv[2]);
  if (t === null) return;
  if (t === undefined) return c.out.error(Err.noKeyOrGroup(argv[1], argv[2]));
  const minIdleArg = int64OrReply(c, argv[4], Err.xclaimOption('min-idle-time', 'XCLAIM'));
  if (minIdleArg === null) return;
  const minIdle = Math.max(minIdleArg, 0);
  // IDs come first; the first argument that is not an ID starts the options.
  const ids: StreamId[] = [];
  let j = 5;
  for (; j < argv.length; j++) {
    const p = parseStreamId(argv[j], 0n, true);
    if (p === null) break;
    ids.push(p.id);
  }
  const now = Date.now();
  const o = parseClaimOptions(c, argv, j, now);
  if (o === null) return;
  const { s, g } = t;
  if (o.lastId > g.lastId) {
    g.lastId = o.lastId;
    c.server.dirty++;
  }
  const time = o.deliveryTime < 0 || o.deliveryTime > now ? now : o.deliveryTime;
  const claimed: StreamId[] = [];
  for (const id of ids) {
    let nack = g.pel.get(id);
    if (!s.has(id)) {
      // The entry is gone: its stale PEL record goes too.
      if (nack !== undefined && g.ack(id)) c.server.dirty++;
      continue;
    }
    if (o.force && nack === undefined) {
      nack = { consumer: null, deliveryTime: now, deliveryCount: 1 };
      g.pel.set(id, nack);
    }
    if (nack === undefined) continue;
    if (nack.consumer !== null && minIdle && now - nack.deliveryTime < minIdle) continue;
    transfer(c, g, id, nack, argv[3]);
    nack.deliveryTime = time;
    if (o.retryCount >= 0) nack.deliveryCount = o.retryCount;
    else if (!o.justid) nack.deliveryCount++;
    claimed.push(id);
  }
  replyClaimed(c, s, claimed, o.justid);
}

/** Redis bounds XAUTOCLAIM's COUNT so that COUNT * attempts factor fits a long. */
const AUTOCLAIM_ATTEMPTS_FACTOR = 10;
const AUTOCLAIM_MAX_COUNT = 9223372036854775807n / 16n;

function xautoclaim(c: Client, argv: string[]): void {
  const minIdleArg = int64OrReply(c, argv[4], Err.xclaimOption('min-idle-time', 'XAUTOCLAIM'));
  if (minIdleArg === null) return;
  const minIdle = Math.max(minIdleArg, 0);
  const start = intervalIdOrReply(c, argv[5], true);
  if (start === null) return;
  let count = 100;
  let justid = false;
  for (let j = 6; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === 'count' && j + 1 < argv.length) {
      // Compared exactly: the bound is beyond 2^53.
      const n = parseInt64(argv[++j]);
      if (n === null || n < 1 || n > AUTOCLAIM_MAX_COUNT) return c.out.error(Err.xautoclaimCount);
      count = Number(n);
    } else if (opt === 'justid') justid = true;
    else return c.out.error(Err.syntax);
  }
  const t = groupOf(c, argv[1], argv[2]);
  if (t === null) return;
  if (t === undefined) return c.out.error(Err.noKeyOrGroup(argv[1], argv[2]));
  const { s, g } = t;
  const now = Date.now();
  let attempts = count * AUTOCLAIM_ATTEMPTS_FACTOR;
  const claimed: StreamId[] = [];
  const deleted: StreamId[] = [];
  let next = ID_ZERO;
  for (const [id, nack] of g.pel.from(start)) {
    if (attempts-- === 0 || count === 0) {
      next = id;
      break;
    }
    if (!s.has(id)) {
      g.ack(id);
      c.server.dirty++;
      deleted.push(id);
      count--;
      continue;
    }
    if (minIdle && now - nack.deliveryTime < minIdle) continue;
    transfer(c, g, id, nack, argv[3]);
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount++;
    claimed.push(id);
    count--;
  }
  c.out.array(3);
  replyId(c, next);
  replyClaimed(c, s, claimed, justid);
  c.out.array(deleted.length);
  for (const id of deleted) replyId(c, id);
}

export const streamClaimHandlers: Record<string, Handler> = {
  xclaim,
  xautoclaim,
};
