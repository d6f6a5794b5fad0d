/**
 * BITFIELD and BITFIELD_RO (Redis 7.0's bitfieldGeneric): GET / SET / INCRBY on signed (i1..i64)
 * or unsigned (u1..u63) integers at any bit offset (`#n` = n × width), with OVERFLOW WRAP | SAT |
 * FAIL applying to the operations after it. Every argument is parsed before anything runs; a write
 * first zero-pads the string to the farthest bit written, and the operations then run in order on
 * those bytes (a GET sees an earlier SET of the same command). 64-bit values use BigInt.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { parseInt64 } from './args.js';
import { paddedBytes, parseBitOffset, readString, stringForBitWrite } from './bit-string.js';
import type { Handler } from './registry.js';

type Overflow = 'wrap' | 'sat' | 'fail';

interface FieldOp {
  kind: 'get' | 'set' | 'incrby';
  signed: boolean;
  bits: number;
  offset: number;
  /** SET value or INCRBY increment. */
  arg: bigint;
  overflow: Overflow;
}

/** `i<1..64>` or `u<1..63>` (u64 cannot be replied as a signed 64-bit integer). */
function parseType(arg: string): { signed: boolean; bits: number } | null {
  const sign = arg[0];
  if (sign !== 'i' && sign !== 'u') return null;
  const bits = parseInt64(arg.slice(1));
  const maxBits = sign === 'i' ? 64 : 63;
  if (typeof bits !== 'number' || bits < 1 || bits > maxBits) return null;
  return { signed: sign === 'i', bits };
}

/** All operations, or null after replying the first error (Redis parses everything first). */
function parseOps(c: Client, argv: string[]): FieldOp[] | null {
  const ops: FieldOp[] = [];
  let overflow: Overflow = 'wrap';
  for (let j = 2; j < argv.length; j++) {
    const remaining = argv.length - j - 1;
    const sub = argv[j].toLowerCase();
    if (sub === 'overflow' && remaining >= 1) {
      const o = argv[++j].toLowerCase();
      if (o !== 'wrap' && o !== 'sat' && o !== 'fail') return fail(c, Err.bitfieldOverflowType);
      overflow = o;
      continue;
    }
    const kind = sub === 'get' && remaining >= 2 ? 'get' : (sub === 'set' || sub === 'incrby') && remaining >= 3 ? sub : null;
    if (kind === null) return fail(c, Err.syntax);
    const type = parseType(argv[j + 1]);
    if (type === null) return fail(c, Err.bitfieldType);
    const offset = parseBitOffset(c, argv[j + 2], type.bits);
    if (offset === null) return null;
    let arg = 0n;
    if (kind !== 'get') {
      const v = parseInt64(argv[j + 3]);
      if (v === null) return fail(c, Err.notInteger);
      arg = BigInt(v);
    }
    ops.push({ kind, ...type, offset, arg, overflow });
    j += kind === 'get' ? 2 : 3;
  }
  return ops;
}

function fail(c: Client, msg: string): null {
  c.out.error(msg);
  return null;
}

/** The `bits`-wide unsigned integer at bit `offset`, reading bytes through `byteAt`. */
function readBits(byteAt: (i: number) => number, offset: number, bits: number): bigint {
  let v = 0n;
  for (let j = 0; j < bits; j++, offset++) {
    const bit = (byteAt(Math.floor(offset / 8)) >> (7 - (offset % 8))) & 1;
    v = (v << 1n) | BigInt(bit);
  }
  return v;
}

function writeBits(buf: Buffer, offset: number, bits: number, value: bigint): void {
  for (let j = 0; j < bits; j++, offset++) {
    const bit = Number((value >> BigInt(bits - 1 - j)) & 1n);
    const byte = Math.floor(offset / 8);
    const mask = 0x80 >> offset % 8;
    buf[byte] = bit ? buf[byte] | mask : buf[byte] & ~mask;
  }
}

const i64 = (v: bigint) => BigInt.asIntN(64, v);

/**
 * Redis's checkSignedBitfieldOverflow / checkUnsignedBitfieldOverflow for `value + incr`, with
 * their int64 arithmetic (a SET below an i63's minimum wraps `maxincr` and reads as an overflow
 * upwards, so SAT stores the maximum: Redis does, so slotgate does). 1, -1 or 0 (fits).
 */
