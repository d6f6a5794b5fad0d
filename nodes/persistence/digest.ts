/**
 * DEBUG DIGEST / DIGEST-VALUE: a SHA-1 fingerprint of the dataset, to compare a master with its
 * replica, a node before and after a restart, or a slot's source and target.
 *
 * Built like Redis's: each non-empty database mixes its id into the running digest
 * (final = SHA1(final ‖ id)), then every key's digest is XORed in, so the result does not depend on
 * key order. A key's digest covers its name, type, value and expiry. Unordered aggregates (hashes,
 * sets) XOR per-element digests, so two equal sets built in a different order digest alike; ordered
 * values (strings, lists, sorted sets, streams) hash their DUMP-codec bytes.
 * The hex strings are NOT byte-for-byte Redis's (our value encoding differs); they only compare
 * slotgate nodes with each other. An empty dataset gives forty zeros, as Redis.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../keyspace/db.js';
import type { Value } from '../keyspace/types.js';
import type { NodeServer } from '../server.js';
import type { Hash } from '../types/hash.js';
import type { SetObject } from '../types/set.js';
import { ByteWriter } from './bytes.js';
import { canSerialize, writeValue } from './serialize.js';

const ZERO = '0'.repeat(40);

function sha1(...parts: (string | Buffer)[]): Buffer {
  const h = createHash('sha1');
  for (const p of parts) h.update(typeof p === 'string' ? Buffer.from(p, 'latin1') : p);
  return h.digest();
}

function xorInto(acc: Buffer, d: Buffer): void {
  for (let i = 0; i < 20; i++) acc[i] ^= d[i];
}

/** Length-prefixed so that ("ab","c") and ("a","bc") differ. */
function framed(s: string): string {
  return `${s.length}:${s}`;
}

function unorderedDigest(type: string, each: (visit: (...parts: string[]) => void) => void): Buffer {
  const acc = Buffer.alloc(20);
  each((...parts) => xorInto(acc, sha1(parts.map(framed).join(''))));
  return sha1(type, acc);
}

/** Digest of a value alone (type + contents). */
function valueDigest(v: Value): Buffer {
  if (typeof v !== 'string') {
    if (v.type === 'hash') return unorderedDigest('hash', (visit) => (v as Hash).forEach((f, val) => visit(f, val)));
    if (v.type === 'set') return unorderedDigest('set', (visit) => { for (const m of (v as SetObject).members()) visit(m); });
    // A type without a codec still digests by type, so a missing key and such a key differ.
    if (!canSerialize(v)) return sha1(v.type);
  }
  const w = new ByteWriter();
  writeValue(w, v);
  return sha1(w.bytes());
}

/** Value + expiry digest of one key, as DEBUG DIGEST-VALUE prints it (zeros for a missing key). */
function keyValueDigest(db: Db, key: string): Buffer {
  // Like Redis: read the dict directly, so logically expired keys still count.
  const v = db.dict.get(key);
  if (v === undefined) return Buffer.alloc(20);
  const when = db.getExpire(key);
  const d = valueDigest(v);
  return when === undefined ? d : sha1(d, `!!expire!!${when}`);
}

/** DEBUG DIGEST-VALUE of one key, 40 hex chars. */
export function keyDigest(db: Db, key: string): string {
  return keyValueDigest(db, key).toString('hex');
}

/** DEBUG DIGEST of every database, 40 hex chars; forty zeros for an empty dataset. */
export function datasetDigest(server: NodeServer): string {
  let final: Buffer = Buffer.alloc(20);
  let any = false;
  for (const db of server.dbs) {
    if (db.size === 0) continue;
    any = true;
    const id = Buffer.alloc(4);
    id.writeUInt32BE(db.id);
    final = sha1(final, id);
    for (const key of db.dict.keys()) xorInto(final, sha1(framed(key), keyValueDigest(db, key)));
  }
  return any ? final.toString('hex') : ZERO;
}
