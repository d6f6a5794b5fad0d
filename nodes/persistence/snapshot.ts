/**
 * Point-in-time snapshots of every database (SAVE/BGSAVE files, AOF rewrite preambles, replicas'
 * full sync), written incrementally without stalling the event loop.
 *
 * Format (all integers unsigned LEB128 unless noted; values use the DUMP codec, serialize.ts):
 *   "SGSNAP" u16le version
 *   per non-empty database: 0xFE dbId keyCount, then keyCount records:
 *     flags(u8: 1 = has expiry) [expiry ms] key value
 *   0xFF, then CRC-64 (Jones, as DUMP/RDB) of every preceding byte, u64le.
 * A snapshot sees the dataset as it was when writeSnapshot was called (see cow.ts); keys whose
 * expiry already passed are written too (the loader keeps them; the normal expiry removes them).
 */
import type { Db } from '../keyspace/db.js';
import type { Value } from '../keyspace/types.js';
import type { NodeServer } from '../server.js';
import { ByteReader, ByteWriter, FormatError } from './bytes.js';
import type { CowView } from './cow.js';
import type { FrozenArray } from '../keyspace/chunked-array.js';
import { crc64 } from './crc64.js';
import { readValue, writeValue } from './serialize.js';

export const SNAPSHOT_MAGIC = 'SGSNAP';
export const SNAPSHOT_VERSION = 1;
const OP_DB = 0xfe;
const OP_END = 0xff;
const FLAG_EXPIRE = 1;
/**
 * A slice of work per event-loop turn: stop after this many bytes, or once this much time passed
 * (checked every SLICE_CHECK keys). Short slices keep request latency close to idle while a
 * snapshot runs: a request waits at most one slice.
 */
const SLICE_BYTES = 64 * 1024;
const SLICE_MS = 0.2;
const SLICE_CHECK = 32;

export class SnapshotError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

export interface SnapshotJob {
  readonly done: Promise<void>;
  cancel(): void;
  readonly keys: number;
}

/** Walks one CowView, producing chunks of the file. */
class SnapshotEncoder {
  private dbIdx = -1;
  private keyIdx = 0;
  private crc = 0n;
  private started = false;
  finished = false;

  constructor(private readonly dbs: readonly Db[], private readonly view: CowView) {}

  /** The next slice of bytes (the last one ends with the trailer). */
  next(): Buffer {
    const w = new ByteWriter();
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < SNAPSHOT_MAGIC.length; i++) w.u8(SNAPSHOT_MAGIC.charCodeAt(i));
      w.u16(SNAPSHOT_VERSION);
    }
    const deadline = performance.now() + SLICE_MS;
    for (let n = 1; w.length < SLICE_BYTES && this.advance(w); n++) {
      if (n % SLICE_CHECK === 0 && performance.now() >= deadline) break;
    }
    if (this.dbIdx >= this.dbs.length) return this.finish(w);
    return this.seal(w);
  }

  /** Writes one record (or a db header); false once every database is done. */
  private advance(w: ByteWriter): boolean {
    const keys = this.view.keys[this.dbIdx] as FrozenArray<string> | undefined;
    if (keys === undefined || this.keyIdx >= keys.length) return this.nextDb(w);
    const db = this.dbs[this.dbIdx];
    const key = keys.at(this.keyIdx);
    const val = this.view.valueAt(this.view.vals[this.dbIdx].at(this.keyIdx++));
    const when = this.view.expireAt(db, key);
    w.u8(when === undefined ? 0 : FLAG_EXPIRE);
    if (when !== undefined) w.len(Math.max(0, when));
    w.str(key);
    writeValue(w, val);
    return true;
  }

  private nextDb(w: ByteWriter): boolean {
    do this.dbIdx++;
    while (this.dbIdx < this.dbs.length && this.view.keys[this.dbIdx].length === 0);
    if (this.dbIdx >= this.dbs.length) return false;
    this.keyIdx = 0;
    w.u8(OP_DB);
    w.len(this.dbIdx);
    w.len(this.view.keys[this.dbIdx].length);
    return true;
  }

  private finish(w: ByteWriter): Buffer {
    w.u8(OP_END);
    const body = this.seal(w);
    const trailer = Buffer.allocUnsafe(8);
    trailer.writeBigUInt64LE(this.crc);
    this.finished = true;
    return Buffer.concat([body, trailer]);
  }

  private seal(w: ByteWriter): Buffer {
    const b = w.bytes();
    this.crc = crc64(b, 0, b.length, this.crc);
    return b;
  }
}

