/**
 * PFADD, PFCOUNT, PFMERGE with Redis 7.0's semantics (hyperloglog.c). An HLL is an ordinary string
 * value in Redis's own format (nodes/types/hll.ts), so GET, DUMP, APPEND … see it as a string;
 * updating it in place keeps the key's TTL. PFCOUNT on one key caches the cardinality in the
 * header, which is a write (propagated) when the cache was stale, as in Redis.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import type { Value } from '../keyspace/types.js';
import { countFromHistogram, Hll, HLL_REGISTERS, rawHistogram } from '../types/hll.js';
import { lookupRead } from './keys-lookup.js';
import type { Handler } from './registry.js';

/** The HLL in a value, or null after replying WRONGTYPE (another type, or not an HLL string). */
function hllOrReply(c: Client, v: Value): Hll | null {
  if (typeof v !== 'string') {
    c.out.error(Err.wrongType);
    return null;
  }
  const hll = Hll.parse(v);
  if (hll === null) c.out.error(Err.hllWrongType);
  return hll;
}

/** Stores an HLL updated in place (the TTL stays). */
function save(c: Client, key: string, hll: Hll): void {
  c.db.set(key, hll.toString(), true);
}

function pfadd(c: Client, argv: string[]): void {
  const key = argv[1];
  const cur = c.db.get(key);
  let hll: Hll | null;
  let updated = 0;
  if (cur === undefined) {
    hll = Hll.empty();
    updated++;
  } else {
    hll = hllOrReply(c, cur);
    if (hll === null) return;
  }
  for (let j = 2; j < argv.length; j++) {
    const r = hll.add(argv[j]);
    if (r < 0) return c.out.error(Err.hllCorrupted);
    updated += r;
  }
  if (updated > 0) {
    hll.invalidateCache();
    save(c, key, hll);
    c.server.dirty += updated;
  }
  c.out.int(updated > 0 ? 1 : 0);
}

function pfcount(c: Client, argv: string[]): void {
  if (argv.length > 2) return pfcountUnion(c, argv.slice(1));
  const key = argv[1];
  const v = lookupRead(c, key, true);
  if (v === undefined) return c.out.int(0);
  const hll = hllOrReply(c, v);
  if (hll === null) return;
  const cached = hll.cachedCount();
  if (cached !== null) return c.out.int(cached);
  const histo = hll.histogram();
  if (histo === null) return c.out.error(Err.hllCorrupted);
  const card = countFromHistogram(histo);
  hll.setCachedCount(card);
  save(c, key, hll);
  c.server.dirty++;
  c.out.int(card);
}

/** Registers merged (max of each) over the HLLs at `keys`; null after an error reply. */
function mergedRegisters(c: Client, keys: readonly string[], onDense?: () => void): Uint8Array | null {
  const max = new Uint8Array(HLL_REGISTERS);
  for (const key of keys) {
    const v = lookupRead(c, key, true);
    if (v === undefined) continue;
    const hll = hllOrReply(c, v);
    if (hll === null) return null;
    if (hll.isDense) onDense?.();
    if (!hll.mergeInto(max)) {
      c.out.error(Err.hllCorrupted);
      return null;
    }
  }
  return max;
}

/** PFCOUNT over several keys: the cardinality of their union; nothing is cached. */
function pfcountUnion(c: Client, keys: string[]): void {
  const max = mergedRegisters(c, keys);
  if (max !== null) c.out.int(countFromHistogram(rawHistogram(max)));
}

function pfmerge(c: Client, argv: string[]): void {
  const dstKey = argv[1];
  let useDense = false;
  // The destination is one of the sources, as in Redis.
  const max = mergedRegisters(c, argv.slice(1), () => {
    useDense = true;
  });
  if (max === null) return;
  const cur = c.db.get(dstKey);
  // An existing destination was validated as a source above.
  const dst = cur === undefined ? Hll.empty() : Hll.parse(cur as string)!;
  if (useDense && !dst.toDense()) return c.out.error(Err.hllCorrupted);
  for (let i = 0; i < HLL_REGISTERS; i++) {
    if (max[i] !== 0) dst.setRegister(i, max[i]);
  }
  dst.invalidateCache();
  save(c, dstKey, dst);
  c.server.dirty++;
  c.out.ok();
}

export const hllHandlers: Record<string, Handler> = { pfadd, pfcount, pfmerge };
