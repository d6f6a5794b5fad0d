/**
 * The x87 80-bit `long double` that Redis uses for INCRBYFLOAT (and HINCRBYFLOAT), emulated
 * exactly with BigInt: a 64-bit significand, round-half-even, exponents down to the subnormal
 * quantum 2^-16445. A JS double is not enough: Redis parses with strtold, adds in 64 bits of
 * precision and prints with "%.17Lf", so 0.1 + 0.2 gives "0.3" there, where doubles give
 * 0.30000000000000004. These commands are not on the hot path, so exactness wins over speed.
 */

/** A finite value: (neg ? -1 : 1) * sig * 2^exp, with sig < 2^64 (0n for zero). */
export interface LongDouble {
  neg: boolean;
  sig: bigint;
  exp: number;
}

export const ZERO: LongDouble = { neg: false, sig: 0n, exp: 0 };

const SIG_BITS = 64;
/** Exponent of the least significant bit of the smallest subnormal. */
const MIN_QUANTUM = -16445;
/** Values at or above 2^16384 overflow. */
const MAX_TOP_BIT = 16383;
/** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are not numbers to it. */
const MAX_CHARS = 5 * 1024;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Rounds the exact value (neg) n * 2^e to a long double, half to even. Returns null when it
 * overflows; an underflow gives zero.
 */
function round(neg: boolean, n: bigint, e: number): LongDouble | null {
  if (n === 0n) return { neg, sig: 0n, exp: 0 };
  const len = bitLength(n);
  const exp = Math.max(e + len - SIG_BITS, MIN_QUANTUM);
  const shift = exp - e;
  let sig: bigint;
  let outExp = exp;
  if (shift <= 0) {
    sig = n << BigInt(-shift);
  } else {
    const s = BigInt(shift);
    sig = n >> s;
    const rem = n - (sig << s);
    const half = 1n << (s - 1n);
    if (rem > half || (rem === half && (sig & 1n) === 1n)) sig++;
    if (sig >> BigInt(SIG_BITS) !== 0n) {
      sig >>= 1n;
      outExp++;
    }
  }
  if (sig !== 0n && bitLength(sig) - 1 + outExp > MAX_TOP_BIT) return null;
  return { neg, sig, exp: outExp };
}

/**
 * Parses a number as Redis's string2ld does: strtold must consume every byte (so a NUL is not
 * a number either), with no leading space, no NaN, and no overflow or underflow to zero.
 * Returns 'inf' for an infinity (valid input, but any sum with it is rejected by the caller).
 */
export function parseLongDouble(s: string): LongDouble | 'inf' | null {
  if (s.length === 0 || s.length >= MAX_CHARS) return null;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return null;
  let i = 0;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    i = 1;
  }
  const body = s.slice(i).toLowerCase();
  if (body === 'inf' || body === 'infinity') return 'inf';
  if (body.startsWith('0x')) return parseHex(neg, body.slice(2));
  return parseDecimal(neg, body);
}

const DEC_RE = /^(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/;
const HEX_RE = /^([0-9a-f]*)(?:\.([0-9a-f]*))?(?:p([+-]?\d+))?$/;

function parseDecimal(neg: boolean, body: string): LongDouble | null {
  const m = DEC_RE.exec(body);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return null;
  const frac = m[2] ?? '';
  let digits = (m[1] + frac).replace(/^0+/, '');
  let e10 = clampExp(m[3]) - frac.length;
  if (digits === '') return { neg, sig: 0n, exp: 0 };
  const trimmed = digits.replace(/0+$/, '');
  e10 += digits.length - trimmed.length;
  digits = trimmed;
  // Out of range whatever the digits: at least 10^4933 overflows, below 10^-4951 rounds to zero.
  const magnitude = digits.length + e10;
  if (magnitude - 1 > 4932) return null;
  if (magnitude < -4951) return null;
  const d = BigInt(digits);
  if (e10 >= 0) return round(neg, d * 10n ** BigInt(e10), 0);
  const den = 10n ** BigInt(-e10);
  // Enough quotient bits to round at bit 64 (or lower, when subnormal), plus a sticky bit.
  const s = Math.max(0, SIG_BITS + 2 - (bitLength(d) - bitLength(den)));
  const scaled = d << BigInt(s);
  const q = scaled / den;
  const sticky = scaled % den === 0n ? 0n : 1n;
  return nonZero(round(neg, (q << 1n) | sticky, -s - 1));
}

function parseHex(neg: boolean, body: string): LongDouble | null {
  const m = HEX_RE.exec(body);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return null;
  const frac = m[2] ?? '';
  const digits = (m[1] + frac).replace(/^0+/, '');
  if (digits === '') return { neg, sig: 0n, exp: 0 };
  const n = BigInt('0x' + digits);
  const e2 = clampExp(m[3]) - 4 * frac.length;
  const top = bitLength(n) - 1 + e2;
  if (top > MAX_TOP_BIT) return null;
  if (top < MIN_QUANTUM - 2) return null;
  return nonZero(round(neg, n, e2));
}

/** An exponent's digits as a number, clamped far outside the range so huge ones stay cheap. */
function clampExp(s: string | undefined): number {
  if (s === undefined) return 0;
  const v = Number(s);
  return Math.max(-1e7, Math.min(1e7, v));
}

/** strtold reports ERANGE for a nonzero input that rounds to zero: Redis rejects it. */
function nonZero(v: LongDouble | null): LongDouble | null {
  return v === null || v.sig === 0n ? null : v;
}

/** a + b rounded to a long double; null when the sum overflows (it is then infinite). */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.sig === 0n && b.sig === 0n) return { neg: a.neg && b.neg, sig: 0n, exp: 0 };
  const e = Math.min(a.exp, b.exp);
  const x = a.sig << BigInt(a.exp - e);
  const y = b.sig << BigInt(b.exp - e);
  const sum = (a.neg ? -x : x) + (b.neg ? -y : y);
  if (sum === 0n) return { neg: false, sig: 0n, exp: 0 };
  return round(sum < 0n, sum < 0n ? -sum : sum, e);
}

/**
 * The text Redis stores for an INCRBYFLOAT result (ld2string LD_STR_HUMAN): "%.17Lf" (glibc rounds
 * the exact value half to even), trailing zeros and a trailing '.' removed, "-0" written as "0".
 */
export function formatLongDoubleHuman(v: LongDouble): string {
  const scale = 10n ** 17n;
  let q: bigint;
  if (v.exp >= 0) {
    q = (v.sig << BigInt(v.exp)) * scale;
  } else {
    const s = BigInt(-v.exp);
    const num = v.sig * scale;
    q = num >> s;
    const rem = num - (q << s);
    const half = 1n << (s - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
  }
  const digits = q.toString().padStart(18, '0');
  const int = digits.slice(0, -17);
  const frac = digits.slice(-17).replace(/0+$/, '');
  const out = (v.neg ? '-' : '') + int + (frac === '' ? '' : '.' + frac);
  return out === '-0' ? '0' : out;
}
