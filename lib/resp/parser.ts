/**
 * Streaming parser for client requests: RESP multibulk (`*N\r\n$len\r\n…`) and inline commands
 * (`SET k v\n`, as telnet and redis-cli's pipe mode send). Arguments come out as latin1 strings:
 * slotgate keeps every key and value as a "byte string" (one char per byte), which is binary-safe
 * and lets V8 store them as compact one-byte strings.
 *
 * We do not use redis-parser here: it parses replies, not inline requests, buffers a whole declared
 * bulk before it can enforce `proto-max-bulk-len`, and cannot report byte offsets (the proxy needs them
 * to forward original bytes). See bench/resp-parser-bench.ts for the measured comparison.
 */
import { isSharedReadView } from '../net/shared-read.js';
import { splitInlineArgs } from './inline.js';

export interface ParserLimits {
  /** proto-max-bulk-len: largest bulk argument accepted (Redis: 512 MB). */
  maxBulkLen: number;
  /** Largest multibulk count accepted (Redis: INT_MAX). */
  maxMultibulkLen: number;
  /** Largest inline request / header line without a newline (Redis: 64 KB). */
  maxInlineLen: number;
}

export const DEFAULT_LIMITS: ParserLimits = {
  maxBulkLen: 512 * 1024 * 1024,
  maxMultibulkLen: 2147483647,
  maxInlineLen: 64 * 1024,
};

/** Thrown inside the parser; the message is the full Redis error text ("Protocol error: …"). */
export class ProtocolError extends Error {}

/** Never written: stands for "nothing buffered" without allocating. */
const EMPTY = Buffer.alloc(0);
const CR = 13;
const LF = 10;
const STAR = 42;
const DOLLAR = 36;
/** Bulks at least this large are copied into one preallocated buffer instead of re-concatenated. */
const BIG_BULK = 32 * 1024;
/**
 * V8's longest string (2^29 - 24 chars). proto-max-bulk-len's 512 MB default is 24 bytes longer;
 * such a bulk is refused like any over-limit bulk instead of crashing the string conversion.
 */
const MAX_STRING = (1 << 29) - 24;

/**
 * `raw` is the command's original bytes when the parser was asked to keep them (the proxy forwards
 * them unchanged) and the command arrived as one multibulk within the buffered bytes; null for
 * inline commands and for commands carried by a big bulk (the proxy re-encodes those).
 */
export type CommandSink = (argv: string[], raw: Buffer | null) => void;

export class RequestParser {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Arguments still expected in the current multibulk; 0 when between commands. */
  private remaining = 0;
  /** Declared length of the bulk being read; -1 while its `$len` header is still due. */
  private bulkLen = -1;
  private argv: string[] = [];
  private big: Buffer[] | null = null;
  private bigFill = 0;
  /** Set after a protocol error: the connection is being closed, input is ignored. */
  failed = false;
  /** Offset in buf of the current multibulk's `*` (keepRaw only), -1 when unknown. */
  private cmdStart = -1;

  constructor(
    private readonly sink: CommandSink,
    public limits: ParserLimits = DEFAULT_LIMITS,
    /** Hand the sink each command's original bytes (the proxy); costs nothing when false. */
    private readonly keepRaw = false,
  ) {}

  /** Bytes buffered but not yet consumed (for CLIENT LIST qbuf and memory accounting). */
  get pending(): number {
    return this.buf.length - this.pos + this.bigFill;
  }

  /**
   * Consumes a chunk, calling the sink for every complete command. Throws ProtocolError on malformed
   * input (after the commands preceding the error were delivered, as Redis executes them).
   */
  feed(chunk: Buffer): void {
    if (this.failed) return;
    if (this.big) chunk = this.fillBig(chunk);
    if (chunk.length === 0) return;
    if (this.keepRaw && this.remaining > 0 && this.cmdStart >= 0) {
      // Mid-command: keep its bytes from the `*` so they can still be forwarded whole.
      this.buf = Buffer.concat([this.buf.subarray(this.cmdStart), chunk]);
      this.pos -= this.cmdStart;
      this.cmdStart = 0;
    } else if (this.pos >= this.buf.length) {
      this.buf = chunk;
      this.pos = 0;
    } else {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
      this.pos = 0;
    }
    try {
      this.parse();
    } catch (e) {
      this.failed = true;
      this.buf = Buffer.alloc(0);
      throw e;
    }
    if (isSharedReadView(this.buf)) this.detachFromSharedRead();
  }

  /** Copies out what the next read into the shared buffer would overwrite: the unparsed rest. */
  private detachFromSharedRead(): void {
    // keepRaw needs the current command's bytes from its `*`.
    const keepCmd = this.keepRaw && this.remaining > 0 && this.cmdStart >= 0;
    const from = keepCmd ? this.cmdStart : this.pos;
    this.buf = from < this.buf.length ? Buffer.from(this.buf.subarray(from)) : EMPTY;
    this.pos -= from;
    this.cmdStart = keepCmd ? 0 : -1;
  }

