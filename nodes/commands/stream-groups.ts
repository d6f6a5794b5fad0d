/**
 * Consumer-group commands (t_stream.c): XGROUP CREATE/SETID/DESTROY/CREATECONSUMER/DELCONSUMER,
 * XACK and XPENDING (summary and extended form). XCLAIM and XAUTOCLAIM are in stream-claim.ts.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { StreamObject } from '../types/stream.js';
import { INVALID_ENTRIES_READ, type ConsumerGroup, type Nack } from '../types/stream-group.js';
import { ID_ZERO, type StreamId } from '../types/stream-id.js';
import { helpReply } from './connection.js';
import type { Handler } from './registry.js';
import {
  groupOf, idOrReply, int64OrReply, intervalIdOrReply, replyId, strictIdOrReply, writeStream,
} from './stream-args.js';
import { streamClaimHandlers } from './stream-claim.js';

const XGROUP_HELP = [
  'XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
  'HELP',
  '    Prints this help.',
];

/** ENTRIESREAD's value: an integer >= 0 or -1; null after replying. */
function entriesReadOrReply(c: Client, arg: string): number | null {
  const n = int64OrReply(c, arg);
  if (n === null) return null;
  if (n < 0 && n !== INVALID_ENTRIES_READ) {
    c.out.error(Err.entriesReadRange);
    return null;
  }
  return n;
}

/**
 * The shared prologue of the XGROUP subcommands: the stream must exist (unless CREATE MKSTREAM)
 * and, for `needGroup`, the group too. Undefined stream only with `mkstream`; null after replying.
 */
function xgroupTarget(c: Client, argv: string[], mkstream: boolean, needGroup: boolean): { s: StreamObject | undefined; g: ConsumerGroup | undefined } | null {
  const s = writeStream(c, argv[2]);
  if (s === null) return null;
  if (s === undefined && !mkstream) {
    c.out.error(Err.xgroupNoKey);
    return null;
  }
  const g = s?.groups.get(argv[3]);
  if (g === undefined && needGroup) {
    c.out.error(Err.noGroupForKey(argv[3], argv[2]));
    return null;
  }
  return { s, g };
}

function xgroupCreate(c: Client, argv: string[]): void {
  let mkstream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  for (let i = 5; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    if (opt === 'mkstream') mkstream = true;
    else if (opt === 'entriesread' && i + 1 < argv.length) {
      const n = entriesReadOrReply(c, argv[++i]);
      if (n === null) return;
      entriesRead = n;
    } else return c.out.error(Err.subcommandSyntax(argv[1], argv[0]));
  }
  const t = xgroupTarget(c, argv, mkstream, false);
  if (t === null) return;
  if (argv.length > 8) return c.out.error(Err.subcommandSyntax(argv[1], argv[0]));
  let id: StreamId;
  if (argv[4] === '$') id = t.s === undefined ? ID_ZERO : t.s.lastId;
  else {
    const parsed = strictIdOrReply(c, argv[4]);
    if (parsed === null) return;
    id = parsed;
  }
  let s = t.s;
  if (s === undefined) {
    s = new StreamObject();
    c.db.set(argv[2], s);
  }
  if (s.createGroup(argv[3], id, entriesRead) === null) return c.out.error(Err.busyGroup);
  c.server.dirty++;
  c.out.ok();
}

function xgroupSetid(c: Client, argv: string[]): void {
  const t = xgroupTarget(c, argv, false, true);
  if (t === null) return;
  if (argv.length !== 5 && argv.length !== 7) return c.out.error(Err.subcommandSyntax(argv[1], argv[0]));
  let id: StreamId;
  if (argv[4] === '$') id = t.s!.lastId;
  else {
    const parsed = idOrReply(c, argv[4], 0n);
    if (parsed === null) return;
    id = parsed;
  }
  let entriesRead = INVALID_ENTRIES_READ;
  if (argv.length === 7) {
    if (argv[5].toLowerCase() !== 'entriesread') return c.out.error(Err.subcommandSyntax(argv[1], argv[0]));
    const n = entriesReadOrReply(c, argv[6]);
    if (n === null) return;
    entriesRead = n;
  }
  t.g!.lastId = id;
  t.g!.entriesRead = entriesRead;
  c.server.dirty++;
  c.out.ok();
}

function xgroupDestroy(c: Client, argv: string[]): void {
  const t = xgroupTarget(c, argv, false, false);
  if (t === null) return;
  if (t.g === undefined) return c.out.int(0);
  t.s!.groups.delete(argv[3]);
  c.server.dirty++;
  // Wakes XREADGROUP clients blocked on the group: they get a NOGROUP error.
  c.server.blocking.signal(c.db, argv[2]);
  c.out.int(1);
}

