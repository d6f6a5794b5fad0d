/**
 * Expiry commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT, TTL PTTL EXPIRETIME PEXPIRETIME, PERSIST.
 * Expiry times are absolute ms in Db.expires (JS numbers: exact up to 2^53 ms, year 287396).
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { parseInt64 } from './args.js';
import { absoluteExpireMs, expireFlagsAllow, parseExpireFlags } from './expire-args.js';
import { lookupRead } from './keys-lookup.js';
import type { Handler } from './registry.js';

/**
 * One of the four setters. `name` is Redis's command name for the overflow error (whatever case
 * or rename the client used); `relative` adds the current time, `unitMs` scales seconds.
 *
 * Propagated as Redis 7.0 does: PEXPIREAT <absolute ms>, or DEL when the time is already past.
 */
function expireGeneric(name: string, unitMs: 1 | 1000, relative: boolean): Handler {
  return (c, argv) => {
    const flags = parseExpireFlags(argv);
    if (typeof flags === 'string') return c.out.error(flags);
    const raw = parseInt64(argv[2]);
    if (raw === null) return c.out.error(Err.notInteger);
    const now = Date.now();
    const when = absoluteExpireMs(BigInt(raw), unitMs, relative ? now : 0);
    if (when === null) return c.out.error(Err.invalidExpire(name));
    const db = c.db;
    const key = argv[1];
    if (db.get(key) === undefined) return c.out.int(0);
    if (flags !== 0 && !expireFlagsAllow(flags, db.getExpire(key), when)) return c.out.int(0);
    // A time already past deletes the key at once, as Redis does on a master (a replica keeps it
    // for its master's DEL).
    if (when <= BigInt(now) && c.server.role === 'master') {
      db.delete(key);
      c.server.propagation.replace(['DEL', key]);
    } else {
      db.setExpire(key, Number(when));
      c.server.propagation.replace(['PEXPIREAT', key, String(when)]);
    }
    c.server.dirty++;
    c.out.int(1);
  };
}

/** TTL family: -2 when the key is missing, -1 without expiry; seconds are rounded as Redis does. */
function ttlGeneric(ms: boolean, absolute: boolean): Handler {
  return (c, argv) => {
    const key = argv[1];
    if (lookupRead(c, key, false) === undefined) return c.out.int(-2);
    const when = c.db.getExpire(key);
    if (when === undefined) return c.out.int(-1);
    const ttl = Math.max(0, absolute ? when : when - Date.now());
    c.out.int(ms ? ttl : Math.floor((ttl + 500) / 1000));
  };
}

function persist(c: Client, argv: string[]): void {
  const db = c.db;
  if (db.get(argv[1]) === undefined || !db.removeExpire(argv[1])) return c.out.int(0);
  c.server.dirty++;
  c.out.int(1);
}

export const expireHandlers: Record<string, Handler> = {
  expire: expireGeneric('expire', 1000, true),
  pexpire: expireGeneric('pexpire', 1, true),
  expireat: expireGeneric('expireat', 1000, false),
  pexpireat: expireGeneric('pexpireat', 1, false),
  ttl: ttlGeneric(false, false),
  pttl: ttlGeneric(true, false),
  expiretime: ttlGeneric(false, true),
  pexpiretime: ttlGeneric(true, true),
  persist,
};
