/**
 * Scores as text, the way Redis 7.0 reads and writes them. Reading models C's strtod (decimal and
 * hex floats, inf/infinity, ERANGE on overflow and on underflow to zero), which Redis uses with two
 * different strictness levels: getDoubleFromObject for scores and weights, and plain strtod for
 * range bounds. Writing is printf's "%.17g" (Redis 7.0's addReplyDouble; 7.2 switched to the
 * shortest round-trip form), including glibc's round-half-even on exact decimal ties, which JS's
 * toExponential does not do (it rounds ties up).
 */

const DEC_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^([+-]?)(?:inf|infinity)$/i;

/** strtod over the whole string: the value and whether errno would be ERANGE; null if not all consumed. */
function strtodWhole(s: string): { value: number; erange: boolean } | null {
  if (DEC_RE.test(s)) {
    const value = Number(s);
    const m = s.replace(/[eE].*$/, '');
    const erange = !Number.isFinite(value) || (value === 0 && /[1-9]/.test(m));
    return { value, erange };
  }
  const inf = INF_RE.exec(s);
  if (inf) return { value: inf[1] === '-' ? -Infinity : Infinity, erange: false };
  const hex = HEX_RE.exec(s);
  if (hex && (hex[2] !== '' || (hex[3] ?? '') !== '')) return hexValue(hex[1] === '-', hex[2], hex[3] ?? '', hex[4]);
  return null;
}

function hexValue(neg: boolean, int: string, frac: string, exp: string | undefined): { value: number; erange: boolean } {
  const digits = (int + frac).replace(/^0+/, '');
  if (digits === '') return { value: neg ? -0 : 0, erange: false };
  let v = Number(BigInt('0x' + digits));
  let e = Math.max(-1e5, Math.min(1e5, Number(exp ?? '0'))) - 4 * frac.length;
  // Scale in steps so an intermediate power of two neither overflows nor underflows early.
  while (e > 1000 && Number.isFinite(v)) { v *= 2 ** 1000; e -= 1000; }
  while (e < -1000 && v !== 0) { v *= 2 ** -1000; e += 1000; }
  v *= 2 ** e;
  return { value: neg ? -v : v, erange: !Number.isFinite(v) || v === 0 };
}

function isCSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/** getDoubleFromObject: a whole number, no leading space, no NaN, no ERANGE overflow/underflow. */
export function parseScore(s: string): number | null {
  if (s.length === 0 || isCSpace(s.charCodeAt(0))) return null;
  const r = strtodWhole(s);
  if (r === null || r.erange) return null;
  return r.value;
}

/**
 * A range bound after its optional "(": plain strtod stopping at a NUL byte, so leading spaces
 * are fine, an empty string is 0, and out-of-range values saturate.
 */
export function parseBoundValue(s: string): number | null {
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  if (s === '') return 0;
  let i = 0;
  while (i < s.length && isCSpace(s.charCodeAt(i))) i++;
  if (i === s.length) return null;
  const r = strtodWhole(s.slice(i));
  return r === null ? null : r.value;
}

// ---- "%.17g" ----

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/**
 * Exact ties at 17 significant digits: when |d|'s exact decimal expansion has 18 digits ending in
 * 5, returns those digits and the decimal exponent of the first; otherwise null. A finite
 * non-integer d = m / 2^j (m odd) has the expansion m * 5^j / 10^j, whose digits are m * 5^j's.
 */
function tieDigits(d: number): { digits: string; exp: number } | null {
  F64[0] = d;
  const bits = U64[0];
  const biased = Number((bits >> 52n) & 0x7ffn);
  let m = bits & 0xfffffffffffffn;
  let e = biased - 1075;
  if (biased === 0) e = -1074;
  else m |= 1n << 52n;
  if (m === 0n) return null;
  while ((m & 1n) === 0n) { m >>= 1n; e++; }
  if (e >= 0 || e < -30) return null;
  const digits = (m * 5n ** BigInt(-e)).toString();
  return digits.length === 18 ? { digits, exp: 17 + e } : null;
}

/** Redis 7.0's reply text for a score: "inf", "-inf", else printf("%.17g"). */
export function formatScore(d: number): string {
  if (Number.isInteger(d) && Math.abs(d) <= 9007199254740992) return Object.is(d, -0) ? '-0' : String(d);
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  const t = d.toExponential(16);
  const at = t.indexOf('e');
  let digits = t.slice(0, at).replace('-', '').replace('.', '');
  let exp = Number(t.slice(at + 1));
  const tie = tieDigits(d);
  // glibc rounds an exact tie to even; JS rounded it up (away from zero).
  if (tie !== null && (tie.digits.charCodeAt(16) & 1) === 0) {
    digits = tie.digits.slice(0, 17);
    exp = tie.exp;
  }
  return (d < 0 ? '-' : '') + gStyle(digits, exp);
}

/** 17 significant digits and a decimal exponent, laid out as %g does (trailing zeros dropped). */
function gStyle(digits: string, exp: number): string {
  const trimmed = digits.replace(/0+$/, '') || '0';
  if (exp < -4 || exp >= 17) {
    const mant = trimmed.length > 1 ? trimmed[0] + '.' + trimmed.slice(1) : trimmed;
    const a = Math.abs(exp);
    return mant + 'e' + (exp < 0 ? '-' : '+') + (a < 10 ? '0' : '') + a;
  }
  if (exp < 0) return '0.' + '0'.repeat(-exp - 1) + trimmed;
  if (trimmed.length <= exp + 1) return trimmed + '0'.repeat(exp + 1 - trimmed.length);
  return trimmed.slice(0, exp + 1) + '.' + trimmed.slice(exp + 1);
}

/**
 * The score text a listpack holds (ZSCAN of a listpack-encoded set): integral values within
 * ±2^62 are stored as integers (double2ll), everything else as "%.17g" text.
 */
export function formatListpackScore(d: number): string {
  if (Number.isInteger(d) && Math.abs(d) <= 4611686018427387904) {
    // Beyond 2^53 JS prints the shortest round-trip digits; ll2string prints them all.
    return Math.abs(d) <= 9007199254740992 ? String(d) : BigInt(d).toString();
  }
  return formatScore(d);
}