function overflowDirection(value: bigint, incr: bigint, op: FieldOp): number {
  const bits = BigInt(op.bits);
  if (op.signed) {
    const max = (1n << (bits - 1n)) - 1n;
    const min = -max - 1n;
    const maxincr = i64(max - value);
    const minincr = i64(min - value);
    const partial = op.bits !== 64;
    if (value > max || (partial && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) return 1;
    if (value < min || (partial && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) return -1;
    return 0;
  }
  const max = (1n << bits) - 1n;
  if (value > max || (incr > 0n && incr > i64(max - value))) return 1;
  if (incr < 0n && incr < i64(-value)) return -1;
  return 0;
}

/** The value to store for `value + incr` per the overflow mode, or null when FAIL refuses it. */
function fit(value: bigint, incr: bigint, op: FieldOp): bigint | null {
  const dir = overflowDirection(value, incr, op);
  const sum = value + incr;
  if (dir === 0) return sum;
  if (op.overflow === 'fail') return null;
  if (op.overflow === 'wrap') return op.signed ? BigInt.asIntN(op.bits, sum) : BigInt.asUintN(op.bits, sum);
  const n = BigInt(op.bits);
  if (op.signed) return dir > 0 ? (1n << (n - 1n)) - 1n : -(1n << (n - 1n));
  return dir > 0 ? (1n << n) - 1n : 0n;
}

/** Runs one operation on the bytes; its reply value (null: FAIL overflow). */
function apply(buf: Buffer | null, read: (i: number) => number, op: FieldOp): bigint | null {
  const raw = readBits(read, op.offset, op.bits);
  const old = op.signed ? BigInt.asIntN(op.bits, raw) : raw;
  if (op.kind === 'get') return old;
  // An unsigned SET takes the argument as C's uint64 cast does (a negative is huge, so it overflows).
  const next = op.kind === 'incrby' ? fit(old, op.arg, op) : fit(op.signed ? op.arg : BigInt.asUintN(64, op.arg), 0n, op);
  if (next === null) return null;
  writeBits(buf!, op.offset, op.bits, BigInt.asUintN(op.bits, next));
  return op.kind === 'incrby' ? next : old;
}

function bitfieldGeneric(c: Client, argv: string[], readOnly: boolean): void {
  const ops = parseOps(c, argv);
  if (ops === null) return;
  const writes = ops.filter((op) => op.kind !== 'get');
  if (writes.length === 0) return runReads(c, argv[1], ops);
  if (readOnly) return c.out.error(Err.bitfieldRoGetOnly);
  const maxBit = writes.reduce((m, op) => Math.max(m, op.offset + op.bits - 1), 0);
  const target = stringForBitWrite(c, argv[1], maxBit);
  if (target === null) return;
  const buf = paddedBytes(target.cur, target.need);
  const read = (i: number) => (i < buf.length ? buf[i] : 0);
  let changes = 0;
  c.out.array(ops.length);
  for (const op of ops) {
    const r = apply(buf, read, op);
    if (r === null) {
      c.out.nil();
    } else {
      if (op.kind !== 'get') changes++;
      c.out.int(r);
    }
  }
  // Created or padded, the string is stored even when every write failed (as Redis grows it).
  if (changes > 0 || target.cur.length < target.need) c.db.set(argv[1], buf.latin1Slice(0, buf.length), true);
  c.server.dirty += changes;
}

/** Only GETs: a read lookup, and a missing key reads as zeros. */
function runReads(c: Client, key: string, ops: FieldOp[]): void {
  const s = readString(c, key);
  if (s === null) return;
  const str = s ?? '';
  const read = (i: number) => (i < str.length ? str.charCodeAt(i) : 0);
  c.out.array(ops.length);
  for (const op of ops) c.out.int(apply(null, read, op)!);
}

export const bitfieldHandlers: Record<string, Handler> = {
  bitfield: (c, argv) => bitfieldGeneric(c, argv, false),
  bitfield_ro: (c, argv) => bitfieldGeneric(c, argv, true),
};