function xgroupCreateConsumer(c: Client, argv: string[]): void {
  const t = xgroupTarget(c, argv, false, true);
  if (t === null) return;
  if (t.g!.consumers.has(argv[4])) return c.out.int(0);
  t.g!.createConsumer(argv[4], Date.now());
  c.server.dirty++;
  c.out.int(1);
}

function xgroupDelConsumer(c: Client, argv: string[]): void {
  const t = xgroupTarget(c, argv, false, true);
  if (t === null) return;
  c.out.int(t.g!.deleteConsumer(argv[4]));
  c.server.dirty++;
}

function xack(c: Client, argv: string[]): void {
  const t = groupOf(c, argv[1], argv[2]);
  if (t === null) return;
  if (t === undefined) return c.out.int(0);
  const ids: StreamId[] = [];
  for (let j = 3; j < argv.length; j++) {
    const id = strictIdOrReply(c, argv[j]);
    if (id === null) return;
    ids.push(id);
  }
  let acked = 0;
  for (const id of ids) {
    if (!t.g.ack(id)) continue;
    acked++;
    c.server.dirty++;
  }
  c.out.int(acked);
}

function xpending(c: Client, argv: string[]): void {
  const n = argv.length;
  if (n !== 3 && (n < 6 || n > 9)) return c.out.error(Err.syntax);
  let minIdle = 0;
  let start: StreamId = ID_ZERO;
  let end: StreamId = ID_ZERO;
  let count = 0;
  let consumerName: string | null = null;
  if (n >= 6) {
    let at = 3;
    if (argv[3].toLowerCase() === 'idle') {
      const idle = int64OrReply(c, argv[4]);
      if (idle === null) return;
      if (n < 8) return c.out.error(Err.syntax);
      minIdle = idle;
      at += 2;
    }
    const cnt = int64OrReply(c, argv[at + 2]);
    if (cnt === null) return;
    count = Math.max(cnt, 0);
    const s = intervalIdOrReply(c, argv[at], true);
    if (s === null) return;
    const e = intervalIdOrReply(c, argv[at + 1], false);
    if (e === null) return;
    [start, end] = [s, e];
    if (at + 3 < n) consumerName = argv[at + 3];
  }
  const t = groupOf(c, argv[1], argv[2]);
  if (t === null) return;
  if (t === undefined) return c.out.error(Err.noKeyOrGroup(argv[1], argv[2]));
  if (n === 3) return pendingSummary(c, t.g);
  let pel = t.g.pel;
  if (consumerName !== null) {
    const consumer = t.g.consumers.get(consumerName);
    if (consumer === undefined) return c.out.array(0);
    pel = consumer.pel;
  }
  const now = Date.now();
  const rows: [StreamId, Nack][] = [];
  for (const [id, nack] of pel.from(start)) {
    if (count === 0 || id > end) break;
    if (minIdle && now - nack.deliveryTime < minIdle) continue;
    rows.push([id, nack]);
    count--;
  }
  c.out.array(rows.length);
  for (const [id, nack] of rows) {
    c.out.array(4);
    replyId(c, id);
    c.out.bulk(nack.consumer!.name);
    c.out.int(Math.max(0, now - nack.deliveryTime));
    c.out.int(nack.deliveryCount);
  }
}

function pendingSummary(c: Client, g: ConsumerGroup): void {
  c.out.array(4);
  c.out.int(g.pel.size);
  if (g.pel.size === 0) {
    c.out.nil();
    c.out.nil();
    c.out.nilArray();
    return;
  }
  replyId(c, g.pel.first()!);
  replyId(c, g.pel.last()!);
  const owners = g.sortedConsumers().filter((k) => k.pel.size > 0);
  c.out.array(owners.length);
  for (const k of owners) {
    c.out.array(2);
    c.out.bulk(k.name);
    c.out.bulk(String(k.pel.size));
  }
}

export const streamGroupHandlers: Record<string, Handler> = {
  'xgroup|help': (c) => helpReply(c, XGROUP_HELP),
  'xgroup|create': xgroupCreate,
  'xgroup|setid': xgroupSetid,
  'xgroup|destroy': xgroupDestroy,
  'xgroup|createconsumer': xgroupCreateConsumer,
  'xgroup|delconsumer': xgroupDelConsumer,
  xack,
  xpending,
  ...streamClaimHandlers,
};
