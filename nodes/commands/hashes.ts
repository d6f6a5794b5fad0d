/**
 * Hash commands (Redis's t_hash.c) with Redis 7.0's replies, errors and order of checks. HSCAN and
 * HRANDFIELD live in hashes-sample.ts.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { Hash } from '../types/hash.js';
import { INT64_MAX, INT64_MIN, parseInt64 } from './args.js';
import { hashSampleHandlers } from './hashes-sample.js';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble, ZERO } from './long-double.js';
import { readTyped, writeTyped } from './lookup.js';
import type { Handler } from './registry.js';

/** The hash at key for writing, or a new (not yet stored) one; null after WRONGTYPE. */
function hashForWrite(c: Client, key: string): { h: Hash; created: boolean } | null {
  const h = writeTyped<Hash>(c, key, 'hash');
  if (h === null) return null;
  return h === undefined ? { h: new Hash(), created: true } : { h, created: false };
}

/** Stores a new hash or marks an existing one written. */
function hashWritten(c: Client, key: string, h: Hash, created: boolean): void {
  if (created) c.db.set(key, h);
  else c.db.touchWrite(key);
  c.server.dirty++;
}

/** HSET / HMSET key field value [field value …]: an odd pair count is an arity error, as in Redis. */
function hsetGeneric(c: Client, argv: string[]): number | null {
  if (argv.length % 2 === 1) {
    c.out.error(Err.arity(argv[0].toLowerCase()));
    return null;
  }
  const w = hashForWrite(c, argv[1]);
  if (!w) return null;
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (w.h.set(argv[i], argv[i + 1])) created++;
  hashWritten(c, argv[1], w.h, w.created);
  return created;
}

function hset(c: Client, argv: string[]): void {
  const created = hsetGeneric(c, argv);
  if (created !== null) c.out.int(created);
}

function hmset(c: Client, argv: string[]): void {
  if (hsetGeneric(c, argv) !== null) c.out.ok();
}

function hsetnx(c: Client, argv: string[]): void {
  const w = hashForWrite(c, argv[1]);
  if (!w) return;
  if (w.h.has(argv[2])) return c.out.int(0);
  w.h.set(argv[2], argv[3]);
  hashWritten(c, argv[1], w.h, w.created);
  c.out.int(1);
}

function hget(c: Client, argv: string[]): void {
  const h = readTyped<Hash>(c, argv[1], 'hash');
  if (h !== null) c.out.bulk(h?.get(argv[2]));
}

function hmget(c: Client, argv: string[]): void {
  const h = readTyped<Hash>(c, argv[1], 'hash');
  if (h === null) return;
  c.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.out.bulk(h?.get(argv[i]));
}

function hdel(c: Client, argv: string[]): void {
  const key = argv[1];
  const h = writeTyped<Hash>(c, key, 'hash');
  if (h === null) return;
  if (h === undefined) return c.out.int(0);
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) if (h.delete(argv[i])) deleted++;
  if (deleted > 0) {
    if (h.size === 0) c.db.delete(key);
    else c.db.touchWrite(key);
    c.server.dirty++;
  }
  c.out.int(deleted);
}

/** Read commands answering an integer about the hash (0 when the key is missing). */
function readInt(f: (h: Hash, argv: string[]) => number): Handler {
  return (c, argv) => {
    const h = readTyped<Hash>(c, argv[1], 'hash');
    if (h !== null) c.out.int(h === undefined ? 0 : f(h, argv));
  };
}

/** HKEYS, HVALS, HGETALL: an array (a map in RESP3 for HGETALL) in the encoding's order. */
function hgetallGeneric(keys: boolean, values: boolean): Handler {
  return (c, argv) => {
    const h = readTyped<Hash>(c, argv[1], 'hash');
    if (h === null) return;
    const n = h?.size ?? 0;
    if (keys && values) c.out.map(n);
    else c.out.array(n);
    h?.forEach((f, v) => {
      if (keys) c.out.bulk(f);
      if (values) c.out.bulk(v);
    });
  };
}

function hincrby(c: Client, argv: string[]): void {
  const incr = parseInt64(argv[3]);
  if (incr === null) return c.out.error(Err.notInteger);
  const w = hashForWrite(c, argv[1]);
  if (!w) return;
  const cur = w.h.get(argv[2]);
  const old = cur === undefined ? 0 : parseInt64(cur);
  if (old === null) return c.out.error(Err.hashNotInteger);
  const sum = BigInt(old) + BigInt(incr);
  if (sum > INT64_MAX || sum < INT64_MIN) return c.out.error(Err.overflow);
  w.h.set(argv[2], String(sum));
  hashWritten(c, argv[1], w.h, w.created);
  c.out.int(sum);
}

function hincrbyfloat(c: Client, argv: string[]): void {
  const incr = parseLongDouble(argv[3]);
  if (incr === null) return c.out.error(Err.notFloat);
  if (incr === 'inf') return c.out.error(Err.hashIncrNanOrInf);
  const w = hashForWrite(c, argv[1]);
  if (!w) return;
  const cur = w.h.get(argv[2]);
  const old = cur === undefined ? ZERO : parseLongDouble(cur);
  if (old === null) return c.out.error(Err.hashNotFloat);
  const sum = old === 'inf' ? null : addLongDouble(old, incr);
  if (sum === null) return c.out.error(Err.incrNanOrInf);
  const text = formatLongDoubleHuman(sum);
  w.h.set(argv[2], text);
  hashWritten(c, argv[1], w.h, w.created);
  // Replicas get the formatted result, not the increment (Redis 7.0: HSET key field value).
  c.server.propagation.replace(['HSET', argv[1], argv[2], text]);
  c.out.bulk(text);
}

export const hashHandlers: Record<string, Handler> = {
  hset,
  hmset,
  hsetnx,
  hget,
  hmget,
  hdel,
  hexists: readInt((h, argv) => (h.has(argv[2]) ? 1 : 0)),
  hlen: readInt((h) => h.size),
  hstrlen: readInt((h, argv) => h.get(argv[2])?.length ?? 0),
  hkeys: hgetallGeneric(true, false),
  hvals: hgetallGeneric(false, true),
  hgetall: hgetallGeneric(true, true),
  hincrby,
  hincrbyfloat,
  ...hashSampleHandlers,
};
