/**
 * The stream codec of serialize.ts: live entries (ID and field/value list), the stream's
 * bookkeeping (last ID, entries added, max deleted ID), and every consumer group with its
 * consumers and pending entries (each NACK names its consumer, as Redis's RDB does).
 */
import { Consumer, type ConsumerGroup, type Nack } from '../types/stream-group.js';
import { ID_MAX, ID_ZERO, type StreamId } from '../types/stream-id.js';
import { StreamObject } from '../types/stream.js';
import { type ByteReader, type ByteWriter, FormatError } from './bytes.js';

const U64_MASK = (1n << 64n) - 1n;

function writeId(w: ByteWriter, id: StreamId): void {
  w.u64(id >> 64n);
  w.u64(id & U64_MASK);
}

function readId(r: ByteReader): StreamId {
  return (r.u64() << 64n) | r.u64();
}

/** A count that may be -1 (entries-read unknown), stored shifted by one. */
const writeSigned = (w: ByteWriter, n: number) => w.len(n + 1);
const readSigned = (r: ByteReader) => r.len() - 1;

function writeGroup(w: ByteWriter, g: ConsumerGroup): void {
  w.str(g.name);
  writeId(w, g.lastId);
  writeSigned(w, g.entriesRead);
  const consumers = g.sortedConsumers();
  w.len(consumers.length);
  for (const c of consumers) {
    w.str(c.name);
    w.f64(c.seenTime);
  }
  w.len(g.pel.size);
  for (const [id, n] of g.pel.from(ID_ZERO)) {
    writeId(w, id);
    w.f64(n.deliveryTime);
    w.len(n.deliveryCount);
    w.u8(n.consumer ? 1 : 0);
    if (n.consumer) w.str(n.consumer.name);
  }
}

function readGroup(r: ByteReader, s: StreamObject): void {
  const g = s.createGroup(r.str(), readId(r), readSigned(r));
  if (g === null) throw new FormatError('duplicate consumer group');
  for (let n = r.len(); n > 0; n--) {
    const name = r.str();
    if (g.consumers.has(name)) throw new FormatError('duplicate consumer');
    g.createConsumer(name, r.f64());
  }
  for (let n = r.len(); n > 0; n--) {
    const id = readId(r);
    const nack: Nack = { consumer: null, deliveryTime: r.f64(), deliveryCount: r.len() };
    if (r.u8() === 1) {
      const owner: Consumer | undefined = g.consumers.get(r.str());
      if (owner === undefined) throw new FormatError('NACK of an unknown consumer');
      nack.consumer = owner;
      owner.pel.set(id, nack);
    }
    if (g.pel.has(id)) throw new FormatError('duplicate NACK');
    g.pel.set(id, nack);
  }
}

export function writeStream(w: ByteWriter, s: StreamObject): void {
  w.len(s.length);
  s.range(ID_ZERO, ID_MAX, false, (id, fv) => {
    writeId(w, id);
    w.len(fv.length);
    for (const x of fv) w.str(x);
    return true;
  });
  writeId(w, s.lastId);
  w.len(s.entriesAdded);
  writeId(w, s.maxDeletedId);
  const groups = s.sortedGroups();
  w.len(groups.length);
  for (const g of groups) writeGroup(w, g);
}

export function readStream(r: ByteReader): StreamObject {
  const s = new StreamObject();
  let prev: StreamId | null = null;
  for (let n = r.len(); n > 0; n--) {
    const id = readId(r);
    if (prev !== null && id <= prev) throw new FormatError('stream IDs out of order');
    const fv: string[] = [];
    const count = r.len();
    if (count === 0 || count % 2 !== 0) throw new FormatError('bad stream entry');
    for (let i = 0; i < count; i++) fv.push(r.str());
    s.append(id, fv);
    prev = id;
  }
  const lastId = readId(r);
  if (prev !== null && lastId < prev) throw new FormatError('last ID below an entry');
  s.lastId = lastId;
  s.entriesAdded = r.len();
  s.maxDeletedId = readId(r);
  for (let n = r.len(); n > 0; n--) readGroup(r, s);
  return s;
}
