/**
 * What the bit commands (SETBIT, BITFIELD …) share: bit offsets parsed as Redis's
 * getBitOffsetFromArgument does, and the write lookup that zero-pads the string
 * (lookupStringForBitCommand). Bit 0 is the most significant bit of the first byte.
 */
import { constants } from 'node:buffer';
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { lookupRead } from './keys-lookup.js';
import { parseInt64 } from './args.js';

/** A read lookup of a string value: the value, undefined when missing, null after WRONGTYPE. */
export function readString(c: Client, key: string): string | undefined | null {
  const v = lookupRead(c, key, true);
  if (v !== undefined && typeof v !== 'string') {
    c.out.error(Err.wrongType);
    return null;
  }
  return v;
}

/**
 * A bit offset, below proto-max-bulk-len bytes; with `hashBits` (BITFIELD) `#n` means n × bits.
 * Null after replying the error.
 */
export function parseBitOffset(c: Client, arg: string, hashBits = 0): number | null {
  const useHash = hashBits > 0 && arg.charCodeAt(0) === 35; // '#'
  const v = parseInt64(useHash ? arg.slice(1) : arg);
  const offset = typeof v === 'number' ? (useHash ? v * hashBits : v) : -1;
  if (offset < 0 || Math.floor(offset / 8) >= c.server.config.get<number>('proto-max-bulk-len')) {
    c.out.error(Err.bitOffset);
    return null;
  }
  return offset;
}

/**
 * The string at `key` for a write reaching bit `maxBit` ('' when missing) and the length in bytes
 * it must be padded to. Null after replying WRONGTYPE, or when V8 cannot hold a string that long
 * (Redis can, up to proto-max-bulk-len: slotgate's one limit here).
 */
export function stringForBitWrite(c: Client, key: string, maxBit: number): { cur: string; need: number } | null {
  const v = c.db.get(key);
  if (v !== undefined && typeof v !== 'string') {
    c.out.error(Err.wrongType);
    return null;
  }
  const need = Math.max(Math.floor(maxBit / 8) + 1, v?.length ?? 0);
  if (need > constants.MAX_STRING_LENGTH) {
    c.out.error(Err.stringTooLong);
    return null;
  }
  return { cur: v ?? '', need };
}

/**
 * `cur`'s bytes in a buffer of `need` bytes, zero-padded. Editing a copy and slicing it back to a
 * string costs two memcpys; V8 slices and concatenation cost more on large bitmaps.
 */
export function paddedBytes(cur: string, need: number): Buffer {
  const buf = Buffer.allocUnsafe(need);
  buf.latin1Write(cur, 0);
  buf.fill(0, cur.length);
  return buf;
}

/** Bits set in each byte value. */
export const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + POPCOUNT[i >> 1];
