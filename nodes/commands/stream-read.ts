/**
 * XREAD and XREADGROUP (xreadCommand): serve every stream that has entries past the given ID at
 * once, else block (BLOCK ms) until an XADD makes one servable. XREADGROUP's ">" delivers new
 * entries (moving the group's last-delivered ID, recording them in the PELs unless NOACK); any
 * other ID replays the consumer's own pending entries from there.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import type { StreamObject } from '../types/stream.js';
import type { Consumer, ConsumerGroup } from '../types/stream-group.js';
import { ID_MAX, ID_ZERO, type StreamId } from '../types/stream-id.js';
import type { Handler } from './registry.js';
import { int64OrReply, readStream, replyEntry, replyId, strictIdOrReply } from './stream-args.js';


interface ReadArgs {
  blockMs: number | null;
  count: number;
  group: string | null;
  consumer: string;
  noack: boolean;
  keys: string[];
  /** Per key: the ID entries must follow (ID_MAX stands for ">"). */
  ids: StreamId[];
  groups: (ConsumerGroup | null)[];
}

function parseReadArgs(c: Client, argv: string[], isGroup: boolean): ReadArgs | null {
  const a: ReadArgs = { blockMs: null, count: 0, group: null, consumer: '', noack: false, keys: [], ids: [], groups: [] };
  let streamsAt = 0;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i].toLowerCase();
    if (opt === 'block' && more) {
      const t = int64OrReply(c, argv[++i], Err.timeoutNotInteger);
      if (t === null) return null;
      if (t < 0) return fail(c, Err.timeoutNegative);
      a.blockMs = t;
    } else if (opt === 'count' && more) {
      const n = int64OrReply(c, argv[++i]);
      if (n === null) return null;
      a.count = Math.max(n, 0);
    } else if (opt === 'streams' && more) {
      streamsAt = i + 1;
      if ((argv.length - streamsAt) % 2 !== 0) {
        return fail(c, Err.xreadUnbalanced);
      }
      break;
    } else if (opt === 'group' && more >= 2) {
      if (!isGroup) return fail(c, Err.xreadGroupOption);
      a.group = argv[i + 1];
      a.consumer = argv[i + 2];
      i += 2;
    } else if (opt === 'noack') {
      if (!isGroup) return fail(c, Err.xreadNoackOption);
      a.noack = true;
    } else {
      return fail(c, Err.syntax);
    }
  }
  if (streamsAt === 0) return fail(c, Err.syntax);
  if (isGroup && a.group === null) return fail(c, Err.xreadgroupMissingGroup);
  const n = (argv.length - streamsAt) / 2;
  a.keys = argv.slice(streamsAt, streamsAt + n);
  return resolveIds(c, a, argv.slice(streamsAt + n)) ? a : null;
}

/** Resolves each key's group and ID ("$", ">" or an explicit one); false after replying. */
function resolveIds(c: Client, a: ReadArgs, idArgs: string[]): boolean {
  for (let i = 0; i < a.keys.length; i++) {
    const s = readStream(c, a.keys[i]);
    if (s === null) return false;
    let group: ConsumerGroup | null = null;
    if (a.group !== null) {
      group = s?.groups.get(a.group) ?? null;
      if (group === null) return reject(c, Err.xreadgroupNoGroup(a.keys[i], a.group));
    }
    a.groups.push(group);
    const arg = idArgs[i];
    if (arg === '$') {
      if (a.group !== null) return reject(c, Err.xreadgroupDollar);
      a.ids.push(s === undefined ? ID_ZERO : s.lastId);
    } else if (arg === '>') {
      if (a.group === null) return reject(c, Err.xreadGreaterThan);
      a.ids.push(ID_MAX);
    } else {
      const id = strictIdOrReply(c, arg);
      if (id === null) return false;
      a.ids.push(id);
    }
  }
  return true;
}

function fail(c: Client, err: string): null {
  c.out.error(err);
  return null;
}

function reject(c: Client, err: string): false {
  c.out.error(err);
  return false;
}

function xreadGeneric(isGroup: boolean): Handler {
  return (c, argv) => {
    const a = parseReadArgs(c, argv, isGroup);
    if (a === null) return;
    const ready: number[] = [];
    const from: StreamId[] = [];
    for (let i = 0; i < a.keys.length; i++) {
      const s = c.db.get(a.keys[i]) as StreamObject | undefined;
      if (s === undefined) continue;
      const gt = servableAfter(s, a, i);
      if (gt === null) continue;
      ready.push(i);
      from.push(gt);
    }
    if (ready.length > 0) {
      if (c.out.resp === 3) c.out.map(ready.length);
      else c.out.array(ready.length);
      ready.forEach((i, k) => serveKey(c, c.db.get(a.keys[i]) as StreamObject, a, i, from[k]));
      return;
    }
    if (a.blockMs === null) return c.out.nilArray();
    block(c, a);
  };
}

/** The ID after which a key is served now, or null when there is nothing to serve yet. */
function servableAfter(s: StreamObject, a: ReadArgs, i: number): StreamId | null {
  const group = a.groups[i];
  const gt = a.ids[i];
  if (group !== null && gt !== ID_MAX) return gt; // history: always served
  if (s.length === 0) return null;
  const after = group !== null ? group.lastId : gt;
  return s.lastValidId() > after ? after : null;
}

