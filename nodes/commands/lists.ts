/**
 * List commands (Redis's t_list.c), with Redis 7.0's replies and its order of checks: arguments
 * that Redis parses before the key lookup are parsed first here too, so the same bad command gets
 * the same error. The blocking variants live in lists-blocking.ts.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { List, type End } from '../types/list.js';
import { parseInt64, parseIntArg } from './args.js';
import { fail, listGrew, listShrank, moveOne, parseEnd, parseMpop, popMany, popManyWithKey } from './list-ops.js';
import { blockingListHandlers } from './lists-blocking.js';
import { readTyped, writeTyped } from './lookup.js';
import type { Handler } from './registry.js';

const LONG_MIN = -(2n ** 63n);

/** LPUSH RPUSH, and with onlyExisting LPUSHX RPUSHX. */
function push(end: End, onlyExisting: boolean): Handler {
  return (c, argv) => {
    const key = argv[1];
    const cur = writeTyped<List>(c, key, 'list');
    if (cur === null) return;
    if (cur === undefined && onlyExisting) return c.out.int(0);
    const list = cur ?? new List();
    for (let i = 2; i < argv.length; i++) list.push(end, argv[i]);
    listGrew(c, key, list, cur === undefined);
    c.out.int(list.length);
  };
}

/** LPOP RPOP [count]: a bulk without count, else an array (empty for count 0). */
function pop(end: End): Handler {
  return (c, argv) => {
    if (argv.length > 3) return c.out.error(Err.arity(argv[0].toLowerCase()));
    let count = -1;
    if (argv.length === 3) {
      const n = parseIntArg(argv[2]);
      if (n === null || n < 0) return c.out.error(Err.listCountNotPositive);
      count = n;
    }
    const key = argv[1];
    const list = writeTyped<List>(c, key, 'list');
    if (list === null) return;
    if (list === undefined) return count === -1 ? c.out.nil() : c.out.nilArray();
    if (count === -1) {
      c.out.bulk(list.pop(end)!);
      return listShrank(c, key, list);
    }
    if (count === 0) return c.out.array(0);
    popMany(c, key, list, end, count);
  };
}

function llen(c: Client, argv: string[]): void {
  const list = readTyped<List>(c, argv[1], 'list');
  if (list !== null) c.out.int(list?.length ?? 0);
}

/**
 * Redis's range normalisation (LRANGE, LTRIM): negative indexes count from the end; returns the
 * inclusive bounds, or null when the range is empty.
 */
function normalizeRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  return [start, Math.min(end, len - 1)];
}

/** Both range bounds, parsed before the key lookup as Redis does; null after an error reply. */
function parseBounds(c: Client, argv: string[]): [number, number] | null {
  const start = parseIntArg(argv[2]);
  const end = parseIntArg(argv[3]);
  if (start === null || end === null) {
    c.out.error(Err.notInteger);
    return null;
  }
  return [start, end];
}

function lrange(c: Client, argv: string[]): void {
  const bounds = parseBounds(c, argv);
  if (!bounds) return;
  const list = readTyped<List>(c, argv[1], 'list');
  if (list === null) return;
  const r = list ? normalizeRange(bounds[0], bounds[1], list.length) : null;
  if (!r) return c.out.array(0);
  c.out.array(r[1] - r[0] + 1);
  list!.range(r[0], r[1], (v) => c.out.bulk(v));
}

function ltrim(c: Client, argv: string[]): void {
  const bounds = parseBounds(c, argv);
  if (!bounds) return;
  const key = argv[1];
  const list = writeTyped<List>(c, key, 'list');
  if (list === null) return;
  if (list === undefined) return c.out.ok();
  const len = list.length;
  const r = normalizeRange(bounds[0], bounds[1], len);
  const [left, right] = r ? [r[0], len - r[1] - 1] : [len, 0];
  list.trim(left, right);
  // Redis signals the key as modified even when nothing was trimmed (WATCH sees it), but only
  // counts a change when elements went.
  if (list.length === 0) c.db.delete(key);
  else c.db.touchWrite(key);
  if (left + right > 0) c.server.dirty++;
  c.out.ok();
}

/** A list index (negative from the end) as a position, or -1 when outside the list. */
function position(index: number, len: number): number {
  const i = index < 0 ? len + index : index;
  return i >= 0 && i < len ? i : -1;
}

function lindex(c: Client, argv: string[]): void {
  const list = readTyped<List>(c, argv[1], 'list');
  if (list === null) return;
  if (list === undefined) return c.out.nil();
  const index = parseIntArg(argv[2]);
  if (index === null) return c.out.error(Err.notInteger);
  const i = position(index, list.length);
  c.out.bulk(i < 0 ? null : list.at(i));
}

function lset(c: Client, argv: string[]): void {
  const key = argv[1];
  const list = writeTyped<List>(c, key, 'list');
  if (list === null) return;
  if (list === undefined) return c.out.error(Err.noSuchKey);
  const index = parseIntArg(argv[2]);
  if (index === null) return c.out.error(Err.notInteger);
  const i = position(index, list.length);
  if (i < 0) return c.out.error(Err.outOfRange);
  list.setAt(i, argv[3]);
  c.db.touchWrite(key);
  c.server.dirty++;
  c.out.ok();
}

