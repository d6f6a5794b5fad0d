/** Commands that involve whole databases or two of them: COPY MOVE SWAPDB FLUSHDB FLUSHALL. */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import type { Db } from '../keyspace/db.js';
import { parseInt64 } from './args.js';
import { lookupRead } from './keys-lookup.js';
import type { Handler } from './registry.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** Redis's getIntFromObjectOrReply: a C int, else `msg` (or its generic texts). */
function parseCInt(s: string, msg?: string): number | string {
  const v = parseInt64(s);
  if (v === null) return msg ?? Err.notInteger;
  if (v < INT_MIN || v > INT_MAX) return msg ?? Err.intOutOfRange;
  return Number(v);
}

/** The database a DB-index argument names, or the error text. */
function targetDb(c: Client, arg: string): Db | string {
  const id = parseCInt(arg);
  if (typeof id === 'string') return id;
  return id >= 0 && id < c.server.dbs.length ? c.server.dbs[id] : Err.dbIndexOutOfRange;
}

function clusterMode(c: Client): boolean {
  return c.server.config.get<boolean>('cluster-enabled');
}

/** COPY src dst [DB n] [REPLACE]: aggregates are deep-copied; the TTL is copied too. */
function copy(c: Client, argv: string[]): void {
  let replace = false;
  let dst = c.db;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    if (opt === 'replace') {
      replace = true;
    } else if (opt === 'db' && i + 1 < argv.length) {
      const db = targetDb(c, argv[++i]);
      if (typeof db === 'string') return c.out.error(db);
      dst = db;
    } else {
      return c.out.error(Err.syntax);
    }
  }
  if (clusterMode(c) && (c.db.id !== 0 || dst.id !== 0)) return c.out.error(Err.copyInClusterMode);
  const [, key, newKey] = argv;
  if (dst === c.db && key === newKey) return c.out.error(Err.sourceDestSame);
  const v = lookupRead(c, key, true);
  if (v === undefined) return c.out.int(0);
  const expire = c.db.getExpire(key);
  if (dst.get(newKey) !== undefined) {
    if (!replace) return c.out.int(0);
    dst.delete(newKey);
  }
  dst.set(newKey, typeof v === 'string' ? v : v.clone());
  if (expire !== undefined) dst.setExpire(newKey, expire);
  c.server.dirty++;
  c.out.int(1);
}

/** MOVE key db: fails (0) when the key already exists there; TTL and access clock move along. */
function move(c: Client, argv: string[]): void {
  if (clusterMode(c)) return c.out.error(Err.moveInClusterMode);
  const dst = targetDb(c, argv[2]);
  if (typeof dst === 'string') return c.out.error(dst);
  const src = c.db;
  if (dst === src) return c.out.error(Err.sourceDestSame);
  const key = argv[1];
  const v = src.get(key);
  if (v === undefined) return c.out.int(0);
  if (dst.get(key) !== undefined) return c.out.int(0);
  const expire = src.getExpire(key);
  dst.set(key, v);
  dst.setClock(key, src.clockOf(key));
  if (expire !== undefined) dst.setExpire(key, expire);
  src.delete(key);
  c.server.dirty++;
  c.out.int(1);
}

/** SWAPDB a b: contents swap; clients stay on their index, so they see the other contents. */
function swapdb(c: Client, argv: string[]): void {
  if (clusterMode(c)) return c.out.error(Err.swapdbInClusterMode);
  const a = parseCInt(argv[1], Err.invalidFirstDb);
  if (typeof a === 'string') return c.out.error(a);
  const b = parseCInt(argv[2], Err.invalidSecondDb);
  if (typeof b === 'string') return c.out.error(b);
  const dbs = c.server.dbs;
  if (a < 0 || a >= dbs.length || b < 0 || b >= dbs.length) return c.out.error(Err.dbIndexOutOfRange);
  if (a !== b) dbs[a].swapWith(dbs[b]);
  c.server.dirty++;
  c.out.ok();
}

/** FLUSHDB / FLUSHALL take nothing, ASYNC or SYNC. */
function flushArgsOk(argv: readonly string[]): boolean {
  if (argv.length === 1) return true;
  const mode = argv.length === 2 ? argv[1].toLowerCase() : '';
  return mode === 'async' || mode === 'sync';
}

/**
 * Empties one database and returns how many keys it held. ASYNC and SYNC are the same here:
 * Db.clear() swaps in fresh tables in O(1) and the old ones are left to the garbage collector,
 * which is what Redis's lazy free achieves with a background thread.
 */
function empty(db: Db): number {
  const removed = db.size;
  db.clear();
  return removed;
}

function flushdb(c: Client, argv: string[]): void {
  if (!flushArgsOk(argv)) return c.out.error(Err.syntax);
  const removed = empty(c.db);
  c.server.dirty += removed;
  // Redis propagates FLUSHDB even when nothing was removed (forceCommandPropagation); dispatch
  // propagates only commands that changed `dirty`, so an empty flush is propagated here.
  if (removed === 0) c.server.propagation.also(c.db.id, argv);
  c.out.ok();
}

function flushall(c: Client, argv: string[]): void {
  if (!flushArgsOk(argv)) return c.out.error(Err.syntax);
  let removed = 0;
  for (const db of c.server.dbs) removed += empty(db);
  c.server.persistence.afterFlushAll();
  // Redis adds one more for FLUSHALL itself, so it is always propagated.
  c.server.dirty += removed + 1;
  c.out.ok();
}

export const dbHandlers: Record<string, Handler> = { copy, move, swapdb, flushdb, flushall };
