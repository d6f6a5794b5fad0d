/**
 * Redis's HyperLogLog, byte for byte (hyperloglog.c of Redis 7.0): a string value with a 16-byte
 * header ("HYLL", encoding, 3 unused bytes, cached cardinality little-endian, its top bit set when
 * stale) followed by 16384 6-bit registers, either dense (12288 bytes) or sparse (run-length
 * opcodes ZERO / XZERO / VAL, promoted to dense past 3000 bytes or a register value above 32).
 * Keeping Redis's exact format means GET/DUMP/RESTORE see the same bytes Redis would produce, and
 * the same register histogram gives the same PFCOUNT.
 */
import { hash64, murmurHash64A } from './murmur64.js';
import { encodingLimits } from './encoding-limits.js';

const HLL_P = 14;
const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
const HLL_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
const HDR = 16;
const DENSE_SIZE = HDR + ((HLL_REGISTERS * HLL_BITS + 7) >> 3);
const DENSE = 0;
const SPARSE = 1;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const XZERO_BIT = 0x40;
const VAL_BIT = 0x80;
const ALPHA_INF = 0.721347520444481703680; // 0.5 / ln(2)
const SEED = 0xadc83b19;

const isZero = (op: number) => (op & 0xc0) === 0;
const isXzero = (op: number) => (op & 0xc0) === XZERO_BIT;
const isVal = (op: number) => (op & VAL_BIT) !== 0;
const zeroLen = (op: number) => (op & 0x3f) + 1;
const valValue = (op: number) => ((op >> 2) & 0x1f) + 1;
const valLen = (op: number) => (op & 0x3) + 1;
const valOp = (value: number, len: number) => (((value - 1) << 2) | (len - 1) | VAL_BIT);

/** Register index and run length ("000…1" pattern + 1) of an element: Redis's hllPatLen. */
export function patLen(ele: string): { index: number; count: number } {
  murmurHash64A(ele, SEED);
  const index = hash64.lo & HLL_P_MASK;
  // hash >>= P, then bit Q is set so the count stays ≤ Q+1.
  const lo = (hash64.lo >>> HLL_P) | (hash64.hi << (32 - HLL_P));
  const hi = (hash64.hi >>> HLL_P) | (1 << (HLL_Q - 32));
  const count = lo !== 0 ? ctz(lo) + 1 : 32 + ctz(hi) + 1;
  return { index, count };
}

function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}

export class Hll {
  private constructor(
    /** Backing bytes; capacity beyond `len` (sparse growth, the dense macros' spare byte). */
    private bytes: Uint8Array,
    private len: number,
  ) {}

  /** An empty HLL as PFADD creates it: sparse, a single XZERO opcode per 16384 registers. */
  static empty(): Hll {
    const len = HDR + 2;
    const b = new Uint8Array(len + 3);
    b.set([0x48, 0x59, 0x4c, 0x4c, SPARSE]); // "HYLL", sparse
    b[HDR] = ((HLL_REGISTERS - 1) >> 8) | XZERO_BIT;
    b[HDR + 1] = (HLL_REGISTERS - 1) & 0xff;
    return new Hll(b, len);
  }

  /** The HLL in a string value, or null when it is not one (Redis's isHLLObjectOrReply). */
  static parse(s: string): Hll | null {
    const n = s.length;
    if (n < HDR || !s.startsWith('HYLL')) return null;
    const enc = s.charCodeAt(4);
    if (enc > SPARSE || (enc === DENSE && n !== DENSE_SIZE)) return null;
    const b = Buffer.alloc(n + 4);
    b.latin1Write(s, 0);
    return new Hll(b, n);
  }

