/**
 * Sorted-set commands: the single-member ones here (ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK
 * ZREVRANK); ranges, set algebra, pops and sampling live in the zset-*.ts modules beside this one
 * and are merged into the exported map. The value type is nodes/types/zset.ts.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { Added, ZSet, type AddFlags } from '../types/zset.js';
import { readTyped, writeTyped } from './lookup.js';
import type { Handler } from './registry.js';
import { parseScore } from './zset-number.js';
import { zsetPopHandlers } from './zset-pop.js';
import { zsetRangeHandlers } from './zset-range.js';
import { zsetSampleHandlers } from './zset-sample.js';
import { zsetSetOpHandlers } from './zset-setops.js';

interface ZaddArgs {
  flags: AddFlags;
  ch: boolean;
  /** argv index of the first score. */
  first: number;
  scores: number[];
}

/** Options, pairs and scores, checked in Redis's order; replies and returns null on error. */
function parseZadd(c: Client, argv: string[], incr: boolean): ZaddArgs | null {
  const flags: AddFlags = { nx: false, xx: false, gt: false, lt: false, incr };
  let ch = false;
  let i = 2;
  for (; i < argv.length; i++) {
    if (!isLetter(argv[i].charCodeAt(0))) break; // a score: skip lowercasing it
    const opt = argv[i].toLowerCase();
    if (opt === 'nx') flags.nx = true;
    else if (opt === 'xx') flags.xx = true;
    else if (opt === 'ch') ch = true;
    else if (opt === 'incr') flags.incr = true;
    else if (opt === 'gt') flags.gt = true;
    else if (opt === 'lt') flags.lt = true;
    else break;
  }
  const rest = argv.length - i;
  let err: string | null = null;
  if (rest === 0 || rest % 2 !== 0) err = Err.syntax;
  else if (flags.nx && flags.xx) err = Err.zaddXxAndNx;
  else if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt)) err = Err.zaddGtLtNx;
  else if (flags.incr && rest > 2) err = Err.zaddIncrPair;
  if (err !== null) {
    c.out.error(err);
    return null;
  }
  const scores: number[] = [];
  for (let j = i; j < argv.length; j += 2) {
    const s = parseScore(argv[j]);
    if (s === null) {
      c.out.error(Err.notFloat);
      return null;
    }
    scores.push(s);
  }
  return { flags, ch, first: i, scores };
}

function isLetter(code: number): boolean {
  return (code | 32) >= 97 && (code | 32) <= 122;
}

function zaddGeneric(c: Client, argv: string[], incr: boolean): void {
  const a = parseZadd(c, argv, incr);
  if (a === null) return;
  const key = argv[1];
  let z = writeTyped<ZSet>(c, key, 'zset');
  if (z === null) return;
  const created = z === undefined;
  if (z === undefined) {
    if (a.flags.xx) return zaddReply(c, a, 0, 0, null);
    z = new ZSet();
  }
  let added = 0;
  let changed = 0;
  let score: number | null = null;
  let nan = false;
  for (let j = 0; j < a.scores.length && !nan; j++) {
    const r = z.add(argv[a.first + 1 + 2 * j], a.scores[j], a.flags);
    if (r === Added.nan) nan = true;
    else if (r !== Added.nop) {
      if (r === Added.added) added++;
      else if (r === Added.updated) changed++;
      score = z.addedScore;
    }
  }
  if (added + changed > 0) {
    if (created) c.db.set(key, z);
    else c.db.touchWrite(key);
    c.server.dirty++;
  }
  if (nan) c.out.error(Err.zsetNaN);
  else zaddReply(c, a, added, changed, score);
}

/** ZINCRBY / ZADD INCR reply the new score (nil when nothing was done), ZADD a count. */
function zaddReply(c: Client, a: ZaddArgs, added: number, changed: number, score: number | null): void {
  if (a.flags.incr) {
    if (score === null) c.out.nil();
    else c.out.double(score);
  } else {
    c.out.int(a.ch ? added + changed : added);
  }
}

function zrem(c: Client, argv: string[]): void {
  const key = argv[1];
  const z = writeTyped<ZSet>(c, key, 'zset');
  if (z === null) return;
  if (z === undefined) return c.out.int(0);
  let deleted = 0;
  for (let i = 2; i < argv.length && z.size > 0; i++) if (z.delete(argv[i])) deleted++;
  if (deleted > 0) {
    if (z.size === 0) c.db.delete(key);
    else c.db.touchWrite(key);
    c.server.dirty++;
  }
  c.out.int(deleted);
}

function zcard(c: Client, argv: string[]): void {
  const z = readTyped<ZSet>(c, argv[1], 'zset');
  if (z !== null) c.out.int(z === undefined ? 0 : z.size);
}

function zscore(c: Client, argv: string[]): void {
  const z = readTyped<ZSet>(c, argv[1], 'zset');
  if (z === null) return;
  const s = z?.score(argv[2]);
  if (s === undefined) c.out.nil();
  else c.out.double(s);
}

function zmscore(c: Client, argv: string[]): void {
  const z = readTyped<ZSet>(c, argv[1], 'zset');
  if (z === null) return;
  c.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const s = z?.score(argv[i]);
    if (s === undefined) c.out.nil();
    else c.out.double(s);
  }
}

function rankCommand(reverse: boolean): Handler {
  return (c, argv) => {
    const z = readTyped<ZSet>(c, argv[1], 'zset');
    if (z === null) return;
    const r = z === undefined ? -1 : z.rank(argv[2], reverse);
    if (r < 0) c.out.nil();
    else c.out.int(r);
  };
}

export const zsetHandlers: Record<string, Handler> = {
  zadd: (c, argv) => zaddGeneric(c, argv, false),
  zincrby: (c, argv) => zaddGeneric(c, argv, true),
  zrem,
  zcard,
  zscore,
  zmscore,
  zrank: rankCommand(false),
  zrevrank: rankCommand(true),
  ...zsetRangeHandlers,
  ...zsetSetOpHandlers,
  ...zsetPopHandlers,
  ...zsetSampleHandlers,
};
