/**
 * The value codec shared by DUMP/RESTORE and (later) snapshots: one type byte, then the value's
 * body. Each type has a small codec below (streams in serialize-stream.ts); a type without one (a
 * type added to nodes/types later) is reported as not serializable rather than written wrongly —
 * add its codec here, with a new type byte, never reusing or renumbering one.
 *
 * A DUMP payload is `type byte + body`, a 2-byte little-endian format version, and a CRC-64 (Jones,
 * as Redis) of everything before it, little-endian: any flipped bit or truncation fails the check.
 */
import type { DataObject, Value } from '../keyspace/types.js';
import { Hash } from '../types/hash.js';
import { List } from '../types/list.js';
import { SetObject } from '../types/set.js';
import type { StreamObject } from '../types/stream.js';
import { ZSet } from '../types/zset.js';
import { ByteReader, ByteWriter, FormatError } from './bytes.js';
import { crc64 } from './crc64.js';
import { readStream, writeStream } from './serialize-stream.js';

/** Bumped when a body layout changes; readers accept every version up to theirs. */
export const FORMAT_VERSION = 1;

/** Type bytes: fixed forever once released. */
export const TypeByte = { string: 0, list: 1, set: 2, zset: 3, hash: 4, stream: 5 } as const;

interface Codec {
  id: number;
  write(w: ByteWriter, v: Value): void;
  read(r: ByteReader): Value;
}

const stringCodec: Codec = {
  id: TypeByte.string,
  write: (w, v) => w.str(v as string),
  read: (r) => r.str(),
};

const listCodec: Codec = {
  id: TypeByte.list,
  write(w, v) {
    const l = v as List;
    w.len(l.length);
    for (const e of l.values()) w.str(e);
  },
  read(r) {
    const n = nonEmptyCount(r);
    const l = new List();
    for (let i = 0; i < n; i++) l.push('right', r.str());
    return l;
  },
};

/** Fields in the hash's own order (a listpack's order survives the round trip). */
const hashCodec: Codec = {
  id: TypeByte.hash,
  write(w, v) {
    const h = v as Hash;
    w.len(h.size);
    h.forEach((f, val) => {
      w.str(f);
      w.str(val);
    });
  },
  read(r) {
    const n = nonEmptyCount(r);
    const h = new Hash();
    for (let i = 0; i < n; i++) if (!h.set(r.str(), r.str())) throw new FormatError('duplicate hash field');
    return h;
  },
};

const setCodec: Codec = {
  id: TypeByte.set,
  write(w, v) {
    const s = v as SetObject;
    w.len(s.size);
    for (const m of s.members()) w.str(m);
  },
  read(r) {
    const n = nonEmptyCount(r);
    const s = new SetObject();
    for (let i = 0; i < n; i++) if (!s.add(r.str())) throw new FormatError('duplicate set member');
    return s;
  },
};

/** Members in rank order with their scores; restored with Redis's encoding choice for its size. */
const zsetCodec: Codec = {
  id: TypeByte.zset,
  write(w, v) {
    const z = v as ZSet;
    w.len(z.size);
    for (let n = z.tree.first; n !== null; n = n.fwd) {
      w.str(n.member);
      w.f64(n.score);
    }
  },
  read(r) {
    const n = nonEmptyCount(r);
    const entries: [string, number][] = [];
    const seen = new Set<string>();
    let maxLen = 0;
    for (let i = 0; i < n; i++) {
      const member = r.str();
      const score = r.f64();
      if (seen.has(member) || Number.isNaN(score)) throw new FormatError('bad sorted set entry');
      seen.add(member);
      maxLen = Math.max(maxLen, member.length);
      entries.push([member, score]);
    }
    return ZSet.build(entries, n, maxLen);
  },
};

const streamCodec: Codec = {
  id: TypeByte.stream,
  write: (w, v) => writeStream(w, v as StreamObject),
  read: (r) => readStream(r),
};

/** Redis refuses empty aggregates in a payload; so do we. */
function nonEmptyCount(r: ByteReader): number {
  const n = r.len();
  if (n === 0) throw new FormatError('empty aggregate');
  return n;
}

const byType: Partial<Record<DataObject['type'] | 'string', Codec>> = {
  string: stringCodec,
  list: listCodec,
  set: setCodec,
  zset: zsetCodec,
  hash: hashCodec,
  stream: streamCodec,
};
const byId = new Map<number, Codec>(Object.values(byType).map((c) => [c.id, c]));

function codecOf(v: Value): Codec | undefined {
  return byType[typeof v === 'string' ? 'string' : v.type];
}

/** Whether this build can serialize the value's type. */
export function canSerialize(v: Value): boolean {
  return codecOf(v) !== undefined;
}

/** Writes type byte + body. The type must be serializable (check canSerialize). */
export function writeValue(w: ByteWriter, v: Value): void {
  const codec = codecOf(v);
  if (codec === undefined) throw new Error(`no codec for type ${typeof v === 'string' ? 'string' : v.type}`);
  w.u8(codec.id);
  codec.write(w, v);
}

/** Reads one value written by writeValue; throws FormatError on malformed input. */
export function readValue(r: ByteReader): Value {
  const codec = byId.get(r.u8());
  if (codec === undefined) throw new FormatError('unknown type byte');
  return codec.read(r);
}

const FOOTER = 2 + 8;

/** The DUMP payload of a value, as a byte string. The type must be serializable. */
export function dumpPayload(v: Value): string {
  const w = new ByteWriter();
  writeValue(w, v);
  w.u16(FORMAT_VERSION);
  w.u64(crc64(w.bytes()));
  return w.bytes().latin1Slice(0, w.length);
}

/** Why a payload was refused: its footer (version or checksum), or its body (valid checksum). */
export type PayloadResult = { value: Value } | { error: 'checksum' | 'format' };

export function restorePayload(payload: string): PayloadResult {
  const buf = Buffer.from(payload, 'latin1');
  if (buf.length < FOOTER + 1) return { error: 'checksum' };
  const bodyEnd = buf.length - FOOTER;
  const version = buf.readUInt16LE(bodyEnd);
  if (version < 1 || version > FORMAT_VERSION) return { error: 'checksum' };
  if (crc64(buf, 0, bodyEnd + 2) !== buf.readBigUInt64LE(bodyEnd + 2)) return { error: 'checksum' };
  try {
    const r = new ByteReader(buf, bodyEnd);
    const value = readValue(r);
    return r.done ? { value } : { error: 'format' };
  } catch (e) {
    if (e instanceof FormatError) return { error: 'format' };
    throw e;
  }
}
