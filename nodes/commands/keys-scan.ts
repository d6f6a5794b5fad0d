/**
 * KEYS and SCAN. SCAN walks the Dict's cursor (see dict.ts for why every key present for the whole
 * scan comes back at least once); its argument parsing is exported for HSCAN/SSCAN/ZSCAN later.
 */
import { Err } from '../../lib/errors.js';
import { globMatch } from '../../lib/glob.js';
import type { Client } from '../client.js';
import { typeName } from '../keyspace/types.js';
import { parseInt64 } from './args.js';
import { lookupRead } from './keys-lookup.js';
import type { Handler } from './registry.js';

const ULONG_MAX = (1n << 64n) - 1n;

/**
 * A SCAN cursor, read as Redis reads it with strtoul: decimal digits after an optional sign (a '-'
 * wraps around modulo 2^64), no leading space, nothing after, at most ULONG_MAX. The empty string
 * is cursor 0, as strtoul leaves it. Null when invalid.
 */
export function parseScanCursor(s: string): bigint | null {
  if (s === '') return 0n;
  const m = /^([+-]?)([0-9]+)$/.exec(s);
  if (!m) return null;
  const v = BigInt(m[2]);
  if (v > ULONG_MAX) return null;
  return m[1] === '-' && v !== 0n ? ULONG_MAX + 1n - v : v;
}

export interface ScanOptions {
  count: number;
  /** null when absent or "*" (matches everything, so Redis skips matching). */
  pattern: string | null;
  type: string | null;
}

/** COUNT / MATCH / TYPE from argv[from..]; TYPE only where allowed (the keyspace). Error text or options. */
export function parseScanOptions(argv: readonly string[], from: number, allowType: boolean): ScanOptions | string {
  const opts: ScanOptions = { count: 10, pattern: null, type: null };
  for (let i = from; i < argv.length; i += 2) {
    const opt = argv[i].toLowerCase();
    const hasValue = i + 1 < argv.length;
    if (opt === 'count' && hasValue) {
      const n = parseInt64(argv[i + 1]);
      if (n === null) return Err.notInteger;
      if (n < 1) return Err.syntax;
      opts.count = Number(n);
    } else if (opt === 'match' && hasValue) {
      opts.pattern = argv[i + 1] === '*' ? null : argv[i + 1];
    } else if (opt === 'type' && allowType && hasValue) {
      opts.type = argv[i + 1].toLowerCase();
    } else {
      return Err.syntax;
    }
  }
  return opts;
}

function scan(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[1]);
  if (cursor === null) return c.out.error(Err.invalidCursor);
  const opts = parseScanOptions(argv, 2, true);
  if (typeof opts === 'string') return c.out.error(opts);
  // Collect first, filter after: filtering may reclaim expired keys, which moves Dict slots.
  const found: string[] = [];
  const next = c.db.dict.scan(Number(cursor), opts.count, (key) => found.push(key));
  const keys: string[] = [];
  for (const key of found) {
    if (opts.pattern !== null && !globMatch(opts.pattern, key)) continue;
    if (opts.type !== null && scanTypeOf(c, key) !== opts.type) continue;
    if (c.db.expireIfNeeded(key)) continue;
    keys.push(key);
  }
  c.out.array(2);
  c.out.bulk(String(next));
  c.out.bulks(keys);
}

/** The type SCAN's TYPE filter compares with: Redis looks the key up (no touch), "none" if gone. */
function scanTypeOf(c: Client, key: string): string {
  const v = lookupRead(c, key, false);
  return v === undefined ? 'none' : typeName(v);
}

/** KEYS skips logically expired keys without reclaiming them, as Redis does. */
function keys(c: Client, argv: string[]): void {
  const pattern = argv[1];
  const all = pattern === '*';
  const db = c.db;
  const out: string[] = [];
  for (const key of db.dict.keys()) {
    if ((all || globMatch(pattern, key)) && !db.isExpired(key)) out.push(key);
  }
  c.out.bulks(out);
}

export const scanHandlers: Record<string, Handler> = { scan, keys };
