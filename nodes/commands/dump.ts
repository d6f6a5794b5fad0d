/**
 * DUMP and RESTORE with Redis 7.0's options, order of checks and error texts (cluster.c). The
 * payload is slotgate's own (nodes/persistence/serialize.ts: type byte, value, version, CRC-64),
 * so payloads do not move between slotgate and Redis, but every reply around them is Redis's.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { lfuInit, lruClock, LRU_CLOCK_MAX } from '../keyspace/lru.js';
import { canSerialize, dumpPayload, restorePayload } from '../persistence/serialize.js';
import { parseInt64 } from './args.js';
import { lookupRead } from './keys-lookup.js';
import type { Handler } from './registry.js';

function dump(c: Client, argv: string[]): void {
  const v = lookupRead(c, argv[1], true);
  if (v === undefined) return c.out.nil();
  if (!canSerialize(v)) return c.out.error(Err.dumpTypeUnsupported);
  c.out.bulk(dumpPayload(v));
}

interface RestoreOptions {
  replace: boolean;
  absttl: boolean;
  idle: number;
  freq: number;
}

function fail(c: Client, msg: string): null {
  c.out.error(msg);
  return null;
}

/** REPLACE ABSTTL IDLETIME FREQ (IDLETIME and FREQ exclude each other); null after an error. */
function parseOptions(c: Client, argv: string[]): RestoreOptions | null {
  const o: RestoreOptions = { replace: false, absttl: false, idle: -1, freq: -1 };
  for (let j = 4; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = argv.length - j - 1 >= 1;
    if (opt === 'replace') o.replace = true;
    else if (opt === 'absttl') o.absttl = true;
    else if (opt === 'idletime' && more && o.freq === -1) {
      const v = parseInt64(argv[++j]);
      if (v === null) return fail(c, Err.notInteger);
      if (v < 0) return fail(c, Err.restoreBadIdletime);
      o.idle = Number(v);
    } else if (opt === 'freq' && more && o.idle === -1) {
      const v = parseInt64(argv[++j]);
      if (v === null) return fail(c, Err.notInteger);
      if (v < 0 || v > 255) return fail(c, Err.restoreBadFreq);
      o.freq = Number(v);
    } else {
      return fail(c, Err.syntax);
    }
  }
  return o;
}

/** objectSetLRUOrLFU: FREQ under an LFU policy, IDLETIME otherwise; else the fresh clock stays. */
function setAccessClock(c: Client, key: string, o: RestoreOptions, now: number): void {
  const lfu = c.server.config.get<string>('maxmemory-policy').endsWith('-lfu');
  if (lfu) {
    if (o.freq >= 0) c.db.setClock(key, (lfuInit(now) & ~0xff) | o.freq);
  } else if (o.idle >= 0) {
    let clock = lruClock(now) - o.idle;
    if (clock < 0) clock += LRU_CLOCK_MAX;
    c.db.setClock(key, clock);
  }
}

function restore(c: Client, argv: string[]): void {
  const o = parseOptions(c, argv);
  if (o === null) return;
  const key = argv[1];
  if (!o.replace && c.db.get(key) !== undefined) return c.out.error(Err.busyKey);
  const ttlArg = parseInt64(argv[2]);
  if (ttlArg === null) return c.out.error(Err.notInteger);
  if (ttlArg < 0) return c.out.error(Err.restoreBadTtl);
  const loaded = restorePayload(argv[3]);
  if ('error' in loaded) return c.out.error(loaded.error === 'checksum' ? Err.dumpPayloadWrong : Err.dumpBadDataFormat);
  const now = Date.now();
  const deleted = o.replace && c.db.delete(key);
  let ttl = Number(ttlArg);
  if (ttl !== 0 && !o.absttl) ttl += now;
  if (ttl !== 0 && ttl <= now) {
    // Already expired: nothing is stored; a replaced key counts as a deletion.
    if (deleted) {
      c.server.propagation.replace(['DEL', key]);
      c.server.dirty++;
    }
    return c.out.ok();
  }
  c.db.set(key, loaded.value);
  if (ttl !== 0) c.db.setExpire(key, ttl);
  // A relative TTL replays as an absolute one (Redis 7.0 appends ABSTTL).
  if (ttl !== 0 && !o.absttl && c.server.propagation.active) {
    const replay = argv.slice();
    replay[2] = String(ttl);
    replay.push('ABSTTL');
    c.server.propagation.replace(replay);
  }
  setAccessClock(c, key, o, now);
  c.server.dirty++;
  c.out.ok();
}

export const dumpHandlers: Record<string, Handler> = { dump, restore };
