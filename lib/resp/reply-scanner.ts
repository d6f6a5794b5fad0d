/**
 * Finds the boundaries of RESP2/RESP3 reply frames in a byte stream without decoding them: the
 * proxy splices a backend's reply bytes back to the client unchanged (DESIGN §5). Resumable: its
 * state (open aggregates, bytes of a bulk still to skip) survives chunk boundaries, so a huge reply
 * arriving in many chunks is scanned once, never re-scanned from its start.
 *
 * We do not use redis-parser here: it decodes every reply into JS values (strings, arrays), which is
 * exactly the per-reply allocation the proxy's hot path avoids, and it cannot report byte offsets.
 */
import { parseIntAscii } from './parser.js';

export class ReplyProtocolError extends Error {}

const LF = 10;
const CR = 13;

export type FrameSink = (frame: Buffer) => void;

export class ReplyScanner {
  /** Elements still due per open aggregate, innermost last. */
  private readonly stack: number[] = [];
  /** Bytes of a bulk body (with its CRLF) still to skip. */
  private bulkLeft = 0;
  /** Bytes of the frame in progress that arrived in earlier chunks. */
  private pieces: Buffer[] = [];
  /** A header line cut by a chunk boundary (its bytes are also in `pieces`). */
  private lineCarry: Buffer | null = null;

  constructor(private readonly sink: FrameSink) {}

  /** True while a frame is partly received. */
  get midFrame(): boolean {
    return this.pieces.length > 0 || this.bulkLeft > 0 || this.stack.length > 0 || this.lineCarry !== null;
  }

  /** Scans a chunk, calling the sink for each complete top-level frame. Throws ReplyProtocolError. */
  feed(chunk: Buffer): void {
    const n = chunk.length;
    let pos = 0;
    let frameStart = 0;
    while (pos < n) {
      if (this.bulkLeft > 0) {
        const take = Math.min(this.bulkLeft, n - pos);
        pos += take;
        this.bulkLeft -= take;
        if (this.bulkLeft > 0) break;
        if (this.elementDone()) frameStart = this.emit(chunk, frameStart, pos);
        continue;
      }
      const lf = chunk.indexOf(LF, pos);
      if (lf < 0) {
        const tail = chunk.subarray(pos);
        this.lineCarry = this.lineCarry ? Buffer.concat([this.lineCarry, tail]) : tail;
        if (this.lineCarry.length > 64 * 1024) throw new ReplyProtocolError('reply header line too long');
        pos = n;
        break;
      }
      let line = chunk;
      let start = pos;
      if (this.lineCarry) {
        line = Buffer.concat([this.lineCarry, chunk.subarray(pos, lf + 1)]);
        start = 0;
        this.lineCarry = null;
      }
      const end = line === chunk ? lf : line.length - 1;
      pos = lf + 1;
      if (this.header(line, start, end > start && line[end - 1] === CR ? end - 1 : end)) {
        frameStart = this.emit(chunk, frameStart, pos);
      }
    }
    if (frameStart < n && this.midFrame) this.pieces.push(chunk.subarray(frameStart));
  }

  /** Handles one header line; returns true when it completed a top-level frame. */
  private header(line: Buffer, start: number, end: number): boolean {
    const type = line[start];
    switch (type) {
      case 43: // + simple string
      case 45: // - error
      case 58: // : integer
      case 95: // _ null
      case 35: // # boolean
      case 44: // , double
      case 40: // ( big number
        return this.elementDone();
      case 36: // $ bulk
      case 33: // ! bulk error
      case 61: { // = verbatim
        const len = this.count(line, start, end);
        if (len < 0) return this.elementDone();
        this.bulkLeft = len + 2;
        return false;
      }
      case 42: // * array
      case 126: // ~ set
      case 62: // > push
        return this.open(this.count(line, start, end));
      case 37: // % map: key and value per entry
        return this.open(this.count(line, start, end) * 2);
      case 124: // | attribute: its entries, then the value it annotates, count as one element
        return this.open(this.count(line, start, end) * 2 + 1);
      default:
        throw new ReplyProtocolError(`unexpected reply type byte ${type}`);
    }
  }

