/**
 * Growable byte writer and bounds-checked reader for the value codec (DUMP payloads, snapshots):
 * unsigned LEB128 lengths, latin1 byte strings, little-endian float64 (exact, -0 and ±inf kept).
 */

/** Thrown by ByteReader on truncated or malformed input. */
export class FormatError extends Error {}

export class ByteWriter {
  private buf = Buffer.allocUnsafe(256);
  private pos = 0;

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeUInt16LE(v, this.pos);
  }

  /** A non-negative integer up to 2^53 as unsigned LEB128. */
  len(v: number): void {
    this.ensure(8);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  f64(v: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleLE(v, this.pos);
  }

  u64(v: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigUInt64LE(v, this.pos);
  }

  /** A byte string (latin1 JS string), length-prefixed. */
  str(s: string): void {
    this.len(s.length);
    this.ensure(s.length);
    this.pos += this.buf.latin1Write(s, this.pos);
  }

  /** The bytes written so far (a view; copy before writing more). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

export class ByteReader {
  pos = 0;

  constructor(private readonly buf: Buffer, private readonly end = buf.length) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new FormatError('truncated');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  len(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = this.u8();
      v += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 0x80;
      if (mul > 2 ** 49) throw new FormatError('length too long');
    }
    return v;
  }

  f64(): number {
    this.need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  str(): string {
    const n = this.len();
    this.need(n);
    const s = this.buf.latin1Slice(this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}
