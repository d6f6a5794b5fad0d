/**
 * String commands, with Redis 7's replies, error texts and order of checks (t_string.c): GET/SET
 * and their variants, the counters, ranges, MGET/MSET and LCS. GET, SET and INCR are benchmarked
 * against redis-server, so their common forms take short paths without regexes or allocations.
 */
import { constants } from 'node:buffer';
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import type { Value } from '../keyspace/types.js';
import { INT64_MAX, INT64_MIN, parseInt64, parseIntArg } from './args.js';
import { absoluteExpireMs } from './expire-args.js';
import { lookupRead } from './keys-lookup.js';
import { lcsReply } from './lcs.js';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble, ZERO } from './long-double.js';
import type { Handler } from './registry.js';

// ---- shared checks -------------------------------------------------------------------------

/** Replies WRONGTYPE when the value exists and is not a string; true when it did. */
function wrongType(c: Client, v: Value | undefined): boolean {
  if (v === undefined || typeof v === 'string') return false;
  c.out.error(Err.wrongType);
  return true;
}

/**
 * Redis's setKey: the key is looked up for writing first, so an expired one is reclaimed (and
 * counted, and its DEL propagated) before the new value replaces it; the TTL is cleared.
 */
function overwrite(c: Client, key: string, val: string): void {
  const db = c.db;
  if (db.expires.size > 0) db.expireIfNeeded(key);
  db.set(key, val);
}

/** Longest string a write may produce: proto-max-bulk-len, and V8's own limit below it. */
function maxStringLength(c: Client): number {
  return Math.min(c.server.config.get<number>('proto-max-bulk-len'), constants.MAX_STRING_LENGTH);
}

// ---- SET / GETEX options -------------------------------------------------------------------

const NX = 1;
const XX = 2;
const GET = 4;
const KEEPTTL = 8;
const PERSIST = 16;
const EX = 32;
const PX = 64;
const EXAT = 128;
const PXAT = 256;
const EXPIRES = EX | PX | EXAT | PXAT;
const EXPIRE_FLAGS: Record<string, number> = { ex: EX, px: PX, exat: EXAT, pxat: PXAT };

interface SetOptions {
  flags: number;
  /** The EX/PX/EXAT/PXAT argument, when one was given. */
  expire: string | undefined;
}

/**
 * Parses SET's (from argv[3]) or GETEX's (from argv[2]) options as Redis's
 * parseExtendedStringArgumentsOrReply does: NX/XX/GET/KEEPTTL for SET, PERSIST for GETEX, one
 * of EX/PX/EXAT/PXAT for both (repeating the same one is allowed: the last wins).
 */
function parseSetOptions(c: Client, argv: string[], forSet: boolean): SetOptions | null {
  let flags = 0;
  let expire: string | undefined;
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const hasNext = j + 1 < argv.length;
    const unit = EXPIRE_FLAGS[opt];
    if (forSet && opt === 'nx' && !(flags & XX)) flags |= NX;
    else if (forSet && opt === 'xx' && !(flags & NX)) flags |= XX;
    else if (forSet && opt === 'get') flags |= GET;
    else if (forSet && opt === 'keepttl' && !(flags & EXPIRES)) flags |= KEEPTTL;
    else if (!forSet && opt === 'persist' && !(flags & EXPIRES)) flags |= PERSIST;
    else if (unit !== undefined && hasNext && !(flags & (KEEPTTL | PERSIST | (EXPIRES & ~unit)))) {
      flags |= unit;
      expire = argv[++j];
    } else {
      c.out.error(Err.syntax);
      return null;
    }
  }
  return { flags, expire };
}

/**
 * Redis's getExpireMillisecondsOrReply: the absolute expiry time in ms for an EX/PX/EXAT/PXAT
 * argument, or null after replying with the error (not an integer, not positive, overflow).
 */
