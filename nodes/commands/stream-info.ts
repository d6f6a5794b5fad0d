/**
 * XINFO STREAM [FULL [COUNT n]], XINFO GROUPS, XINFO CONSUMERS (Redis 7.0's fields and order).
 * Replies are maps (RESP3) or flat name/value arrays (RESP2).
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import type { StreamObject } from '../types/stream.js';
import { INVALID_ENTRIES_READ, type ConsumerGroup } from '../types/stream-group.js';
import { ID_MAX, ID_ZERO } from '../types/stream-id.js';
import { helpReply } from './connection.js';
import type { Handler } from './registry.js';
import { int64OrReply, readStream, replyEntry, replyId, replyRange } from './stream-args.js';

const XINFO_HELP = [
  'XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
  'HELP',
  '    Prints this help.',
];

/** The stream at argv[2], or null after replying "no such key" or WRONGTYPE. */
function streamOrReply(c: Client, argv: string[]): StreamObject | null {
  const s = readStream(c, argv[2]);
  if (s === undefined) c.out.error(Err.noSuchKey);
  return s ?? null;
}

function name(c: Client, n: string): void {
  c.out.bulk(n);
}

function entriesRead(c: Client, g: ConsumerGroup): void {
  if (g.entriesRead === INVALID_ENTRIES_READ) c.out.nil();
  else c.out.int(g.entriesRead);
}

function lag(c: Client, s: StreamObject, g: ConsumerGroup): void {
  const l = s.lag(g);
  if (l === null) c.out.nil();
  else c.out.int(l);
}

function xinfoStream(c: Client, argv: string[]): void {
  const s = streamOrReply(c, argv);
  if (s === null) return;
  const opts = argv.length - 3;
  let full = false;
  let count = 10;
  if (opts > 0) {
    const bad = (opts !== 1 && opts !== 3) || argv[3].toLowerCase() !== 'full' || (opts === 3 && argv[4].toLowerCase() !== 'count');
    if (bad) return c.out.error(Err.subcommandSyntax(argv[1], argv[0]));
    full = true;
    if (opts === 3) {
      const n = int64OrReply(c, argv[5]);
      if (n === null) return;
      count = n < 0 ? 10 : n;
    }
  }
  c.out.map(full ? 9 : 10);
  name(c, 'length');
  c.out.int(s.length);
  name(c, 'radix-tree-keys');
  c.out.int(s.nodeCount);
  name(c, 'radix-tree-nodes');
  c.out.int(s.raxNodeCount());
  name(c, 'last-generated-id');
  replyId(c, s.lastId);
  name(c, 'max-deleted-entry-id');
  replyId(c, s.maxDeletedId);
  name(c, 'entries-added');
  c.out.int(s.entriesAdded);
  name(c, 'recorded-first-entry-id');
  replyId(c, s.firstId());
  if (full) return fullInfo(c, s, count);
  name(c, 'groups');
  c.out.int(s.groups.size);
  for (const [label, last] of [['first-entry', false], ['last-entry', true]] as const) {
    name(c, label);
    const e = s.firstEntry(last);
    if (e === undefined) c.out.nil();
    else replyEntry(c, e[0], e[1]);
  }
}

/** The FULL form's entries and groups, each list cut at `count` (0: everything). */
function fullInfo(c: Client, s: StreamObject, count: number): void {
  name(c, 'entries');
  replyRange(c, s, ID_ZERO, ID_MAX, count, false);
  name(c, 'groups');
  const groups = s.sortedGroups();
  c.out.array(groups.length);
  const cut = <T>(xs: T[]) => (count > 0 ? xs.slice(0, count) : xs);
  for (const g of groups) {
    c.out.map(7);
    name(c, 'name');
    c.out.bulk(g.name);
    name(c, 'last-delivered-id');
    replyId(c, g.lastId);
    name(c, 'entries-read');
    entriesRead(c, g);
    name(c, 'lag');
    lag(c, s, g);
    name(c, 'pel-count');
    c.out.int(g.pel.size);
    name(c, 'pending');
    const pending = cut([...g.pel.from(ID_ZERO)]);
    c.out.array(pending.length);
    for (const [id, n] of pending) {
      c.out.array(4);
      replyId(c, id);
      c.out.bulk(n.consumer!.name);
      c.out.int(n.deliveryTime);
      c.out.int(n.deliveryCount);
    }
    name(c, 'consumers');
    const consumers = g.sortedConsumers();
    c.out.array(consumers.length);
    for (const k of consumers) {
      c.out.map(4);
      name(c, 'name');
      c.out.bulk(k.name);
      name(c, 'seen-time');
      c.out.int(k.seenTime);
      name(c, 'pel-count');
      c.out.int(k.pel.size);
      name(c, 'pending');
      const own = cut([...k.pel.from(ID_ZERO)]);
      c.out.array(own.length);
      for (const [id, n] of own) {
        c.out.array(3);
        replyId(c, id);
        c.out.int(n.deliveryTime);
        c.out.int(n.deliveryCount);
      }
    }
  }
}

function xinfoGroups(c: Client, argv: string[]): void {
  const s = streamOrReply(c, argv);
  if (s === null) return;
  const groups = s.sortedGroups();
  c.out.array(groups.length);
  for (const g of groups) {
    c.out.map(6);
    name(c, 'name');
    c.out.bulk(g.name);
    name(c, 'consumers');
    c.out.int(g.consumers.size);
    name(c, 'pending');
    c.out.int(g.pel.size);
    name(c, 'last-delivered-id');
    replyId(c, g.lastId);
    name(c, 'entries-read');
    entriesRead(c, g);
    name(c, 'lag');
    lag(c, s, g);
  }
}

function xinfoConsumers(c: Client, argv: string[]): void {
  const s = streamOrReply(c, argv);
  if (s === null) return;
  const g = s.groups.get(argv[3]);
  if (g === undefined) return c.out.error(Err.noGroupForKey(argv[3], argv[2]));
  const now = Date.now();
  const consumers = g.sortedConsumers();
  c.out.array(consumers.length);
  for (const k of consumers) {
    c.out.map(3);
    name(c, 'name');
    c.out.bulk(k.name);
    name(c, 'pending');
    c.out.int(k.pel.size);
    name(c, 'idle');
    c.out.int(Math.max(0, now - k.seenTime));
  }
}

export const streamInfoHandlers: Record<string, Handler> = {
  'xinfo|help': (c) => helpReply(c, XINFO_HELP),
  'xinfo|stream': xinfoStream,
  'xinfo|groups': xinfoGroups,
  'xinfo|consumers': xinfoConsumers,
};
