/**
 * Stream entry IDs ("<ms>-<seq>", two unsigned 64-bit numbers) held as one bigint, ms << 64 | seq,
 * so IDs compare with < and > and sort like Redis's big-endian 128-bit rax keys.
 */
export type StreamId = bigint;

export const U64_MAX = (1n << 64n) - 1n;
export const ID_ZERO: StreamId = 0n;
export const ID_MAX: StreamId = (1n << 128n) - 1n;

export function makeId(ms: bigint, seq: bigint): StreamId {
  return (ms << 64n) | seq;
}

export function idMs(id: StreamId): bigint {
  return id >> 64n;
}

export function idSeq(id: StreamId): bigint {
  return id & U64_MAX;
}

export function formatId(id: StreamId): string {
  return `${id >> 64n}-${id & U64_MAX}`;
}

/** The next ID (streamIncrID); null past the last possible ID. */
export function incrId(id: StreamId): StreamId | null {
  return id === ID_MAX ? null : id + 1n;
}

/** The previous ID (streamDecrID); null before 0-0. */
export function decrId(id: StreamId): StreamId | null {
  return id === ID_ZERO ? null : id - 1n;
}

const C_SPACE = /^[ \t\n\v\f\r]*/;
const CANONICAL_INT = /^(0|-?[1-9][0-9]*)$/;
const STRTOULL = /^([+-]?)([0-9]+)$/;

/**
 * Redis's string2ull: a canonical int64 must not be negative; anything else goes through strtoull
 * (leading spaces, a sign — a minus negates modulo 2^64 — and leading zeros allowed).
 */
export function parseU64(s: string): bigint | null {
  if (CANONICAL_INT.test(s) && s.length <= 20) {
    const v = BigInt(s);
    if (v <= 9223372036854775807n && v >= -9223372036854775808n) return v < 0n ? null : v;
  }
  const m = STRTOULL.exec(s.replace(C_SPACE, ''));
  if (m === null) return null;
  const v = BigInt(m[2]);
  if (v > U64_MAX) return null;
  return m[1] === '-' && v !== 0n ? (1n << 64n) - v : v;
}

export interface ParsedId {
  id: StreamId;
  /** False for "<ms>-*" (XADD: the sequence is to be generated). */
  seqGiven: boolean;
}

/**
 * streamGenericParseIDOrReply: "-" and "+" (unless strict), "<ms>", "<ms>-<seq>" and, when
 * `allowSeqStar`, "<ms>-*". A missing sequence is `missingSeq`. Null when invalid.
 */
export function parseStreamId(arg: string, missingSeq: bigint, strict: boolean, allowSeqStar = false): ParsedId | null {
  if (arg.length > 127) return null;
  const nul = arg.indexOf('\0');
  const s = nul >= 0 ? arg.slice(0, nul) : arg;
  if (s === '-' || s === '+') {
    if (strict) return null;
    return { id: s === '-' ? ID_ZERO : ID_MAX, seqGiven: true };
  }
  const dash = s.indexOf('-');
  const ms = parseU64(dash >= 0 ? s.slice(0, dash) : s);
  if (ms === null) return null;
  if (dash < 0) return { id: makeId(ms, missingSeq), seqGiven: true };
  const rest = s.slice(dash + 1);
  if (allowSeqStar && rest === '*') return { id: makeId(ms, 0n), seqGiven: false };
  const seq = parseU64(rest);
  return seq === null ? null : { id: makeId(ms, seq), seqGiven: true };
}
