/**
 * MurmurHash64A, the 64-bit hash Redis's HyperLogLog uses (endian-neutral, as Redis modified it),
 * over a byte string (latin1, one char per byte). 64-bit arithmetic is done on two uint32 halves
 * so hashing millions of elements allocates nothing (BigInt would allocate per operation).
 */

const M_HI = 0xc6a4a793;
const M_LO = 0x5bd1e995;

/** The result of the last mul64 / murmurHash64A call, as two uint32 halves. */
export const hash64 = { hi: 0, lo: 0 };

/** (aHi:aLo * bHi:bLo) mod 2^64 into hash64. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  hash64.lo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  const carry = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  hash64.hi = (carry + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
}

/** Little-endian uint32 of the 4 bytes of `s` at `i`. */
function word(s: string, i: number): number {
  return (s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24)) >>> 0;
}

/** Hashes the byte string `s` with a 32-bit seed; the result is left in `hash64`. */
export function murmurHash64A(s: string, seed: number): void {
  const len = s.length;
  mul64(0, len, M_HI, M_LO);
  let hHi = hash64.hi;
  let hLo = (hash64.lo ^ seed) >>> 0;
  const end = len - (len & 7);
  for (let i = 0; i < end; i += 8) {
    mul64(word(s, i + 4), word(s, i), M_HI, M_LO);
    // k ^= k >> 47: only the high word's top 17 bits reach the low word.
    mul64(hash64.hi, (hash64.lo ^ (hash64.hi >>> 15)) >>> 0, M_HI, M_LO);
    mul64((hHi ^ hash64.hi) >>> 0, (hLo ^ hash64.lo) >>> 0, M_HI, M_LO);
    hHi = hash64.hi;
    hLo = hash64.lo;
  }
  const rest = len & 7;
  if (rest > 0) {
    // The tail bytes, XORed in at their little-endian positions (Redis's fall-through switch).
    for (let j = rest - 1; j >= 0; j--) {
      const b = s.charCodeAt(end + j);
      if (j >= 4) hHi ^= b << ((j - 4) * 8);
      else hLo ^= b << (j * 8);
    }
    mul64(hHi >>> 0, hLo >>> 0, M_HI, M_LO);
    hHi = hash64.hi;
    hLo = hash64.lo;
  }
  hLo = (hLo ^ (hHi >>> 15)) >>> 0;
  mul64(hHi, hLo, M_HI, M_LO);
  hash64.lo = (hash64.lo ^ (hash64.hi >>> 15)) >>> 0;
}
