/**
 * ZSCAN and ZRANDMEMBER: the commands that walk the member Dict rather than the order tree. Where
 * Redis's answer depends on the encoding we answer the same way: a listpack set is scanned whole
 * in one call (in order, scores as the listpack stores them), a larger one (Redis's skiplist
 * encoding) with the Dict's cursor; asking for at least the whole set returns it from the highest
 * member down.
 */
import { Err } from '../../lib/errors.js';
import { globMatch } from '../../lib/glob.js';
import type { Client } from '../client.js';
import type { ZSet } from '../types/zset.js';
import { readTyped } from './lookup.js';
import { parseScanCursor, parseScanOptions } from './keys-scan.js';
import type { Handler } from './registry.js';
import { parseInt64 } from './args.js';
import { formatDouble } from '../../lib/resp/double.js';
import { formatListpackScore } from './zset-number.js';
import { entriesHeader, replyEntries, replyEntry, type Entry } from './zset-reply.js';

function zscan(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]);
  if (cursor === null) return c.out.error(Err.invalidCursor);
  const z = readTyped<ZSet>(c, argv[1], 'zset');
  if (z === null) return;
  if (z === undefined) {
    c.out.array(2);
    c.out.bulk('0');
    return c.out.array(0);
  }
  const opts = parseScanOptions(argv, 3, false);
  if (typeof opts === 'string') return c.out.error(opts);
  const flat: string[] = [];
  const visit = (member: string, text: string) => {
    if (opts.pattern === null || globMatch(opts.pattern, member)) flat.push(member, text);
  };
  let next = 0;
  if (z.isListpack) {
    for (let n = z.tree.first; n !== null; n = n.fwd) visit(n.member, formatListpackScore(n.score));
  } else {
    next = z.dict.scan(Number(cursor), opts.count, (m, n) => visit(m, formatDouble(n.score)));
  }
  c.out.array(2);
  c.out.bulk(String(next));
  c.out.bulks(flat);
}

const LONG_MAX = 9223372036854775807n;

function zrandmember(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    const z = readTyped<ZSet>(c, argv[1], 'zset');
    if (z === null) return;
    return c.out.bulk(z === undefined ? null : z.dict.randomKey()!);
  }
  const n = parseInt64(argv[2]);
  if (n === null) return c.out.error(Err.notInteger);
  if (typeof n === 'bigint' && n < -LONG_MAX) return c.out.error(Err.zsetRandCountRange);
  if (argv.length > 4 || (argv.length === 4 && argv[3].toLowerCase() !== 'withscores')) return c.out.error(Err.syntax);
  const withScores = argv.length === 4;
  if (withScores && (typeof n === 'bigint' ? n < -LONG_MAX / 2n || n > LONG_MAX / 2n : false)) return c.out.error(Err.zsetOutOfRange);
  const z = readTyped<ZSet>(c, argv[1], 'zset');
  if (z === null) return;
  if (z === undefined || n === 0) return c.out.array(0);
  const count = Number(n);
  if (count < 0 || count === 1) return replyWithRepeats(c, z, Math.abs(count), withScores);
  if (count >= z.size) return replyEntries(c, wholeSet(z), withScores);
  replyEntries(c, uniqueSample(z, count), withScores);
}

/** count random members, repeats allowed, in random order (negative count, or 1). */
function replyWithRepeats(c: Client, z: ZSet, count: number, withScores: boolean): void {
  const nested = c.out.resp === 3;
  entriesHeader(c, count, withScores, nested);
  for (let i = 0; i < count; i++) {
    const slot = z.dict.randomSlot();
    replyEntry(c, z.dict.valueAt(slot), withScores, nested);
  }
}

/** The whole set, highest first: Redis's zuiNext walks a sorted set from its tail. */
function wholeSet(z: ZSet): Entry[] {
  const out: Entry[] = [];
  for (let n = z.tree.tail; n !== null; n = n.prev) out.push(n);
  return out;
}

/** count distinct members (count < size), in random order (Redis 7.0 has no listpack special case). */
function uniqueSample(z: ZSet, count: number): Entry[] {
  const size = z.size;
  const slots: number[] = [];
  if (count * 3 > size) {
    // Dense: a partial Fisher–Yates shuffle of all slots.
    const all = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i));
      [all[i], all[j]] = [all[j], all[i]];
      slots.push(all[i]);
    }
  } else {
    const seen = new Set<number>();
    while (seen.size < count) {
      const s = z.dict.randomSlot();
      if (!seen.has(s)) {
        seen.add(s);
        slots.push(s);
      }
    }
  }
  return slots.map((s) => z.dict.valueAt(s));
}

export const zsetSampleHandlers: Record<string, Handler> = {
  zscan,
  zrandmember,
};
