/**
 * Scores as text, the way Redis 7.0 reads and writes them. Reading models C's strtod (decimal and
 * hex floats, inf/infinity, ERANGE on overflow and on underflow to zero), which Redis uses with two
 * different strictness levels: getDoubleFromObject for scores and weights, and plain strtod for
 * range bounds. Writing is lib/resp/double.ts's formatDouble (printf "%.17g", as Redis 7.0).
 */
import { formatDouble } from '../../lib/resp/double.js';

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

/**
 * A plain decimal integer of at most 15 digits (exact as a double, so strtod's value), else null:
 * the common score and bound, read without regexes or allocation.
 */
function smallInteger(s: string): number | null {
  const len = s.length;
  const c0 = s.charCodeAt(0);
  const neg = c0 === 45; // '-'
  let i = neg || c0 === 43 ? 1 : 0; // '+'
  if (i === len || len - i > 15) return null;
  let v = 0;
  for (; i < len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

/** getDoubleFromObject: a whole number, no leading space, no NaN, no ERANGE overflow/underflow. */
export function parseScore(s: string): number | null {
  if (s.length === 0 || isCSpace(s.charCodeAt(0))) return null;
  const int = smallInteger(s);
  if (int !== null) return int;
  const r = strtodWhole(s);
  if (r === null || r.erange) return null;
  return r.value;
}

/**
 * A range bound after its optional "(": plain strtod stopping at a NUL byte, so leading spaces
 * are fine, an empty string is 0, and out-of-range values saturate.
 */
export function parseBoundValue(s: string): number | null {
  const int = s.length === 0 ? null : smallInteger(s);
  if (int !== null) return int;
  if (s === '+inf' || s === 'inf') return Infinity;
  if (s === '-inf') return -Infinity;
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

/**
 * The score text a listpack holds (ZSCAN of a listpack-encoded set): integral values within
 * ±2^62 are stored as integers (double2ll), everything else as "%.17g" text.
 */
export function formatListpackScore(d: number): string {
  if (Number.isInteger(d) && Math.abs(d) <= 4611686018427387904) {
    // Beyond 2^53 JS prints the shortest round-trip digits; ll2string prints them all.
    return Math.abs(d) <= 9007199254740992 ? String(d) : BigInt(d).toString();
  }
  return formatDouble(d);
}