  private count(line: Buffer, start: number, end: number): number {
    const n = parseIntAscii(line, start + 1, end);
    if (Number.isNaN(n)) throw new ReplyProtocolError('invalid length in reply');
    return n;
  }

  private open(n: number): boolean {
    if (n <= 0) return this.elementDone(); // empty or null aggregate
    this.stack.push(n);
    return false;
  }

  /** One element finished: closes every aggregate it completes; true when the top level is done. */
  private elementDone(): boolean {
    const st = this.stack;
    while (st.length > 0) {
      if (--st[st.length - 1] > 0) return false;
      st.pop();
    }
    return true;
  }

  private emit(chunk: Buffer, frameStart: number, pos: number): number {
    if (this.pieces.length === 0) {
      this.sink(chunk.subarray(frameStart, pos));
    } else {
      this.pieces.push(chunk.subarray(frameStart, pos));
      const frame = Buffer.concat(this.pieces);
      this.pieces = [];
      this.sink(frame);
    }
    return pos;
  }
}

/** The element frames of one complete aggregate frame (e.g. an MGET reply), in order. */
export function aggregateElements(frame: Buffer): Buffer[] {
  const lf = frame.indexOf(LF);
  const out: Buffer[] = [];
  if (lf < 0 || lf + 1 >= frame.length) return out;
  new ReplyScanner((f) => out.push(f)).feed(frame.subarray(lf + 1));
  return out;
}

/**
 * The byte bounds of a flat array reply's elements (bulk strings, nils, simple values) without
 * making a view per element (the proxy's MGET merge): element j's bounds go to starts/ends at index
 * at[j]. False when the frame is not such an array of exactly at.length elements (an aggregate
 * inside, a count mismatch): the caller then uses aggregateElements.
 */
export function flatElementBounds(frame: Buffer, at: readonly number[], starts: Int32Array, ends: Int32Array): boolean {
  if (frame[0] !== 42) return false;
  let lf = findLF(frame, 1);
  if (lf < 0 || parseIntAscii(frame, 1, lineEnd(frame, lf)) !== at.length) return false;
  let pos = lf + 1;
  for (const k of at) {
    const type = frame[pos];
    lf = findLF(frame, pos);
    if (lf < 0) return false;
    let end = lf + 1;
    if (type === 36) {
      const len = parseIntAscii(frame, pos + 1, lineEnd(frame, lf));
      if (Number.isNaN(len)) return false;
      if (len >= 0) end += len + 2;
    } else if (type === 42 || type === 37 || type === 126 || type === 62 || type === 124 || type === 33 || type === 61) {
      return false;
    }
    if (end > frame.length) return false;
    starts[k] = pos;
    ends[k] = end;
    pos = end;
  }
  return pos === frame.length;
}

/** The next LF at or after pos, or -1. Header lines are short: a JS scan beats indexOf's C++ call. */
function findLF(frame: Buffer, pos: number): number {
  const n = frame.length;
  for (let i = pos; i < n; i++) if (frame[i] === 10) return i;
  return -1;
}

/** Where a header line ending at lf stops (before its CR, when it has one). */
function lineEnd(frame: Buffer, lf: number): number {
  return frame[lf - 1] === 13 ? lf - 1 : lf;
}

/** The integer of a `:n` reply, or NaN. */
export function integerReply(frame: Buffer): number {
  if (frame[0] !== 58) return NaN;
  return parseIntAscii(frame, 1, lineEnd(frame, frame.indexOf(LF)));
}

/** The text of an error reply (without `-` and CRLF), or null when the frame is not an error. */
export function errorText(frame: Buffer): string | null {
  if (frame[0] !== 45) return null;
  const end = frame.length >= 2 && frame[frame.length - 2] === CR ? frame.length - 2 : frame.length - 1;
  return frame.latin1Slice(1, end);
}