function expireAtOrReply(c: Client, cmd: string, arg: string, flags: number): number | null {
  const v = parseInt64(arg);
  if (v === null) {
    c.out.error(Err.notInteger);
    return null;
  }
  const unitMs = (flags & (EX | EXAT)) !== 0 ? 1000 : 1;
  const base = (flags & (EX | PX)) !== 0 ? Date.now() : 0;
  if (typeof v === 'number' && v > 0) {
    const ms = v * unitMs + base;
    if (Number.isSafeInteger(ms)) return ms;
  }
  // Unlike EXPIRE, SET and GETEX refuse a time that is not positive.
  const ms = v > 0 ? absoluteExpireMs(BigInt(v), unitMs, base) : null;
  if (ms === null) {
    c.out.error(Err.invalidExpire(cmd));
    return null;
  }
  return Number(ms);
}

// ---- GET / SET family ----------------------------------------------------------------------

function get(c: Client, argv: string[]): void {
  const v = lookupRead(c, argv[1], true);
  if (v === undefined) return c.out.nil();
  if (typeof v !== 'string') return c.out.error(Err.wrongType);
  c.out.bulk(v);
}

/**
 * The GET part of GETSET, GETDEL and SET … GET: replies the old value or nil and returns it (null:
 * no key), or replies WRONGTYPE and returns undefined.
 */
function getForUpdate(c: Client, key: string): string | null | undefined {
  const v = lookupRead(c, key, true);
  if (wrongType(c, v)) return undefined;
  const old = (v as string | undefined) ?? null;
  c.out.bulk(old);
  return old;
}

type SetReply = 'ok' | 'int';

/** Redis's setGenericCommand (SET, SETNX, SETEX, PSETEX). */
function setGeneric(c: Client, cmd: string, key: string, val: string, o: SetOptions, reply: SetReply): void {
  const { flags } = o;
  let when = 0;
  if (o.expire !== undefined) {
    const at = expireAtOrReply(c, cmd, o.expire, flags);
    if (at === null) return;
    when = at;
  }
  let found: boolean;
  if (flags & GET) {
    const old = getForUpdate(c, key);
    if (old === undefined) return;
    found = old !== null;
  } else {
    found = c.db.get(key) !== undefined;
  }
  if ((flags & NX && found) || (flags & XX && !found)) {
    if (!(flags & GET)) {
      if (reply === 'int') c.out.int(0);
      else c.out.nil();
    }
    return;
  }
  c.db.set(key, val, (flags & KEEPTTL) !== 0);
  if (o.expire !== undefined) {
    c.db.setExpire(key, when);
    // A relative expiry replays as an absolute one (Redis 7.0: SET key value PXAT ms).
    if (!(flags & PXAT)) c.server.propagation.replace(['SET', key, val, 'PXAT', String(when)]);
  }
  c.server.dirty++;
  if (flags & GET) return;
  if (reply === 'int') c.out.int(1);
  else c.out.ok();
}

function set(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    overwrite(c, argv[1], argv[2]);
    c.server.dirty++;
    return c.out.ok();
  }
  const o = parseSetOptions(c, argv, true);
  if (o) setGeneric(c, 'set', argv[1], argv[2], o, 'ok');
}

function getex(c: Client, argv: string[]): void {
  const o = parseSetOptions(c, argv, false);
  if (!o) return;
  const key = argv[1];
  const v = lookupRead(c, key, true);
  if (v === undefined) return c.out.nil();
  if (wrongType(c, v)) return;
  let when = 0;
  if (o.expire !== undefined) {
    const at = expireAtOrReply(c, 'getex', o.expire, o.flags);
    if (at === null) return;
    when = at;
  }
  c.out.bulk(v as string);
  if ((o.flags & (EXAT | PXAT)) !== 0 && when <= Date.now()) {
    // An absolute time already past: the key goes now (Redis propagates a DEL).
    c.db.delete(key);
    c.server.propagation.replace(['DEL', key]);
    c.server.dirty++;
  } else if (o.expire !== undefined) {
    c.db.setExpire(key, when);
    c.server.propagation.replace(['PEXPIREAT', key, String(when)]);
    c.server.dirty++;
  } else if ((o.flags & PERSIST) !== 0 && c.db.removeExpire(key)) {
    c.server.propagation.replace(['PERSIST', key]);
    c.server.dirty++;
  }
}

function getset(c: Client, argv: string[]): void {
  if (getForUpdate(c, argv[1]) === undefined) return;
  c.db.set(argv[1], argv[2]);
  c.server.dirty++;
}