/** Index of the first element equal to v from the head, or -1. */
function indexOf(list: List, v: string): number {
  for (let i = 0; i < list.length; i++) if (list.at(i) === v) return i;
  return -1;
}

function linsert(c: Client, argv: string[]): void {
  const where = argv[2].toLowerCase();
  if (where !== 'before' && where !== 'after') return c.out.error(Err.syntax);
  const key = argv[1];
  const list = writeTyped<List>(c, key, 'list');
  if (list === null) return;
  if (list === undefined) return c.out.int(0);
  const pivot = indexOf(list, argv[3]);
  if (pivot < 0) return c.out.int(-1);
  list.insertAt(where === 'before' ? pivot : pivot + 1, argv[4]);
  listGrew(c, key, list, false);
  c.out.int(list.length);
}

function lrem(c: Client, argv: string[]): void {
  const count = parseIntArg(argv[2]);
  if (count === null) return c.out.error(Err.notInteger);
  const key = argv[1];
  const list = writeTyped<List>(c, key, 'list');
  if (list === null) return;
  if (list === undefined) return c.out.int(0);
  const removed = list.removeMatching(argv[3], Math.abs(count), count < 0);
  if (removed > 0) listShrank(c, key, list);
  c.out.int(removed);
}

interface LposOptions {
  rank: number;
  /** -1 when COUNT was not given (reply a single index, not an array); 0 means all. */
  count: number;
  maxlen: number;
  /** RANK was LONG_MIN: see lposOptions. */
  unbounded: boolean;
}

/** RANK / COUNT / MAXLEN; null after an error reply. */
function lposOptions(c: Client, argv: string[]): LposOptions | null {
  const o: LposOptions = { rank: 1, count: -1, maxlen: 0, unbounded: false };
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const hasArg = j + 1 < argv.length;
    if (opt === 'rank' && hasArg) {
      const n = parseInt64(argv[++j]);
      if (n === null) return fail(c, Err.notInteger);
      if (n === 0) return fail(c, Err.lposRankZero);
      // Redis 7.0 negates LONG_MIN into itself: it then matches from the tail at the first
      // occurrence and, with COUNT, its overflowing stop test never fires (all matches).
      o.unbounded = n === LONG_MIN;
      o.rank = o.unbounded ? -1 : Number(n);
    } else if (opt === 'count' && hasArg) {
      const n = parseIntArg(argv[++j]);
      if (n === null || n < 0) return fail(c, Err.lposCountNegative);
      o.count = n;
    } else if (opt === 'maxlen' && hasArg) {
      const n = parseIntArg(argv[++j]);
      if (n === null || n < 0) return fail(c, Err.lposMaxlenNegative);
      o.maxlen = n;
    } else {
      return fail(c, Err.syntax);
    }
  }
  return o;
}

function lpos(c: Client, argv: string[]): void {
  const o = lposOptions(c, argv);
  if (!o) return;
  const list = readTyped<List>(c, argv[1], 'list');
  if (list === null) return;
  const many = o.count !== -1;
  if (list === undefined) return many ? c.out.array(0) : c.out.nil();
  const fromTail = o.rank < 0;
  const rank = Math.abs(o.rank);
  const limit = o.unbounded ? 0 : o.count;
  const len = list.length;
  const scan = o.maxlen === 0 ? len : Math.min(o.maxlen, len);
  const found: number[] = [];
  let matches = 0;
  for (let k = 0; k < scan; k++) {
    const i = fromTail ? len - 1 - k : k;
    if (list.at(i) !== argv[2] || ++matches < rank) continue;
    found.push(i);
    if (!many || (limit !== 0 && found.length >= limit)) break;
  }
  if (many) return replyInts(c, found);
  if (found.length === 0) c.out.nil();
  else c.out.int(found[0]);
}

function replyInts(c: Client, ns: number[]): void {
  c.out.array(ns.length);
  for (const n of ns) c.out.int(n);
}

function lmoveGeneric(c: Client, argv: string[], from: End, to: End): void {
  const src = writeTyped<List>(c, argv[1], 'list');
  if (src === null) return;
  if (src === undefined) return c.out.nil();
  moveOne(c, argv[1], src, argv[2], from, to);
}

function lmove(c: Client, argv: string[]): void {
  const from = parseEnd(argv[3]);
  const to = parseEnd(argv[4]);
  if (from === null || to === null) return c.out.error(Err.syntax);
  lmoveGeneric(c, argv, from, to);
}

function lmpop(c: Client, argv: string[]): void {
  const a = parseMpop(c, argv, 1);
  if (!a) return;
  for (const key of a.keys) {
    const list = writeTyped<List>(c, key, 'list');
    if (list === null) return;
    if (list !== undefined) return popManyWithKey(c, key, list, a.end, a.count);
  }
  c.out.nilArray();
}

export const listHandlers: Record<string, Handler> = {
  lpush: push('left', false),
  rpush: push('right', false),
  lpushx: push('left', true),
  rpushx: push('right', true),
  lpop: pop('left'),
  rpop: pop('right'),
  llen,
  lrange,
  ltrim,
  lindex,
  lset,
  linsert,
  lrem,
  lpos,
  lmove,
  rpoplpush: (c, argv) => lmoveGeneric(c, argv, 'right', 'left'),
  lmpop,
  ...blockingListHandlers,
};