  private parse(): void {
    const buf = this.buf;
    while (this.pos < buf.length) {
      if (this.remaining === 0) {
        if (buf[this.pos] === STAR) {
          if (!this.readMultibulkHeader()) return;
        } else if (!this.readInline()) {
          return;
        }
        continue;
      }
      if (this.bulkLen < 0 && !this.readBulkHeader()) return;
      if (!this.readBulkBody()) return;
    }
  }

  /** Index of the `\r` of the next CRLF-terminated line starting at pos, or -1. */
  private lineEnd(from: number): number {
    const i = this.buf.indexOf(LF, from);
    if (i < 0) return -1;
    return i;
  }

  private readMultibulkHeader(): boolean {
    const nl = this.lineEnd(this.pos);
    if (nl < 0) {
      if (this.buf.length - this.pos > this.limits.maxInlineLen) {
        throw new ProtocolError('Protocol error: too big mbulk count string');
      }
      return false;
    }
    const n = parseIntAscii(this.buf, this.pos + 1, this.buf[nl - 1] === CR ? nl - 1 : nl);
    if (Number.isNaN(n) || n > this.limits.maxMultibulkLen) {
      throw new ProtocolError('Protocol error: invalid multibulk length');
    }
    this.cmdStart = this.pos;
    this.pos = nl + 1;
    if (n <= 0) return true; // `*0` and `*-1` are empty requests: skipped, as Redis does
    this.remaining = n;
    this.bulkLen = -1;
    // Never trust the declared count for allocation: a `*10000000` header costs nothing until sent.
    this.argv = [];
    return true;
  }

  private readBulkHeader(): boolean {
    const buf = this.buf;
    const nl = this.lineEnd(this.pos);
    if (nl < 0) {
      if (buf.length - this.pos > this.limits.maxInlineLen) {
        throw new ProtocolError('Protocol error: too big bulk count string');
      }
      return false;
    }
    if (buf[this.pos] !== DOLLAR) {
      throw new ProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(buf[this.pos])}'`);
    }
    const n = parseIntAscii(buf, this.pos + 1, buf[nl - 1] === CR ? nl - 1 : nl);
    if (Number.isNaN(n) || n < 0 || n > this.limits.maxBulkLen || n > MAX_STRING) {
      throw new ProtocolError('Protocol error: invalid bulk length');
    }
    this.pos = nl + 1;
    this.bulkLen = n;
    return true;
  }

  private readBulkBody(): boolean {
    const buf = this.buf;
    const n = this.bulkLen;
    const avail = buf.length - this.pos;
    if (avail < n + 2) {
      if (n >= BIG_BULK) this.startBig(buf.subarray(this.pos));
      return false;
    }
    const arg = buf.latin1Slice(this.pos, this.pos + n);
    this.pos += n + 2;
    this.pushArg(arg);
    return true;
  }

  private pushArg(arg: string): void {
    this.argv.push(arg);
    this.bulkLen = -1;
    if (--this.remaining === 0) {
      const argv = this.argv;
      this.argv = [];
      const raw = this.keepRaw && this.cmdStart >= 0 ? this.buf.subarray(this.cmdStart, this.pos) : null;
      this.sink(argv, raw);
    }
  }

  /**
   * A large bulk is collected as the chunks arrive and joined once complete: O(n) in its size, and
   * memory grows only with bytes actually received, never with what a header merely declares.
   */
  private startBig(have: Buffer): void {
    this.big = [Buffer.from(have)];
    this.bigFill = have.length;
    this.cmdStart = -1;
    this.buf = Buffer.alloc(0);
    this.pos = 0;
  }

  /** Adds a chunk to the big bulk; returns what is left of the chunk once the bulk is complete. */
  private fillBig(chunk: Buffer): Buffer {
    const need = this.bulkLen + 2 - this.bigFill;
    const take = Math.min(need, chunk.length);
    const part = chunk.subarray(0, take);
    this.bigFill += take;
    if (take < need) {
      this.big!.push(isSharedReadView(chunk) ? Buffer.from(part) : part);
      return EMPTY;
    }
    this.big!.push(part);
    const whole = Buffer.concat(this.big!, this.bulkLen + 2);
    this.big = null;
    this.bigFill = 0;
    this.pushArg(whole.latin1Slice(0, this.bulkLen));
    return chunk.subarray(take);
  }

  private readInline(): boolean {
    const buf = this.buf;
    const nl = this.lineEnd(this.pos);
    if (nl < 0) {
      if (buf.length - this.pos > this.limits.maxInlineLen) {
        throw new ProtocolError('Protocol error: too big inline request');
      }
      return false;
    }
    const end = nl > this.pos && buf[nl - 1] === CR ? nl - 1 : nl;
    const line = buf.latin1Slice(this.pos, end);
    this.pos = nl + 1;
    const argv = splitInlineArgs(line);
    if (argv === null) throw new ProtocolError('Protocol error: unbalanced quotes in request');
    if (argv.length > 0) this.sink(argv, null);
    return true;
  }
}

/** Parses a signed decimal integer from ASCII bytes; NaN when malformed or empty. */
export function parseIntAscii(buf: Buffer, start: number, end: number): number {
  if (start >= end) return NaN;
  let i = start;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    if (++i === end) return NaN;
  }
  let n = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  if (n > Number.MAX_SAFE_INTEGER) return NaN;
  return neg ? -n : n;
}
