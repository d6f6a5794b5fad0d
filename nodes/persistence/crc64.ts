/**
 * CRC-64/Jones (reflected, polynomial 0xad93d23594c935a9, init 0, no final xor) — the checksum
 * Redis puts in DUMP payloads and RDB files. Computed bytewise over two 32-bit halves with a
 * table, since BigInt arithmetic per byte would be far too slow for snapshots.
 */
const POLY = 0x95ac9329ac4bc9b5n; // 0xad93d23594c935a9 bit-reflected

const LO = new Uint32Array(256);
const HI = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let crc = BigInt(i);
  for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ POLY : crc >> 1n;
  LO[i] = Number(crc & 0xffffffffn);
  HI[i] = Number(crc >> 32n);
}

/** The CRC-64 of `buf[start, end)`, continuing from `crc` (0 to start). */
export function crc64(buf: Uint8Array, start = 0, end = buf.length, crc = 0n): bigint {
  let lo = Number(crc & 0xffffffffn);
  let hi = Number(crc >> 32n);
  for (let i = start; i < end; i++) {
    const idx = (lo ^ buf[i]) & 0xff;
    lo = ((lo >>> 8) | ((hi & 0xff) << 24)) ^ LO[idx];
    hi = (hi >>> 8) ^ HI[idx];
  }
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}
