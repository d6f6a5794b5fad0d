/**
 * What EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT share, with Redis's exact rules: the NX|XX|GT|LT
 * flags (checked before the time is even parsed), the 64-bit overflow checks when the time becomes
 * absolute milliseconds, and which flags let a new expiry replace the current one.
 */
import { Err } from '../../lib/errors.js';
import { INT64_MAX, INT64_MIN } from './args.js';

export const EXPIRE_NX = 1;
export const EXPIRE_XX = 2;
export const EXPIRE_GT = 4;
export const EXPIRE_LT = 8;

const FLAG_BITS = new Map([['nx', EXPIRE_NX], ['xx', EXPIRE_XX], ['gt', EXPIRE_GT], ['lt', EXPIRE_LT]]);

/** The flags after the time (argv[3..]) as bits, or Redis's error text. */
export function parseExpireFlags(argv: readonly string[]): number | string {
  let flags = 0;
  for (let i = 3; i < argv.length; i++) {
    const bit = FLAG_BITS.get(argv[i].toLowerCase());
    if (bit === undefined) return Err.unsupportedOption(argv[i]);
    flags |= bit;
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) return Err.expireNxAndOthers;
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) return Err.expireGtAndLt;
  return flags;
}

/**
 * `when` (in units of `unitMs`) plus `basetimeMs` as absolute ms, or null where Redis finds it
 * overflows a signed 64-bit integer (it then answers "invalid expire time"). Negative times are
 * allowed: they lie in the past.
 */
export function absoluteExpireMs(when: bigint, unitMs: 1 | 1000, basetimeMs: number): bigint | null {
  if (unitMs === 1000) {
    // C's LLONG_MAX / 1000 truncates toward zero, as BigInt division does.
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) return null;
    when *= 1000n;
  }
  const base = BigInt(basetimeMs);
  if (when > INT64_MAX - base) return null;
  return when + base;
}

/**
 * Whether the flags let a key whose current expiry is `current` (undefined: none, which GT and LT
 * treat as an infinite TTL) take the new expiry `when`.
 */
export function expireFlagsAllow(flags: number, current: number | undefined, when: bigint): boolean {
  if (flags & EXPIRE_NX && current !== undefined) return false;
  if (flags & EXPIRE_XX && current === undefined) return false;
  if (flags & EXPIRE_GT && (current === undefined || when <= BigInt(current))) return false;
  if (flags & EXPIRE_LT && current !== undefined && when >= BigInt(current)) return false;
  return true;
}
