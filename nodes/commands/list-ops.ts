/**
 * List operations shared by the plain commands (lists.ts) and their blocking variants
 * (lists-blocking.ts), which also run them when serving a client that waited.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { List, type End } from '../types/list.js';
import { parseIntArg } from './args.js';
import { writeTyped } from './lookup.js';

/** LEFT | RIGHT, any case. */
export function parseEnd(s: string): End | null {
  const l = s.toLowerCase();
  return l === 'left' ? 'left' : l === 'right' ? 'right' : null;
}

/** Stores a list after elements were added: a new list is stored, an existing one marked written. */
export function listGrew(c: Client, key: string, list: List, created: boolean): void {
  if (created) c.db.set(key, list);
  else c.db.touchWrite(key);
  c.server.dirty++;
}

/** After elements were removed: the emptied key disappears, as in Redis. */
export function listShrank(c: Client, key: string, list: List): void {
  if (list.length === 0) c.db.delete(key);
  else c.db.touchWrite(key);
  c.server.dirty++;
}

/** Pops up to `count` from one end, replying them as an array in pop order; then shrinks. */
export function popMany(c: Client, key: string, list: List, end: End, count: number): void {
  const n = Math.min(count, list.length);
  c.out.array(n);
  for (let i = 0; i < n; i++) c.out.bulk(list.pop(end)!);
  listShrank(c, key, list);
}

/** [key, [elements…]] (LMPOP, BLMPOP). */
export function popManyWithKey(c: Client, key: string, list: List, end: End, count: number): void {
  c.out.array(2);
  c.out.bulk(key);
  popMany(c, key, list, end, count);
}

/**
 * LMOVE's work once the source is a non-empty list: WRONGTYPE when the destination holds another
 * type (nothing moves), else one element moves and is the reply. The same key rotates the list.
 */
export function moveOne(c: Client, srcKey: string, src: List, dstKey: string, from: End, to: End): void {
  const dst = writeTyped<List>(c, dstKey, 'list');
  if (dst === null) return;
  const v = src.pop(from)!;
  const target = dst ?? new List();
  target.push(to, v);
  listGrew(c, dstKey, target, dst === undefined);
  if (srcKey !== dstKey) listShrank(c, srcKey, src);
  c.out.bulk(v);
}

export interface MpopArgs {
  keys: string[];
  end: End;
  count: number;
}

/**
 * LMPOP / BLMPOP arguments from argv[numkeysIdx]: numkeys key… LEFT|RIGHT [COUNT n]. Replies and
 * returns null on error, checking in Redis's order (numkeys, direction, options).
 */
export function parseMpop(c: Client, argv: string[], numkeysIdx: number): MpopArgs | null {
  const numkeys = parseIntArg(argv[numkeysIdx]);
  if (numkeys === null || numkeys < 1) return fail(c, Err.listNumkeys);
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) return fail(c, Err.syntax);
  const end = parseEnd(argv[whereIdx]);
  if (end === null) return fail(c, Err.syntax);
  let count = -1;
  for (let j = whereIdx + 1; j < argv.length; j++) {
    if (count === -1 && argv[j].toLowerCase() === 'count' && j + 1 < argv.length) {
      const n = parseIntArg(argv[++j]);
      if (n === null || n < 1) return fail(c, Err.listCount);
      count = n;
    } else {
      return fail(c, Err.syntax);
    }
  }
  return { keys: argv.slice(numkeysIdx + 1, whereIdx), end, count: count === -1 ? 1 : count };
}

export function fail(c: Client, err: string): null {
  c.out.error(err);
  return null;
}
