/**
 * Typed lookups for the aggregate-type commands (lists, hashes, sets, sorted sets, streams), as
 * Redis's lookupKeyRead / lookupKeyWrite + checkType do them. Each returns the value when it has
 * the wanted type, undefined when the key is missing, or null after replying WRONGTYPE.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import type { DataObject } from '../keyspace/types.js';
import { lookupRead } from './keys-lookup.js';

export type AggregateType = DataObject['type'];

function checked<T extends DataObject>(c: Client, v: unknown, type: AggregateType): T | undefined | null {
  if (v === undefined) return undefined;
  if (typeof v === 'string' || (v as DataObject).type !== type) {
    c.out.error(Err.wrongType);
    return null;
  }
  return v as T;
}

/** Read lookup: lazy expiry, access clock, keyspace hit/miss counters. */
export function readTyped<T extends DataObject>(c: Client, key: string, type: AggregateType): T | undefined | null {
  return checked<T>(c, lookupRead(c, key, true), type);
}

/** Write lookup: lazy expiry and access clock, no hit/miss counters (Redis's lookupKeyWrite). */
export function writeTyped<T extends DataObject>(c: Client, key: string, type: AggregateType): T | undefined | null {
  return checked<T>(c, c.db.get(key), type);
}

/** Write lookup that creates (and stores) the value when missing; null after WRONGTYPE. */
export function writeTypedOrCreate<T extends DataObject>(c: Client, key: string, type: AggregateType, create: () => T): T | null {
  const v = writeTyped<T>(c, key, type);
  if (v === null) return null;
  if (v !== undefined) return v;
  const fresh = create();
  c.db.set(key, fresh);
  return fresh;
}