  toString(): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.len).toString('latin1');
  }

  get isDense(): boolean {
    return this.bytes[4] === DENSE;
  }

  // ---- cached cardinality --------------------------------------------------------------------

  invalidateCache(): void {
    this.bytes[15] |= 0x80;
  }

  /** The cached cardinality, or null when it is stale. */
  cachedCount(): number | null {
    const b = this.bytes;
    if (b[15] & 0x80) return null;
    let v = 0;
    for (let i = 15; i >= 8; i--) v = v * 256 + b[i];
    return v;
  }

  setCachedCount(card: number): void {
    for (let i = 8; i < 16; i++) {
      this.bytes[i] = card % 256;
      card = Math.floor(card / 256);
    }
  }

  // ---- adding ---------------------------------------------------------------------------------

  /** Adds an element: 1 when a register changed, 0 when not, -1 when the HLL is corrupt. */
  add(ele: string): number {
    const { index, count } = patLen(ele);
    return this.setRegister(index, count);
  }

  /** Raises register `index` to `count` if lower: 1 when changed, 0 when not, -1 when corrupt. */
  setRegister(index: number, count: number): number {
    return this.isDense ? denseSet(this.bytes, index, count) : this.sparseSet(index, count);
  }

  // ---- reading registers ------------------------------------------------------------------------

  /** Raises each of `max`'s registers to this HLL's; false when a sparse HLL is corrupt. */
  mergeInto(max: Uint8Array): boolean {
    if (this.isDense) {
      for (let i = 0; i < HLL_REGISTERS; i++) {
        const v = denseGet(this.bytes, i);
        if (v > max[i]) max[i] = v;
      }
      return true;
    }
    return this.walkSparse((start, runlen, value) => {
      if (value === 0) return;
      for (let i = start; i < start + runlen; i++) if (value > max[i]) max[i] = value;
    });
  }

  /** The register histogram; null when a sparse HLL is corrupt. */
  histogram(): number[] | null {
    const histo = new Array<number>(64).fill(0);
    if (this.isDense) {
      for (let i = 0; i < HLL_REGISTERS; i++) histo[denseGet(this.bytes, i)]++;
      return histo;
    }
    const ok = this.walkSparse((_start, runlen, value) => {
      histo[value] += runlen;
    }, false);
    return ok ? histo : null;
  }

  /**
   * Calls `visit` for every run of the sparse representation (value 0 for ZERO/XZERO); false when
   * the runs do not cover exactly the 16384 registers. With `stopOnOverflow`, a VAL run past the
   * end makes it invalid at once (merge and conversion must not write past the registers; the
   * histogram just counts on, as Redis's does).
   */
  private walkSparse(visit: (start: number, runlen: number, value: number) => void, stopOnOverflow = true): boolean {
    const b = this.bytes;
    let idx = 0;
    for (let p = HDR; p < this.len;) {
      const op = b[p];
      if (isZero(op)) {
        visit(idx, zeroLen(op), 0);
        idx += zeroLen(op);
        p++;
      } else if (isXzero(op)) {
        const runlen = xzeroLen(b, p);
        visit(idx, runlen, 0);
        idx += runlen;
        p += 2;
      } else {
        const runlen = valLen(op);
        if (stopOnOverflow && idx + runlen > HLL_REGISTERS) return false;
        visit(idx, runlen, valValue(op));
        idx += runlen;
        p++;
      }
    }
    return idx === HLL_REGISTERS;
  }

  // ---- sparse → dense -------------------------------------------------------------------------

  /** Converts to the dense representation (header and cached cardinality kept); false if corrupt. */
  toDense(): boolean {
    if (this.isDense) return true;
    const dense = new Uint8Array(DENSE_SIZE + 1);
    dense.set(this.bytes.subarray(0, HDR));
    dense[4] = DENSE;
    const ok = this.walkSparse((start, runlen, value) => {
      if (value === 0) return;
      for (let i = start; i < start + runlen; i++) denseSetRaw(dense, i, value);
    });
    if (!ok) return false;
    this.bytes = dense;
    this.len = DENSE_SIZE;
    return true;
  }

  /** Redis's hllSparseSet, opcode for opcode (the bytes must match Redis's). */
  private sparseSet(index: number, count: number): number {
    if (count > SPARSE_VAL_MAX_VALUE) return this.promote(index, count);
    this.ensureRoom(3);
    const b = this.bytes;
    let end = this.len;

    // Step 1: find the opcode covering `index`.
    let p = HDR;
    let first = 0;
    let prev = -1;
    let span = 0;
    while (p < end) {
      const op = b[p];
      let oplen = 1;
      if (isZero(op)) span = zeroLen(op);
      else if (isVal(op)) span = valLen(op);
      else {
        span = xzeroLen(b, p);
        oplen = 2;
      }
      if (index <= first + span - 1) break;
      prev = p;
      p += oplen;
      first += span;
    }
    if (span === 0 || p >= end) return -1;
    const op = b[p];
    let next = isXzero(op) ? p + 2 : p + 1;
    if (next >= end) next = -1;
    const runlen = isZero(op) ? zeroLen(op) : isXzero(op) ? xzeroLen(b, p) : valLen(op);

    // Step 2: the trivial updates in place.
    if (isVal(op)) {
      if (valValue(op) >= count) return 0;
      if (runlen === 1) {
        b[p] = valOp(count, 1);
        return this.sparseUpdated(prev, end);
      }
    }
    if (isZero(op) && runlen === 1) {
      b[p] = valOp(count, 1);
      return this.sparseUpdated(prev, end);
    }

    // Step 3: split the opcode into up to three (worst case XZERO-VAL-XZERO) and splice them in.
    const seq = splitOpcode(op, first, first + span - 1, index, count);
    const deltalen = seq.length - (isXzero(op) ? 2 : 1);
    if (deltalen > 0 && this.len + deltalen > encodingLimits.hllSparseMaxBytes) return this.promote(index, count);
    if (deltalen !== 0 && next !== -1) b.copyWithin(next + deltalen, next, end);
    this.len += deltalen;
    end += deltalen;
    b.set(seq, p);
    return this.sparseUpdated(prev, end);
  }

  /** Step 4 of hllSparseSet: merge adjacent VAL opcodes of equal value near the change. */
  private sparseUpdated(prev: number, end: number): number {
    const b = this.bytes;
    let p = prev >= 0 ? prev : HDR;
    let scanlen = 5;
    while (p < end && scanlen-- > 0) {
      if (isXzero(b[p])) {
        p += 2;
        continue;
      }
      if (isZero(b[p])) {
        p++;
        continue;
      }
      if (p + 1 < end && isVal(b[p + 1])) {
        const v1 = valValue(b[p]);
        const v2 = valValue(b[p + 1]);
        const len = valLen(b[p]) + valLen(b[p + 1]);
        if (v1 === v2 && len <= SPARSE_VAL_MAX_LEN) {
          b[p + 1] = valOp(v1, len);
          b.copyWithin(p, p + 1, end);
          this.len--;
          end--;
          continue;
        }
      }
      p++;
    }
    this.invalidateCache();
    return 1;
  }

  private promote(index: number, count: number): number {
    if (!this.toDense()) return -1;
    return denseSet(this.bytes, index, count);
  }

  private ensureRoom(n: number): void {
    if (this.len + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.len + n, this.len * 2));
    grown.set(this.bytes.subarray(0, this.len));
    this.bytes = grown;
  }
}