/**
 * Point-in-time snapshot of every db, serialized incrementally (a slice of keys per event-loop
 * turn, copy-on-write per key for keys written meanwhile) into `sink`; honours sink backpressure
 * (write() false → wait 'drain'). Does not end the sink.
 */
export function writeSnapshot(server: NodeServer, sink: NodeJS.WritableStream): SnapshotJob {
  const view = server.cow.open();
  const keys = view.keys.reduce((n, k) => n + k.length, 0);
  const enc = new SnapshotEncoder(server.dbs, view);
  let stopped = false;
  let fail: (e: Error) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    const end = (e?: Error): void => {
      if (stopped) return;
      stopped = true;
      server.cow.close(view);
      sink.removeListener('error', end);
      sink.removeListener('close', closed);
      if (e) reject(e);
      else resolve();
    };
    fail = end;
    // A sink destroyed while we wait for 'drain' (a replica hanging up) would leave the job, and
    // its copy-on-write, running forever.
    const closed = (): void => end(new Error('snapshot sink closed'));
    sink.on('error', end);
    sink.on('close', closed);
    const pump = (): void => {
      if (stopped) return;
      let chunk: Buffer;
      try {
        chunk = enc.next();
      } catch (e) {
        return end(e as Error);
      }
      const more = chunk.length === 0 || sink.write(chunk);
      if (enc.finished) return end();
      if (more) setImmediate(pump);
      else sink.once('drain', pump);
    };
    pump();
  });
  // Callers that only cancel need not await: a cancelled job must not be an unhandled rejection.
  done.catch(() => {});
  return { done, keys, cancel: () => fail(new Error('snapshot cancelled')) };
}

/** The whole snapshot at once, blocking the event loop (SAVE, SHUTDOWN, tests). */
export function snapshotChunksSync(server: NodeServer): Buffer[] {
  const view = server.cow.open();
  try {
    const enc = new SnapshotEncoder(server.dbs, view);
    const out: Buffer[] = [];
    while (!enc.finished) out.push(enc.next());
    return out;
  } finally {
    server.cow.close(view);
  }
}

export interface Loaded {
  db: number;
  entries: { key: string; val: Value; when: number | undefined }[];
}

/**
 * Replaces the server's datasets with a complete snapshot (Buffer). Throws SnapshotError (clear
 * message: what is wrong and at which byte offset) on a corrupt or truncated payload, leaving the
 * dataset untouched.
 */
export function loadSnapshot(server: NodeServer, data: Buffer): void {
  applySnapshot(server, parseSnapshot(data, server.dbs.length));
  server.persistence.datasetReplaced();
}

/** Validates and decodes a whole snapshot; nothing is applied until all of it checks out. */
export function parseSnapshot(data: Buffer, databases: number): Loaded[] {
  return parseSnapshotPrefix(data, databases, false).sections;
}

/**
 * Applies decoded sections (after parseSnapshot/parseSnapshotPrefix validated everything).
 * With `expiredBefore` (a master loading its own file at start, as Redis), keys whose expiry has
 * passed are skipped. Returns how many keys were loaded and skipped.
 */
