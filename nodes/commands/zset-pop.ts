/**
 * ZPOPMIN, ZPOPMAX, ZMPOP and the blocking BZPOPMIN, BZPOPMAX, BZMPOP (Redis's
 * genericZpopCommand / blockingGenericZpopCommand). The reply shapes differ per command:
 *   ZPOP* (RESP2, or no COUNT)  flat   [m, s, m, s …]
 *   ZPOP* COUNT in RESP3        pairs  [[m, s] …]
 *   BZPOP*                      keyed  [key, m, s]
 *   ZMPOP / BZMPOP              [key, [[m, s] …]]
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import type { ZNode } from '../types/zset-order.js';
import type { ZSet } from '../types/zset.js';
import { writeTyped } from './lookup.js';
import type { Handler } from './registry.js';
import { parseTimeoutMs } from './timeout-arg.js';
import { parseLong } from './zset-args.js';
import { entriesHeader, replyEntry } from './zset-reply.js';

type End = 'min' | 'max';

interface PopShape {
  emitKey: boolean;
  nested: boolean;
  /** Null array instead of an empty one when no key has elements (ZMPOP). */
  nilWhenEmpty: boolean;
}

/** Removes up to `count` members from one end, in pop order. */
function popEntries(z: ZSet, end: End, count: number): ZNode[] {
  const n = Math.min(count, z.size);
  const out: ZNode[] = [];
  if (end === 'min') z.tree.deleteRankRange(1, n, (x) => { out.push(x); z.forget(x); });
  else {
    z.tree.deleteRankRange(z.size - n + 1, z.size, (x) => { out.push(x); z.forget(x); });
    out.reverse();
  }
  return out;
}

/** Pops from the non-empty zset at key and writes the reply in the given shape. */
function popAndReply(c: Client, key: string, z: ZSet, end: End, count: number, shape: PopShape): void {
  const popped = popEntries(z, end, count);
  if (shape.emitKey && shape.nested) {
    c.out.array(2);
    c.out.bulk(key);
    c.out.array(popped.length);
  } else if (shape.emitKey) {
    c.out.array(popped.length * 2 + 1);
    c.out.bulk(key);
  } else {
    entriesHeader(c, popped.length, true, shape.nested);
  }
  for (const e of popped) replyEntry(c, e, true, shape.nested);
  if (z.size === 0) c.db.delete(key);
  else c.db.touchWrite(key);
  c.server.dirty++;
}

/**
 * The first key holding a zset (type errors reported in key order, up to that key): its name and
 * value, undefined when none, or null after replying WRONGTYPE.
 */
function firstZset(c: Client, keys: readonly string[]): [string, ZSet] | undefined | null {
  for (const key of keys) {
    const z = writeTyped<ZSet>(c, key, 'zset');
    if (z === null) return null;
    if (z !== undefined) return [key, z];
  }
  return undefined;
}

function genericPop(c: Client, keys: readonly string[], end: End, count: number, shape: PopShape): void {
  const found = firstZset(c, keys);
  if (found === null) return;
  if (found === undefined) return shape.nilWhenEmpty ? c.out.nilArray() : c.out.array(0);
  if (count === 0) return c.out.array(0);
  popAndReply(c, found[0], found[1], end, count, shape);
}

function zpop(end: End): Handler {
  return (c, argv) => {
    if (argv.length > 3) return c.out.error(Err.syntax);
    let count = -1;
    if (argv.length === 3) {
      const n = parseLong(argv[2]);
      if (n === null || n < 0) return c.out.error(Err.zsetMustBePositive);
      count = n;
    }
    // A plain pop is flat in both protocols; with COUNT, RESP3 nests the pairs.
    const nested = c.out.resp === 3 && count !== -1;
    genericPop(c, [argv[1]], end, count === -1 ? 1 : count, { emitKey: false, nested, nilWhenEmpty: false });
  };
}

interface MpopArgs {
  keys: string[];
  end: End;
  count: number;
}

/** numkeys key… MIN|MAX [COUNT n] starting at argv[numkeysIdx]; replies and returns null on error. */
function parseMpop(c: Client, argv: string[], numkeysIdx: number): MpopArgs | null {
  const numkeys = parseLong(argv[numkeysIdx]);
  if (numkeys === null || numkeys < 1) return fail(c, Err.zsetNumkeys);
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) return fail(c, Err.syntax);
  const where = argv[whereIdx].toLowerCase();
  if (where !== 'min' && where !== 'max') return fail(c, Err.syntax);
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && argv[j].toLowerCase() === 'count' && j + 1 < argv.length) {
      const n = parseLong(argv[++j]);
      if (n === null || n < 1) return fail(c, Err.zsetCount);
      count = n;
    } else {
      return fail(c, Err.syntax);
    }
  }
  return { keys: argv.slice(numkeysIdx + 1, whereIdx), end: where, count: count === -1 ? 1 : count };
}

function fail(c: Client, err: string): null {
  c.out.error(err);
  return null;
}

const MPOP_SHAPE: PopShape = { emitKey: true, nested: true, nilWhenEmpty: true };
const BZPOP_SHAPE: PopShape = { emitKey: true, nested: false, nilWhenEmpty: false };

function zmpop(c: Client, argv: string[]): void {
  const a = parseMpop(c, argv, 1);
  if (a !== null) genericPop(c, a.keys, a.end, a.count, MPOP_SHAPE);
}

/** Serves now when a key has elements, else blocks until a write makes one servable. */
function blockingPop(c: Client, keys: string[], end: End, count: number, timeoutMs: number, shape: PopShape): void {
  const found = firstZset(c, keys);
  if (found === null) return;
  if (found !== undefined) {
    popAndReply(c, found[0], found[1], end, count, shape);
    return c.server.propagation.replace(plainPop(found[0], end, count, shape));
  }
  const db = c.db;
  c.server.blocking.block(c, {
    keys,
    timeoutMs,
    tryServe: () => {
      for (const key of keys) {
        const v = db.get(key);
        if (v === undefined || typeof v === 'string' || v.type !== 'zset') continue;
        popAndReply(c, key, v as ZSet, end, count, shape);
        // Served after another client's write: an op of that write (Redis 7.0).
        c.server.propagation.also(db.id, plainPop(key, end, count, shape));
        return true;
      }
      return false;
    },
    onTimeout: () => c.out.nilArray(),
  });
}

/** Replicas replay a blocking pop as ZPOPMIN/ZPOPMAX (with the count for BZMPOP). */
function plainPop(key: string, end: End, count: number, shape: PopShape): string[] {
  const name = end === 'min' ? 'ZPOPMIN' : 'ZPOPMAX';
  return shape === MPOP_SHAPE ? [name, key, String(count)] : [name, key];
}

function bzpop(end: End): Handler {
  return (c, argv) => {
    const timeoutMs = parseTimeoutMs(c, argv[argv.length - 1]);
    if (timeoutMs !== null) blockingPop(c, argv.slice(1, -1), end, 1, timeoutMs, BZPOP_SHAPE);
  };
}

function bzmpop(c: Client, argv: string[]): void {
  const a = parseMpop(c, argv, 2);
  if (a === null) return;
  const timeoutMs = parseTimeoutMs(c, argv[1]);
  if (timeoutMs !== null) blockingPop(c, a.keys, a.end, a.count, timeoutMs, MPOP_SHAPE);
}

export const zsetPopHandlers: Record<string, Handler> = {
  zpopmin: zpop('min'),
  zpopmax: zpop('max'),
  zmpop,
  bzpopmin: bzpop('min'),
  bzpopmax: bzpop('max'),
  bzmpop,
};
