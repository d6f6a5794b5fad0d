/**
 * Source side of the chunked transfer (DESIGN §4): a large list, set, hash, sorted set or stream
 * is cut into parts of at most CHUNK_ELEMENTS elements, each part a valid DUMP payload of a value
 * of the same type holding the next elements (lists and streams in order; a stream's last part
 * also carries its last ID, counters and consumer groups). The generator is resumed once per
 * step, across event-loop turns: the value cannot change meanwhile because its key is held in
 * transfer. Strings are always sent whole.
 */
import type { DataObject, Value } from '../keyspace/types.js';
import { dumpPayload } from '../persistence/serialize.js';
import { Hash } from '../types/hash.js';
import { List } from '../types/list.js';
import { SetObject } from '../types/set.js';
import { ZSet } from '../types/zset.js';
import { StreamObject } from '../types/stream.js';
import { ID_MAX, ID_ZERO, type StreamId } from '../types/stream-id.js';

/** Bounds of one part: built, sent and merged in a few ms on either side. */
export const CHUNK_ELEMENTS = 10_000;
export const CHUNK_BYTES = 4 * 1024 * 1024;

const CHUNKABLE = new Set(['list', 'set', 'hash', 'zset', 'stream']);

function sizeOf(v: DataObject): number {
  switch (v.type) {
    case 'list': return (v as unknown as List).length;
    case 'set': return (v as unknown as SetObject).size;
    case 'hash': return (v as unknown as Hash).size;
    case 'zset': return (v as unknown as ZSet).size;
    case 'stream': return (v as unknown as StreamObject).length;
    default: return 0;
  }
}

/** Whether a value is sent in parts: more than one part's worth of elements or bytes. */
export function isLarge(v: Value): v is DataObject {
  if (typeof v === 'string' || !CHUNKABLE.has(v.type)) return false;
  const n = sizeOf(v);
  return n > CHUNK_ELEMENTS || (n > 1 && v.memoryUsage() > CHUNK_BYTES);
}

/** Counts what goes into the part being built. */
class Fill {
  private n = 0;
  private bytes = 0;

  add(bytes: number): void {
    this.n++;
    this.bytes += bytes;
  }

  get full(): boolean {
    return this.n >= CHUNK_ELEMENTS || this.bytes >= CHUNK_BYTES;
  }
}

/** The DUMP payloads of consecutive parts of a large value. */
export function* chunkParts(v: DataObject): Generator<string> {
  if (v.type === 'list') yield* listParts(v as unknown as List);
  else if (v.type === 'set') yield* setParts(v as unknown as SetObject);
  else if (v.type === 'hash') yield* hashParts(v as unknown as Hash);
  else if (v.type === 'zset') yield* zsetParts(v as unknown as ZSet);
  else if (v.type === 'stream') yield* streamParts(v as unknown as StreamObject);
}

function* listParts(l: List): Generator<string> {
  let i = 0;
  while (i < l.length) {
    const part: string[] = [];
    for (const fill = new Fill(); i < l.length && !fill.full; i++) {
      const e = l.at(i);
      part.push(e);
      fill.add(e.length);
    }
    yield dumpPayload(List.from(part));
  }
}

function* setParts(s: SetObject): Generator<string> {
  let part: string[] = [];
  let fill = new Fill();
  for (const m of s.members()) {
    part.push(m);
    fill.add(m.length);
    if (!fill.full) continue;
    yield dumpPayload(SetObject.from(part));
    [part, fill] = [[], new Fill()];
  }
  if (part.length > 0) yield dumpPayload(SetObject.from(part));
}

/** Hashtable fields by SCAN steps (the value is frozen: each field is visited exactly once). */
function* hashParts(h: Hash): Generator<string> {
  let cursor = 0;
  do {
    const part = new Hash();
    const fill = new Fill();
    do {
      cursor = h.scan(cursor, 64, (f, v) => {
        part.set(f, v);
        fill.add(f.length + v.length);
      });
    } while (cursor !== 0 && !fill.full);
    if (part.size > 0) yield dumpPayload(part);
  } while (cursor !== 0);
}

function* zsetParts(z: ZSet): Generator<string> {
  let node = z.tree.first;
  while (node !== null) {
    const part: [string, number][] = [];
    let maxLen = 0;
    for (const fill = new Fill(); node !== null && !fill.full; node = node.fwd) {
      part.push([node.member, node.score]);
      maxLen = Math.max(maxLen, node.member.length);
      fill.add(node.member.length + 8);
    }
    yield dumpPayload(ZSet.build(part, part.length, maxLen));
  }
}

function* streamParts(s: StreamObject): Generator<string> {
  let start: StreamId = ID_ZERO;
  for (;;) {
    const part = new StreamObject();
    const fill = new Fill();
    let next: StreamId | null = null;
    s.range(start, ID_MAX, false, (id, fv) => {
      if (!fill.full) {
        part.append(id, fv);
        fill.add(fv.reduce((n, x) => n + x.length, 16));
        return true;
      }
      next = id;
      return false;
    });
    if (next === null) {
      part.lastId = s.lastId;
      part.entriesAdded = s.entriesAdded;
      part.maxDeletedId = s.maxDeletedId;
      for (const [name, g] of s.groups) part.groups.set(name, g.clone());
      yield dumpPayload(part);
      return;
    }
    yield dumpPayload(part);
    start = next;
  }
}
