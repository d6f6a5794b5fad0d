/**
 * Bit commands on string values (byte strings, bit 0 = MSB of byte 0), with Redis 7.0's replies,
 * errors and order of checks (bitops.c): SETBIT GETBIT BITCOUNT BITPOS BITOP, and BITFIELD /
 * BITFIELD_RO from bitfield.ts. In 7.0, BITCOUNT and BITPOS look the key up before parsing their
 * range: a missing key answers 0 (-1 for BITPOS 1) whatever the arguments.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { parseInt64, parseIntArg } from './args.js';
import { bitfieldHandlers } from './bitfield.js';
import { paddedBytes, parseBitOffset, POPCOUNT, readString, stringForBitWrite } from './bit-string.js';
import type { Handler } from './registry.js';

function setbit(c: Client, argv: string[]): void {
  const offset = parseBitOffset(c, argv[2]);
  if (offset === null) return;
  const on = parseInt64(argv[3]);
  if (on !== 0 && on !== 1) return c.out.error(Err.bitValue);
  const target = stringForBitWrite(c, argv[1], offset);
  if (target === null) return;
  const { cur, need } = target;
  const byte = Math.floor(offset / 8);
  const mask = 0x80 >> offset % 8;
  const old = byte < cur.length ? cur.charCodeAt(byte) : 0;
  const next = on ? old | mask : old & ~mask;
  if (next !== old || cur.length < need) {
    const buf = paddedBytes(cur, need);
    buf[byte] = next;
    c.db.set(argv[1], buf.latin1Slice(0, need), true);
  } else {
    // Unchanged, but Redis 7.0 still counts SETBIT as a write (signalled and propagated).
    c.db.touchWrite(argv[1]);
  }
  c.server.dirty++;
  c.out.int(old & mask ? 1 : 0);
}

function getbit(c: Client, argv: string[]): void {
  const offset = parseBitOffset(c, argv[2]);
  if (offset === null) return;
  const s = readString(c, argv[1]);
  if (s === null) return;
  const byte = Math.floor(offset / 8);
  if (s === undefined || byte >= s.length) return c.out.int(0);
  c.out.int((s.charCodeAt(byte) >> (7 - (offset % 8))) & 1);
}

// ---- ranges (BITCOUNT, BITPOS) -------------------------------------------------------------

/** BIT / BYTE; null after a syntax error reply. */
function parseUnit(c: Client, arg: string): boolean | null {
  const u = arg.toLowerCase();
  if (u === 'bit') return true;
  if (u === 'byte') return false;
  c.out.error(Err.syntax);
  return null;
}

/**
 * Redis's range normalization: negative indexes count from the end, then clamp into [0, total).
 * Returns the inclusive range as bit positions, or null when it is empty.
 */
function bitRange(start: number, end: number, total: number, isBit: boolean): [number, number] | null {
  if (start < 0) start += total;
  if (end < 0) end += total;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (start > end) return null;
  return isBit ? [start, end] : [start * 8, end * 8 + 7];
}

/** Set bits among bit positions first..last of s. */
function countBits(s: string, first: number, last: number): number {
  const fb = Math.floor(first / 8);
  const lb = Math.floor(last / 8);
  let n = 0;
  for (let i = fb; i <= lb; i++) n += POPCOUNT[s.charCodeAt(i)];
  // Bits of the edge bytes outside the range.
  n -= POPCOUNT[s.charCodeAt(fb) & ~(0xff >> first % 8) & 0xff];
  n -= POPCOUNT[s.charCodeAt(lb) & ((1 << (7 - (last % 8))) - 1)];
  return n;
}

function bitcount(c: Client, argv: string[]): void {
  const s = readString(c, argv[1]);
  if (s === null) return;
  if (s === undefined) return c.out.int(0);
  if (argv.length === 2) return c.out.int(s.length === 0 ? 0 : countBits(s, 0, s.length * 8 - 1));
  if (argv.length > 5 || argv.length === 3) return c.out.error(Err.syntax);
  const start = parseIntArg(argv[2]);
  const end = parseIntArg(argv[3]);
  if (start === null || end === null) return c.out.error(Err.notInteger);
  const isBit = argv.length === 5 ? parseUnit(c, argv[4]) : false;
  if (isBit === null) return;
  if (start < 0 && end < 0 && start > end) return c.out.int(0);
  const range = bitRange(start, end, isBit ? s.length * 8 : s.length, isBit);
  c.out.int(range === null ? 0 : countBits(s, range[0], range[1]));
}

