/**
 * One node of a stream: a run of consecutive entries, as a Redis listpack node of the stream's
 * rax. Deleted entries stay in place, flagged, until the whole node is dropped — exactly as Redis
 * keeps them — so node boundaries (and with them `~` trimming, XINFO's radix-tree-keys) match Redis.
 * `bytes` tracks the listpack's encoded size, which decides when Redis starts a new node.
 */
import { idMs, idSeq, type StreamId } from './stream-id.js';
import { encodingLimits } from './encoding-limits.js';

const INT_RE = /^(0|-?[1-9][0-9]*)$/;
const LP_HEADER_AND_END = 7;

/** Bytes of one listpack element's encoding + data (lpEncodeGetType sizes). */
function encodedSize(v: string | bigint): number {
  let n: bigint | null = typeof v === 'bigint' ? v : null;
  if (n === null && (v as string).length <= 20 && INT_RE.test(v as string)) {
    const b = BigInt(v as string);
    if (b >= -(1n << 63n) && b < 1n << 63n) n = b;
  }
  if (n === null) {
    const len = (v as string).length;
    return len <= 63 ? 1 + len : len <= 4095 ? 2 + len : 5 + len;
  }
  if (n >= 0n && n <= 127n) return 1;
  if (n >= -4096n && n <= 4095n) return 2;
  if (n >= -32768n && n <= 32767n) return 3;
  if (n >= -8388608n && n <= 8388607n) return 4;
  if (n >= -2147483648n && n <= 2147483647n) return 5;
  return 9;
}

/** An element with its back-length trailer. */
function elementSize(v: string | bigint): number {
  const l = encodedSize(v);
  const back = l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
  return l + back;
}

/** A delta as Redis stores it: the uint64 difference read back as int64. */
function asInt64(d: bigint): bigint {
  return BigInt.asIntN(64, d);
}

export class StreamNode {
  readonly ids: StreamId[] = [];
  /** Field-value pairs per entry, flattened. */
  readonly values: string[][] = [];
  readonly deleted: boolean[] = [];
  live = 0;
  dead = 0;
  private entryBytes = 0;
  private readonly masterBytes: number;

  constructor(readonly master: StreamId, readonly masterFields: readonly string[]) {
    let b = elementSize(BigInt(masterFields.length)) + elementSize(0n);
    for (const f of masterFields) b += elementSize(f);
    this.masterBytes = b;
  }

  /** The listpack's size (lpBytes). */
  get bytes(): number {
    return LP_HEADER_AND_END + elementSize(BigInt(this.live)) + elementSize(BigInt(this.dead)) + this.masterBytes + this.entryBytes;
  }

  get first(): StreamId {
    return this.ids[0];
  }

  get last(): StreamId {
    return this.ids[this.ids.length - 1];
  }

  /** Whether Redis would open a new node rather than append `fieldBytes` more bytes here. */
  full(fieldBytes: number): boolean {
    const { streamNodeMaxBytes, streamNodeMaxEntries } = encodingLimits;
    return (streamNodeMaxBytes > 0 && this.bytes + fieldBytes >= streamNodeMaxBytes) || (streamNodeMaxEntries > 0 && this.live + this.dead >= streamNodeMaxEntries);
  }

  append(id: StreamId, fv: string[]): void {
    this.ids.push(id);
    this.values.push(fv);
    this.deleted.push(false);
    this.live++;
    this.entryBytes += this.sizeOfEntry(id, fv);
  }

  /** Flags entry i deleted; returns false when it already was. */
  markDeleted(i: number): boolean {
    if (this.deleted[i]) return false;
    this.deleted[i] = true;
    this.live--;
    this.dead++;
    return true;
  }

  /** First index with id >= `id` (ids.length when none). */
  lowerBound(id: StreamId): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  clone(): StreamNode {
    const n = new StreamNode(this.master, this.masterFields);
    n.ids.push(...this.ids);
    for (const v of this.values) n.values.push(v);
    n.deleted.push(...this.deleted);
    n.live = this.live;
    n.dead = this.dead;
    n.entryBytes = this.entryBytes;
    return n;
  }

  private sizeOfEntry(id: StreamId, fv: string[]): number {
    let b = elementSize(0n) + elementSize(asInt64(idMs(id) - idMs(this.master))) + elementSize(asInt64(idSeq(id) - idSeq(this.master)));
    const same = fv.length === this.masterFields.length * 2 && this.masterFields.every((f, i) => fv[2 * i] === f);
    let count = 3;
    if (same) {
      for (let i = 1; i < fv.length; i += 2) b += elementSize(fv[i]);
      count += fv.length / 2;
    } else {
      b += elementSize(BigInt(fv.length / 2));
      for (const s of fv) b += elementSize(s);
      count += 1 + fv.length;
    }
    return b + elementSize(BigInt(count));
  }
}
