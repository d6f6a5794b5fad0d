/**
 * HSCAN and HRANDFIELD: the hash commands that walk or sample a hash rather than address fields.
 */
import { Err } from '../../lib/errors.js';
import { globMatch } from '../../lib/glob.js';
import type { Client } from '../client.js';
import type { Hash, Visit } from '../types/hash.js';
import { parseInt64 } from './args.js';
import { parseScanCursor, parseScanOptions } from './keys-scan.js';
import { readTyped } from './lookup.js';
import type { Handler } from './registry.js';

const LONG_MAX = 2n ** 63n - 1n;
/**
 * Largest |count| served. Redis has no bound without WITHVALUES and builds the reply until the
 * process runs out of memory; a node refuses instead, with the error WITHVALUES gets beyond its
 * own bound (LONG_MAX / 2).
 */
const MAX_SAMPLES = 2 ** 24;

/** HSCAN key cursor [MATCH p] [COUNT n]: options are only parsed when the key exists, as in Redis. */
function hscan(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]);
  if (cursor === null) return c.out.error(Err.invalidCursor);
  const h = readTyped<Hash>(c, argv[1], 'hash');
  if (h === null) return;
  if (h === undefined) return emptyScan(c);
  const opts = parseScanOptions(argv, 3, false);
  if (typeof opts === 'string') return c.out.error(opts);
  const found: string[] = [];
  const next = h.scan(Number(cursor), opts.count, (f, v) => {
    if (opts.pattern === null || globMatch(opts.pattern, f)) found.push(f, v);
  });
  c.out.array(2);
  c.out.bulk(String(next));
  c.out.bulks(found);
}

function emptyScan(c: Client): void {
  c.out.array(2);
  c.out.bulk('0');
  c.out.array(0);
}

/** HRANDFIELD key [count [WITHVALUES]]: count parsed, then the option, then the key looked up. */
function hrandfield(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    const h = readTyped<Hash>(c, argv[1], 'hash');
    if (h === null) return;
    if (h === undefined) return c.out.nil();
    return h.sampleWithRepeats(1, (f) => c.out.bulk(f));
  }
  const n = parseInt64(argv[2]);
  if (n === null) return c.out.error(Err.notInteger);
  if (BigInt(n) < -LONG_MAX) return c.out.error(Err.hrandfieldCountRange);
  if (argv.length > 4 || (argv.length === 4 && argv[3].toLowerCase() !== 'withvalues')) return c.out.error(Err.syntax);
  const withValues = argv.length === 4;
  const count = Number(n);
  if (withValues && (BigInt(n) < -LONG_MAX / 2n || BigInt(n) > LONG_MAX / 2n)) return c.out.error(Err.hrandfieldOutOfRange);
  const h = readTyped<Hash>(c, argv[1], 'hash');
  if (h === null) return;
  if (h === undefined || count === 0) return c.out.array(0);
  if (count < -MAX_SAMPLES) return c.out.error(Err.hrandfieldOutOfRange);
  randomFields(c, h, count, withValues);
}

/**
 * Redis's cases: a negative count samples with repeats (random order); a count at least the size
 * returns the whole hash; otherwise distinct fields. RESP2 flattens WITHVALUES pairs, RESP3 nests
 * each [field, value].
 */
function randomFields(c: Client, h: Hash, count: number, withValues: boolean): void {
  const repeats = count < 0 || count === 1;
  const n = repeats ? Math.abs(count) : Math.min(count, h.size);
  const nested = withValues && c.out.resp === 3;
  c.out.array(withValues && !nested ? n * 2 : n);
  const visit: Visit = (f, v) => {
    if (nested) c.out.array(2);
    c.out.bulk(f);
    if (withValues) c.out.bulk(v);
  };
  if (repeats) h.sampleWithRepeats(n, visit);
  else if (count >= h.size) h.forEach(visit);
  else h.sampleDistinct(count, visit);
}

export const hashSampleHandlers: Record<string, Handler> = { hscan, hrandfield };
