/**
 * Generic keyspace commands. The per-key basics live here; SCAN/KEYS, expiry, the commands that
 * cross databases and OBJECT are in the keys-*.ts modules beside this one and merged into one map.
 * Types are read through typeName()/DataObject only, so lists, hashes … work here once they exist.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { typeName } from '../keyspace/types.js';
import { dbHandlers } from './keys-db.js';
import { expireHandlers } from './keys-expire.js';
import { lookupRead } from './keys-lookup.js';
import { objectHandlers } from './keys-object.js';
import { scanHandlers } from './keys-scan.js';
import type { Handler } from './registry.js';

/** DEL and UNLINK alike: JS frees values in the GC's own time, so UNLINK's lazy free is implicit. */
function del(c: Client, argv: string[]): void {
  const db = c.db;
  let deleted = 0;
  for (let i = 1; i < argv.length; i++) {
    // As Redis: an expired key is reclaimed first, so it does not count as deleted.
    db.expireIfNeeded(argv[i]);
    if (db.delete(argv[i])) {
      deleted++;
      c.server.dirty++;
    }
  }
  c.out.int(deleted);
}

/** EXISTS (no touch) and TOUCH (touch): how many of the arguments exist, repeats counted. */
function countExisting(touch: boolean): Handler {
  return (c, argv) => {
    let n = 0;
    for (let i = 1; i < argv.length; i++) if (lookupRead(c, argv[i], touch) !== undefined) n++;
    c.out.int(n);
  };
}

function type(c: Client, argv: string[]): void {
  const v = lookupRead(c, argv[1], false);
  c.out.simple(v === undefined ? 'none' : typeName(v));
}

/** RENAME / RENAMENX: the value moves with its TTL and access clock (it is the same object). */
function rename(nx: boolean): Handler {
  return (c, argv) => {
    const db = c.db;
    const [, src, dst] = argv;
    const v = db.get(src);
    if (v === undefined) return c.out.error(Err.noSuchKey);
    if (src === dst) return nx ? c.out.int(0) : c.out.ok();
    const expire = db.getExpire(src);
    const clock = db.clockOf(src);
    if (db.get(dst) !== undefined) {
      if (nx) return c.out.int(0);
      db.delete(dst);
    }
    db.set(dst, v);
    db.setClock(dst, clock);
    if (expire !== undefined) db.setExpire(dst, expire);
    db.delete(src);
    c.server.dirty++;
    nx ? c.out.int(1) : c.out.ok();
  };
}

/** Bounded tries when expired keys cannot be deleted here (a replica waits for its master's DEL). */
const RANDOMKEY_TRIES = 100;

/**
 * RANDOMKEY as Redis's dbRandomKey: an expired pick is reclaimed and another drawn. Where expired
 * keys stay (replica) and every key is volatile, all could be expired: after a bounded number of
 * tries the last pick is returned anyway rather than looping forever.
 */
function randomkey(c: Client): void {
  const db = c.db;
  const allVolatile = db.dict.size === db.expires.size;
  let tries = RANDOMKEY_TRIES;
  for (;;) {
    const key = db.dict.randomKey();
    if (key === undefined) return c.out.nil();
    if (!db.expireIfNeeded(key)) return c.out.bulk(key);
    if (db.dict.has(key) && allVolatile && --tries === 0) return c.out.bulk(key);
  }
}

export const keyHandlers: Record<string, Handler> = {
  del,
  unlink: del,
  exists: countExisting(false),
  touch: countExisting(true),
  type,
  rename: rename(false),
  renamenx: rename(true),
  randomkey,
  dbsize: (c) => c.out.int(c.db.size),
  ...scanHandlers,
  ...expireHandlers,
  ...dbHandlers,
  ...objectHandlers,
};