/** Position of the first bit equal to `bit` among positions first..last of s, or -1. */
function findBit(s: string, first: number, last: number, bit: number): number {
  const fb = Math.floor(first / 8);
  const lb = Math.floor(last / 8);
  for (let i = fb; i <= lb; i++) {
    let v = bit ? s.charCodeAt(i) : ~s.charCodeAt(i) & 0xff;
    if (i === fb) v &= 0xff >> first % 8;
    if (i === lb) v &= (0xff << (7 - (last % 8))) & 0xff;
    if (v !== 0) return i * 8 + Math.clz32(v) - 24;
  }
  return -1;
}

function bitpos(c: Client, argv: string[]): void {
  const bit = parseIntArg(argv[2]);
  if (bit === null) return c.out.error(Err.notInteger);
  if (bit !== 0 && bit !== 1) return c.out.error(Err.bitposBit);
  const s = readString(c, argv[1]);
  if (s === null) return;
  // A missing key is an infinite run of zeros.
  if (s === undefined) return c.out.int(bit ? -1 : 0);
  if (argv.length > 6) return c.out.error(Err.syntax);
  let start = 0;
  let end = s.length - 1;
  let isBit: boolean | null = false;
  const endGiven = argv.length >= 5;
  if (argv.length >= 4) {
    const st = parseIntArg(argv[3]);
    if (st === null) return c.out.error(Err.notInteger);
    start = st;
    if (argv.length === 6 && (isBit = parseUnit(c, argv[5])) === null) return;
    if (endGiven) {
      const e = parseIntArg(argv[4]);
      if (e === null) return c.out.error(Err.notInteger);
      end = e;
    } else if (isBit) {
      end = s.length * 8 + 7;
    }
  }
  const range = bitRange(start, end, isBit ? s.length * 8 : s.length, isBit);
  if (range === null) return c.out.int(-1);
  const pos = findBit(s, range[0], range[1], bit);
  if (pos >= 0 || bit === 1) return c.out.int(pos);
  // No clear bit: past an open range the string counts as zero-padded; an explicit end does not.
  c.out.int(endGiven ? -1 : (Math.floor(range[1] / 8) + 1) * 8);
}

// ---- BITOP ---------------------------------------------------------------------------------

type ByteOp = (a: number, b: number) => number;
const BYTE_OPS: Record<string, ByteOp | null> = {
  and: (a, b) => a & b,
  or: (a, b) => a | b,
  xor: (a, b) => a ^ b,
  not: null,
};

function bitop(c: Client, argv: string[]): void {
  const name = argv[1].toLowerCase();
  if (!Object.hasOwn(BYTE_OPS, name)) return c.out.error(Err.syntax);
  const op = BYTE_OPS[name];
  if (op === null && argv.length !== 4) return c.out.error(Err.bitopNotSingle);
  const sources: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const s = readString(c, argv[j]);
    if (s === null) return;
    sources.push(s ?? '');
  }
  let maxlen = 0;
  for (const s of sources) if (s.length > maxlen) maxlen = s.length;
  const dst = argv[2];
  if (maxlen === 0) {
    if (c.db.delete(dst)) c.server.dirty++;
    return c.out.int(0);
  }
  const res = Buffer.alloc(maxlen);
  const first = sources[0];
  for (let j = 0; j < maxlen; j++) {
    let out = j < first.length ? first.charCodeAt(j) : 0;
    if (op === null) out = ~out & 0xff;
    else for (let i = 1; i < sources.length; i++) out = op(out, j < sources[i].length ? sources[i].charCodeAt(j) : 0);
    res[j] = out;
  }
  c.db.set(dst, res.toString('latin1'));
  c.server.dirty++;
  c.out.int(maxlen);
}

export const bitmapHandlers: Record<string, Handler> = {
  setbit,
  getbit,
  bitcount,
  bitpos,
  bitop,
  ...bitfieldHandlers,
};
