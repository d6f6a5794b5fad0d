/**
 * The replication backlog: a fixed-size circular buffer holding the last `size` bytes of the
 * replication stream, so a replica that lost its link briefly can resume from its offset
 * (PSYNC → +CONTINUE) instead of a full resync. Offsets are Redis's: the first byte ever produced
 * is offset 1; `firstByteOffset` is the offset of the oldest byte still held.
 */
export class Backlog {
  private buf: Buffer;
  /** Where the next byte goes. */
  private idx = 0;
  histlen = 0;
  firstByteOffset: number;

  constructor(
    readonly size: number,
    /** Offset of the stream before this backlog's first byte (master_repl_offset at creation). */
    startOffset: number,
  ) {
    this.buf = Buffer.alloc(size);
    this.firstByteOffset = startOffset + 1;
  }

  append(data: Buffer): void {
    let src = data;
    if (src.length >= this.size) src = src.subarray(src.length - this.size);
    const room = this.size - this.idx;
    if (src.length <= room) {
      src.copy(this.buf, this.idx);
    } else {
      src.copy(this.buf, this.idx, 0, room);
      src.copy(this.buf, 0, room);
    }
    this.idx = (this.idx + src.length) % this.size;
    const total = this.histlen + data.length;
    this.histlen = Math.min(this.size, total);
    this.firstByteOffset += total - this.histlen;
  }

  /** Whether the bytes from `offset` (the next byte a replica wants) up to now are all held. */
  covers(offset: number): boolean {
    return offset >= this.firstByteOffset && offset <= this.firstByteOffset + this.histlen;
  }

  /** The bytes from `offset` to the end of the stream (covers(offset) must hold). */
  from(offset: number): Buffer {
    const skip = offset - this.firstByteOffset;
    const len = this.histlen - skip;
    const start = (this.idx - this.histlen + skip + this.size) % this.size;
    if (start + len <= this.size) return Buffer.from(this.buf.subarray(start, start + len));
    return Buffer.concat([this.buf.subarray(start), this.buf.subarray(0, len - (this.size - start))]);
  }
}