function getdel(c: Client, argv: string[]): void {
  if (typeof getForUpdate(c, argv[1]) === 'string' && c.db.delete(argv[1])) {
    c.server.propagation.replace(['DEL', argv[1]]);
    c.server.dirty++;
  }
}

function mget(c: Client, argv: string[]): void {
  c.out.array(argv.length - 1);
  for (let j = 1; j < argv.length; j++) {
    const v = lookupRead(c, argv[j], true);
    c.out.bulk(typeof v === 'string' ? v : null);
  }
}

function msetGeneric(c: Client, argv: string[], nx: boolean): void {
  if (argv.length % 2 === 0) return c.out.error(Err.arity(nx ? 'msetnx' : 'mset'));
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (c.db.get(argv[j]) !== undefined) return c.out.int(0);
    }
  }
  for (let j = 1; j < argv.length; j += 2) overwrite(c, argv[j], argv[j + 1]);
  c.server.dirty += (argv.length - 1) / 2;
  if (nx) c.out.int(1);
  else c.out.ok();
}

// ---- APPEND / STRLEN / ranges --------------------------------------------------------------

function append(c: Client, argv: string[]): void {
  const key = argv[1];
  const add = argv[2];
  const cur = c.db.get(key);
  if (wrongType(c, cur)) return;
  let next = add;
  if (cur !== undefined) {
    if ((cur as string).length + add.length > maxStringLength(c)) return c.out.error(Err.stringTooLong);
    next = cur + add;
  }
  c.db.set(key, next, true);
  c.server.dirty++;
  c.out.int(next.length);
}

function strlen(c: Client, argv: string[]): void {
  const v = lookupRead(c, argv[1], true);
  if (wrongType(c, v)) return;
  c.out.int(v === undefined ? 0 : (v as string).length);
}

function getrange(c: Client, argv: string[]): void {
  let start = parseIntArg(argv[2]);
  let end = parseIntArg(argv[3]);
  if (start === null || end === null) return c.out.error(Err.notInteger);
  const v = lookupRead(c, argv[1], true);
  if (v === undefined) return c.out.bulk('');
  if (wrongType(c, v)) return;
  const s = v as string;
  const n = s.length;
  if (start < 0 && end < 0 && start > end) return c.out.bulk('');
  if (start < 0) start = Math.max(0, n + start);
  if (end < 0) end = Math.max(0, n + end);
  if (end >= n) end = n - 1;
  c.out.bulk(start > end || n === 0 ? '' : s.slice(start, end + 1));
}

function setrange(c: Client, argv: string[]): void {
  const key = argv[1];
  const val = argv[3];
  const offset = parseIntArg(argv[2]);
  if (offset === null) return c.out.error(Err.notInteger);
  if (offset < 0) return c.out.error(Err.offsetOutOfRange);
  const cur = c.db.get(key);
  if (wrongType(c, cur)) return;
  const s = (cur as string | undefined) ?? '';
  // Writing nothing changes nothing (and creates no key): reply the current length.
  if (val.length === 0) return c.out.int(s.length);
  if (offset + val.length > maxStringLength(c)) return c.out.error(Err.stringTooLong);
  const head = offset <= s.length ? s.slice(0, offset) : s + '\0'.repeat(offset - s.length);
  const end = offset + val.length;
  const next = end < s.length ? head + val + s.slice(end) : head + val;
  c.db.set(key, next, true);
  c.server.dirty++;
  c.out.int(next.length);
}

// ---- counters ------------------------------------------------------------------------------

/**
 * Redis's string2ll, as parseInt64 in args.ts, with a loop instead of a regex for the short
 * values INCR meets almost always; longer ones go to parseInt64 for exact 64-bit handling.
 */
function parseCounter(s: string): number | bigint | null {
  const n = s.length;
  if (n > 15) return parseInt64(s);
  if (n === 0) return null;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return null;
    i = 1;
  }
  // No leading zeros, and "0" only alone ("-0" and "01" are not integers to Redis).
  if (s.charCodeAt(i) === 48) return n === 1 ? 0 : null;
  let v = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return s.charCodeAt(0) === 45 ? -v : v;
}