/** Writes one key's [key, entries] pair (the caller wrote the enclosing array or map). */
function serveKey(c: Client, s: StreamObject, a: ReadArgs, i: number, after: StreamId): void {
  if (c.out.resp !== 3) c.out.array(2);
  c.out.bulk(a.keys[i]);
  const group = a.groups[i];
  const start = after === ID_MAX ? ID_MAX : after + 1n;
  if (group === null) {
    replyEntries(c, s, start, a.count);
    return;
  }
  const consumer = lookupConsumer(group, a.consumer, c);
  if (a.ids[i] !== ID_MAX) replyHistory(c, s, consumer, start, a.count);
  else deliverNew(c, s, group, consumer, start, a.count, a.noack);
  c.server.dirty++;
}

/** The consumer, created when missing; its seen-time refreshed (streamLookupConsumer). */
export function lookupConsumer(group: ConsumerGroup, name: string, c: Client): Consumer {
  const now = Date.now();
  const found = group.consumers.get(name);
  if (found !== undefined) {
    found.seenTime = now;
    return found;
  }
  c.server.dirty++;
  return group.createConsumer(name, now);
}

function collect(s: StreamObject, start: StreamId, count: number): [StreamId, string[]][] {
  const out: [StreamId, string[]][] = [];
  s.range(start, ID_MAX, false, (id, fv) => {
    out.push([id, fv]);
    return count === 0 || out.length < count;
  });
  return out;
}

function replyEntries(c: Client, s: StreamObject, start: StreamId, count: number): void {
  const entries = collect(s, start, count);
  c.out.array(entries.length);
  for (const [id, fv] of entries) replyEntry(c, id, fv);
}

/** ">": new entries, each moving the group forward and (unless NOACK) pending for the consumer. */
function deliverNew(c: Client, s: StreamObject, g: ConsumerGroup, consumer: Consumer, start: StreamId, count: number, noack: boolean): void {
  const entries = collect(s, start, count);
  const now = Date.now();
  c.out.array(entries.length);
  for (const [id, fv] of entries) {
    s.advanceGroup(g, id);
    replyEntry(c, id, fv);
    if (noack) continue;
    const nack = g.pel.get(id);
    if (nack === undefined) {
      const fresh = { consumer, deliveryTime: now, deliveryCount: 1 };
      g.pel.set(id, fresh);
      consumer.pel.set(id, fresh);
    } else {
      // Delivered before (the group's ID was set back): the entry moves to this consumer.
      nack.consumer?.pel.delete(id);
      nack.consumer = consumer;
      nack.deliveryTime = now;
      nack.deliveryCount = 1;
      consumer.pel.set(id, nack);
    }
  }
}

/** A history ID: the consumer's pending entries from `start`; deleted ones as [id, nil]. */
function replyHistory(c: Client, s: StreamObject, consumer: Consumer, start: StreamId, count: number): void {
  const now = Date.now();
  const picked: StreamId[] = [];
  for (const [id] of consumer.pel.from(start)) {
    if (count > 0 && picked.length >= count) break;
    picked.push(id);
  }
  c.out.array(picked.length);
  for (const id of picked) {
    const fv = s.get(id);
    if (fv === undefined) {
      c.out.array(2);
      replyId(c, id);
      c.out.nilArray();
      continue;
    }
    replyEntry(c, id, fv);
    const nack = consumer.pel.get(id)!;
    nack.deliveryTime = now;
    nack.deliveryCount++;
  }
}

/**
 * A blocked XREADGROUP served after another client's XADD changes the group: replicas replay it
 * as the same read with ">" (their group is at the same last-delivered ID), as an op of that
 * write. (Redis propagates XCLAIM … LASTID per entry; delivery times may differ here.)
 */
function propagateServedGroupRead(c: Client, a: ReadArgs, i: number): void {
  if (!c.server.propagation.active) return;
  const argv = ['XREADGROUP', 'GROUP', a.group!, a.consumer];
  if (a.count > 0) argv.push('COUNT', String(a.count));
  if (a.noack) argv.push('NOACK');
  argv.push('STREAMS', a.keys[i], '>');
  c.server.propagation.also(c.db.id, argv);
}

/** Blocks until a write makes one of the keys servable (serveClientsBlockedOnStreamKey). */
function block(c: Client, a: ReadArgs): void {
  const db = c.db;
  c.server.blocking.block(c, {
    keys: a.keys,
    timeoutMs: a.blockMs!,
    tryServe: () => {
      for (let i = 0; i < a.keys.length; i++) {
        const v = db.get(a.keys[i]);
        if (v === undefined || typeof v === 'string' || v.type !== 'stream') continue;
        const s = v as StreamObject;
        if (a.group !== null) {
          const g = s.groups.get(a.group);
          if (g === undefined) {
            c.out.error(Err.xreadgroupGroupDeleted);
            return true;
          }
          a.groups[i] = g;
          a.ids[i] = ID_MAX;
        }
        const after = a.group !== null ? a.groups[i]!.lastId : a.ids[i];
        if (s.lastId <= after) continue;
        if (c.out.resp === 3) c.out.map(1);
        else c.out.array(1);
        serveKey(c, s, a, i, after);
        if (a.group !== null) propagateServedGroupRead(c, a, i);
        return true;
      }
      return false;
    },
    onTimeout: () => c.out.nilArray(),
  });
}

export const streamReadHandlers: Record<string, Handler> = {
  xread: xreadGeneric(false),
  xreadgroup: xreadGeneric(true),
};
