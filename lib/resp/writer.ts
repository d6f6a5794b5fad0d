/**
 * Reply encoder for RESP2 and RESP3. Replies are appended to a slab; `take()` hands the bytes written
 * since the last take to the socket in one write (coalescing every reply produced in one event-loop
 * turn). The slab is never rewritten under a pending socket write: we only move forward in it and
 * start a fresh slab when it is full.
 */
import { formatDouble } from './double.js';
import { BULK_OVERHEAD, putBulk } from './encode.js';

const SLAB = 64 * 1024;

export type Resp = 2 | 3;

const CRLF = '\r\n';

export class ReplyWriter {
  resp: Resp = 2;
  /** Told of every error reply (INFO errorstats, failed_calls). */
  onError?: (msg: string) => void;
  /** Error replies written so far. */
  errors = 0;
  private slab = Buffer.allocUnsafe(SLAB);
  private start = 0;
  private pos = 0;
  /** Bytes written since the last take (what CLIENT LIST calls omem before it reaches the socket). */
  get length(): number {
    return this.pos - this.start;
  }

  /** The bytes written since the last call, or null when there are none. */
  take(): Buffer | null {
    if (this.pos === this.start) return null;
    const out = this.slab.subarray(this.start, this.pos);
    if (this.slab.length - this.pos < 512) {
      this.slab = Buffer.allocUnsafe(SLAB);
      this.pos = 0;
    }
    this.start = this.pos;
    return out;
  }

  /** Forgets what was written since the last take. */
  discard(): void {
    this.pos = this.start;
  }

  /** Drops what was written after `length` bytes (a command's reply under CLIENT REPLY OFF/SKIP). */
  truncate(length: number): void {
    this.pos = this.start + length;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.slab.length) return;
    const pendingLen = this.pos - this.start;
    const next = Buffer.allocUnsafe(Math.max(SLAB, (pendingLen + n) * 2));
    this.slab.copy(next, 0, this.start, this.pos);
    this.slab = next;
    this.start = 0;
    this.pos = pendingLen;
  }

  /** Appends ASCII/latin1 text with no framing. */
  raw(s: string): void {
    this.ensure(s.length);
    this.pos += this.slab.latin1Write(s, this.pos);
  }

  rawBuf(b: Buffer): void {
    this.ensure(b.length);
    b.copy(this.slab, this.pos);
    this.pos += b.length;
  }

  ok(): void {
    this.raw('+OK\r\n');
  }

  simple(s: string): void {
    this.raw('+' + s + CRLF);
  }

  /** `msg` is the full error text including its code, e.g. "ERR syntax error". */
  error(msg: string): void {
    // Redis never lets an error reply span lines: CR/LF inside become spaces.
    if (msg.includes('\n') || msg.includes('\r')) msg = msg.replace(/[\r\n]/g, ' ');
    this.errors++;
    this.onError?.(msg);
    this.raw('-' + msg + CRLF);
  }

  int(n: number | bigint): void {
    this.raw(':' + n + CRLF);
  }

  /** A bulk string holding a byte string (latin1), or the null reply. */
  bulk(s: string | null | undefined): void {
    if (s == null) return this.nil();
    this.ensure(s.length + BULK_OVERHEAD);
    this.pos = putBulk(this.slab, this.pos, s);
  }

  bulkBuf(b: Buffer): void {
    this.raw('$' + b.length + CRLF);
    this.rawBuf(b);
    this.raw(CRLF);
  }

  /** A bulk holding a number (RESP2 has no double type). */
  bulkNum(n: number | bigint): void {
    this.bulk(String(n));
  }

  /** Null bulk string: `$-1` in RESP2, `_` in RESP3. */
  nil(): void {
    this.raw(this.resp === 3 ? '_\r\n' : '$-1\r\n');
  }

  /** Null array: `*-1` in RESP2, `_` in RESP3. */
  nilArray(): void {
    this.raw(this.resp === 3 ? '_\r\n' : '*-1\r\n');
  }

  array(n: number): void {
    this.raw('*' + n + CRLF);
  }

  /** A map of n pairs: `%n` in RESP3, a flat array of 2n in RESP2. */
  map(n: number): void {
    this.raw(this.resp === 3 ? '%' + n + CRLF : '*' + 2 * n + CRLF);
  }

  set(n: number): void {
    this.raw(this.resp === 3 ? '~' + n + CRLF : '*' + n + CRLF);
  }

  /** Out-of-band push (Pub/Sub messages): `>n` in RESP3, an array in RESP2. */
  push(n: number): void {
    this.raw(this.resp === 3 ? '>' + n + CRLF : '*' + n + CRLF);
  }

  /** A double: `,d` in RESP3, a bulk string in RESP2. */
  double(d: number): void {
    const s = formatDouble(d);
    if (this.resp === 3) this.raw(',' + s + CRLF);
    else this.bulk(s);
  }

  bool(b: boolean): void {
    if (this.resp === 3) this.raw(b ? '#t\r\n' : '#f\r\n');
    else this.raw(b ? ':1\r\n' : ':0\r\n');
  }

  /** Verbatim text (INFO, CLIENT LIST …): `=len\r\ntxt:` in RESP3, a bulk string in RESP2. */
  verbatim(s: string): void {
    if (this.resp === 3) {
      this.raw('=' + (s.length + 4) + '\r\ntxt:');
      this.raw(s + CRLF);
    } else {
      this.bulk(s);
    }
  }

  /** Array of byte strings. */
  bulks(items: readonly (string | null)[]): void {
    this.array(items.length);
    for (const s of items) this.bulk(s);
  }

  /**
   * Writes a JSON-like value: objects as maps, arrays as arrays, strings as bulks, integers as
   * integers, null as the null reply. Arrays under a key in `statusKeys` are written as status
   * strings (Redis sends flags that way in COMMAND INFO/DOCS).
   */
  value(v: unknown, statusKeys?: ReadonlySet<string>): void {
    if (v === null || v === undefined) return this.nil();
    if (typeof v === 'string') return this.bulk(v);
    if (typeof v === 'number') return Number.isInteger(v) ? this.int(v) : this.double(v);
    if (typeof v === 'boolean') return this.bool(v);
    if (Array.isArray(v)) {
      this.array(v.length);
      for (const x of v) this.value(x, statusKeys);
      return;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    this.map(entries.length);
    for (const [k, x] of entries) {
      this.bulk(k);
      if (statusKeys?.has(k) && Array.isArray(x)) {
        this.array(x.length);
        for (const f of x) this.simple(String(f));
      } else {
        this.value(x, statusKeys);
      }
    }
  }
}