export function applySnapshot(server: NodeServer, sections: readonly Loaded[], expiredBefore?: number): { loaded: number; expired: number } {
  for (const db of server.dbs) db.clear();
  let loaded = 0;
  let expired = 0;
  for (const s of sections) {
    const db = server.dbs[s.db];
    for (const e of s.entries) {
      if (expiredBefore !== undefined && e.when !== undefined && e.when < expiredBefore) {
        expired++;
        continue;
      }
      db.set(e.key, e.val);
      if (e.when !== undefined) db.setExpire(e.key, e.when);
      loaded++;
    }
  }
  return { loaded, expired };
}

export function isSnapshot(data: Buffer): boolean {
  return data.length >= SNAPSHOT_MAGIC.length && data.latin1Slice(0, SNAPSHOT_MAGIC.length) === SNAPSHOT_MAGIC;
}

/**
 * Decodes a snapshot at the start of `data`; with `trailing` more bytes may follow (an AOF's
 * commands after its snapshot preamble), and `end` says where the snapshot stops.
 */
export function parseSnapshotPrefix(data: Buffer, databases: number, trailing: boolean): { sections: Loaded[]; end: number } {
  const r = new ByteReader(data);
  const at = (what: string, offset = r.pos): SnapshotError => new SnapshotError(`${what} at byte offset ${offset}`, offset);
  const guard = <T>(what: string, start: number, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (!(e instanceof FormatError)) throw e;
      if (e.message === 'truncated') throw at(`snapshot truncated (${data.length} bytes) inside ${what} starting`, start);
      throw at(`${what} is malformed (${e.message})`, start);
    }
  };
  guard('the header', 0, () => {
    for (let i = 0; i < SNAPSHOT_MAGIC.length; i++) {
      if (r.u8() !== SNAPSHOT_MAGIC.charCodeAt(i)) throw at('not a slotgate snapshot: bad magic', i);
    }
    const v = r.u16();
    if (v < 1 || v > SNAPSHOT_VERSION) throw at(`unsupported snapshot version ${v}`, r.pos - 2);
  });
  const out: Loaded[] = [];
  const seenDbs = new Set<number>();
  for (;;) {
    const opAt = r.pos;
    const op = guard('an opcode', opAt, () => r.u8());
    if (op === OP_END) break;
    if (op !== OP_DB) throw at(`unknown opcode 0x${op.toString(16)}`, opAt);
    const [db, count] = guard('a database header', opAt, () => [r.len(), r.len()]);
    if (db >= databases || seenDbs.has(db)) throw at(`bad database number ${db}`, opAt);
    seenDbs.add(db);
    out.push({ db, entries: readEntries(r, count, guard, at) });
  }
  const crcAt = r.pos;
  if (data.length - crcAt < 8) throw at(`snapshot truncated (${data.length} bytes) inside the checksum starting`, crcAt);
  if (!trailing && data.length - crcAt > 8) throw at(`${data.length - crcAt - 8} unexpected bytes after the checksum`, crcAt + 8);
  if (crc64(data, 0, crcAt) !== data.readBigUInt64LE(crcAt)) {
    throw at('checksum mismatch (the data before the checksum is corrupt)', crcAt);
  }
  return { sections: out, end: crcAt + 8 };
}

type Guard = <T>(what: string, start: number, f: () => T) => T;

function readEntries(r: ByteReader, count: number, guard: Guard, at: (w: string, o: number) => SnapshotError): Loaded['entries'] {
  const entries: Loaded['entries'] = [];
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const start = r.pos;
    const e = guard('a key record', start, () => {
      const flags = r.u8();
      if (flags > FLAG_EXPIRE) throw new FormatError(`bad flags ${flags}`);
      const when = flags === FLAG_EXPIRE ? r.len() : undefined;
      const key = r.str();
      return { key, when, val: readValue(r) };
    });
    if (seen.has(e.key)) throw at('duplicate key', start);
    seen.add(e.key);
    entries.push(e);
  }
  return entries;
}