/** Adds exactly; null when the result leaves the signed 64-bit range. */
function addInt64(a: number | bigint, b: number | bigint): number | bigint | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    // Both are safe integers: the sum is exact whenever it is itself safe.
    if (Number.isSafeInteger(r)) return r;
  }
  const r = BigInt(a) + BigInt(b);
  return r > INT64_MAX || r < INT64_MIN ? null : r;
}

/** Redis's incrDecrCommand; the TTL is kept. */
function incrBy(c: Client, key: string, by: number | bigint): void {
  const cur = c.db.get(key);
  let n: number | bigint = 0;
  if (cur !== undefined) {
    if (typeof cur !== 'string') return c.out.error(Err.wrongType);
    const p = parseCounter(cur);
    if (p === null) return c.out.error(Err.notInteger);
    n = p;
  }
  const r = addInt64(n, by);
  if (r === null) return c.out.error(Err.overflow);
  c.db.set(key, String(r), true);
  c.server.dirty++;
  c.out.int(r);
}

/** INCRBY and DECRBY parse the increment before they look at the key. */
function incrby(c: Client, argv: string[]): void {
  const by = parseCounter(argv[2]);
  if (by === null) return c.out.error(Err.notInteger);
  incrBy(c, argv[1], by);
}

function decrby(c: Client, argv: string[]): void {
  const by = parseCounter(argv[2]);
  if (by === null) return c.out.error(Err.notInteger);
  // -INT64_MIN does not fit: Redis refuses it with its own message.
  if (by === INT64_MIN) return c.out.error(Err.decrementOverflow);
  incrBy(c, argv[1], typeof by === 'bigint' ? -by : -by); // narrowed: unary minus needs one type
}

/** Redis's incrbyfloatCommand: long double arithmetic and printing; the TTL is kept. */
function incrbyfloat(c: Client, argv: string[]): void {
  const key = argv[1];
  const cur = c.db.get(key);
  if (wrongType(c, cur)) return;
  const a = cur === undefined ? ZERO : parseLongDouble(cur as string);
  const b = parseLongDouble(argv[2]);
  if (a === null || b === null) return c.out.error(Err.notFloat);
  const sum = a === 'inf' || b === 'inf' ? null : addLongDouble(a, b);
  if (sum === null) return c.out.error(Err.incrNanOrInf);
  const text = formatLongDoubleHuman(sum);
  c.db.set(key, text, true);
  // Float formatting must not differ between nodes: replicas get the result (Redis 7.0 does).
  c.server.propagation.replace(['SET', key, text, 'KEEPTTL']);
  c.server.dirty++;
  c.out.bulk(text);
}

// ---- LCS -----------------------------------------------------------------------------------

function lcs(c: Client, argv: string[]): void {
  const a = lookupRead(c, argv[1], true);
  const b = lookupRead(c, argv[2], true);
  if ((a !== undefined && typeof a !== 'string') || (b !== undefined && typeof b !== 'string')) {
    return c.out.error(Err.lcsWrongType);
  }
  lcsReply(c, argv, a ?? '', b ?? '');
}

export const stringHandlers: Record<string, Handler> = {
  get,
  set,
  setnx: (c, argv) => setGeneric(c, 'setnx', argv[1], argv[2], { flags: NX, expire: undefined }, 'int'),
  setex: (c, argv) => setGeneric(c, 'setex', argv[1], argv[3], { flags: EX, expire: argv[2] }, 'ok'),
  psetex: (c, argv) => setGeneric(c, 'psetex', argv[1], argv[3], { flags: PX, expire: argv[2] }, 'ok'),
  getex,
  getset,
  getdel,
  mget,
  mset: (c, argv) => msetGeneric(c, argv, false),
  msetnx: (c, argv) => msetGeneric(c, argv, true),
  append,
  strlen,
  incr: (c, argv) => incrBy(c, argv[1], 1),
  decr: (c, argv) => incrBy(c, argv[1], -1),
  incrby,
  decrby,
  incrbyfloat,
  getrange,
  substr: getrange,
  setrange,
  lcs,
};