function xzeroLen(b: Uint8Array, p: number): number {
  return (((b[p] & 0x3f) << 8) | b[p + 1]) + 1;
}

/** A run of zeros as ZERO (≤ 64) or XZERO opcodes' bytes. */
function zeroRun(len: number): number[] {
  if (len > SPARSE_ZERO_MAX_LEN) return [((len - 1) >> 8) | XZERO_BIT, (len - 1) & 0xff];
  return [len - 1];
}

/** The opcodes replacing `op` (covering first..last) once register `index` is set to `count`. */
function splitOpcode(op: number, first: number, last: number, index: number, count: number): number[] {
  const seq: number[] = [];
  if (isVal(op)) {
    const cur = valValue(op);
    if (index !== first) seq.push(valOp(cur, index - first));
    seq.push(valOp(count, 1));
    if (index !== last) seq.push(valOp(cur, last - index));
    return seq;
  }
  if (index !== first) seq.push(...zeroRun(index - first));
  seq.push(valOp(count, 1));
  if (index !== last) seq.push(...zeroRun(last - index));
  return seq;
}

// ---- dense registers (6 bits each, LSB first, after the header) ------------------------------

function denseGet(b: Uint8Array, regnum: number): number {
  const byte = HDR + ((regnum * HLL_BITS) >> 3);
  const fb = (regnum * HLL_BITS) & 7;
  return ((b[byte] >> fb) | (b[byte + 1] << (8 - fb))) & HLL_REGISTER_MAX;
}

function denseSetRaw(b: Uint8Array, regnum: number, val: number): void {
  const byte = HDR + ((regnum * HLL_BITS) >> 3);
  const fb = (regnum * HLL_BITS) & 7;
  const fb8 = 8 - fb;
  b[byte] = (b[byte] & ~(HLL_REGISTER_MAX << fb)) | (val << fb);
  b[byte + 1] = (b[byte + 1] & ~(HLL_REGISTER_MAX >> fb8)) | (val >> fb8);
}

function denseSet(b: Uint8Array, regnum: number, count: number): number {
  if (count <= denseGet(b, regnum)) return 0;
  denseSetRaw(b, regnum, count);
  return 1;
}

// ---- cardinality (Ertl's improved estimator, as Redis ≥ 5 computes it) ------------------------

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    z -= Math.pow(1 - x, 2) * y;
  } while (zPrime !== z);
  return z / 3;
}

/** Redis's hllCount from a register histogram. */
export function countFromHistogram(histo: readonly number[]): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histo[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += histo[j];
    z *= 0.5;
  }
  z += m * sigma(histo[0] / m);
  return Math.round((ALPHA_INF * m * m) / z);
}

/** Histogram of raw 8-bit registers (PFCOUNT over several keys merges into such an array). */
export function rawHistogram(registers: Uint8Array): number[] {
  const histo = new Array<number>(64).fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) histo[registers[i] & 63]++;
  return histo;
}
