/**
 * Read lookups as Redis's lookupKeyRead / lookupKeyReadWithFlags(LOOKUP_NOTOUCH) do them: lazy
 * expiry, an optional access-clock touch, and INFO's keyspace hit/miss counters. Write lookups
 * (RENAME, EXPIRE, MOVE …) use `db.get` directly: they touch the clock but count no hit or miss.
 */
import type { Client } from '../client.js';
import type { Value } from '../keyspace/types.js';

export function lookupRead(c: Client, key: string, touch: boolean): Value | undefined {
  const db = c.db;
  const v = touch ? db.get(key) : db.expireIfNeeded(key) ? undefined : db.dict.get(key);
  if (v === undefined) c.server.stats.keyspaceMisses++;
  else c.server.stats.keyspaceHits++;
  return v;
}
