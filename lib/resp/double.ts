/**
 * Doubles as text, the way Redis 7.0 (the version slotgate answers as) writes them: printf's
 * "%.17g" (addReplyDouble; 7.2 switched to the shortest round-trip form), including glibc's
 * round-half-even on exact decimal ties, which JS's toExponential does not do (it rounds ties up).
 * Every double reply goes through here: RESP3 doubles, RESP2 bulk doubles, sorted-set scores.
 */
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

/** A double as Redis 7.0 replies with it: "inf", "-inf", integers plainly, else printf("%.17g"). */
export function formatDouble(d: number): string {
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
