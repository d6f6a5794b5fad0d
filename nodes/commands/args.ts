/**
 * Argument parsing with Redis's strictness (string2ll / strtod rules): no spaces, no '+' on
 * integers, no leading zeros, 64-bit range. Returns null when invalid; callers reply with the
 * matching Err text.
 */
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;
const INT_RE = /^(0|-?[1-9][0-9]*)$/;

/** A 64-bit integer as a JS number when it fits exactly, else as bigint; null when invalid. */
export function parseInt64(s: string): number | bigint | null {
  if (s.length === 0 || s.length > 20 || !INT_RE.test(s)) return null;
  if (s.length < 16) return Number(s);
  const b = BigInt(s);
  if (b < INT64_MIN || b > INT64_MAX) return null;
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

/** An integer used as a count/index/time: valid int64, returned as a (possibly rounded) number. */
export function parseIntArg(s: string): number | null {
  const v = parseInt64(s);
  return v === null ? null : Number(v);
}

/** Like parseIntArg, but rejects negatives (counts). */
export function parseNonNegative(s: string): number | null {
  const v = parseIntArg(s);
  return v === null || v < 0 ? null : v;
}

const FLOAT_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A double as Redis's strtod-based parsing accepts it (inf, -inf, +inf; no NaN, no spaces). */
export function parseFloatArg(s: string): number | null {
  if (s.length === 0 || s.length > 5000) return null;
  const l = s.toLowerCase();
  if (l === 'inf' || l === '+inf' || l === 'infinity' || l === '+infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  if (!FLOAT_RE.test(s)) {
    if (/^[+-]?0x[0-9a-f]+$/i.test(s)) return Number(s.replace(/^\+/, ''));
    return null;
  }
  const v = Number(s);
  // strtod reports overflow (1e400) as a range error, which Redis rejects.
  return Number.isFinite(v) ? v : null;
}

export function toInt64(v: number | bigint): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

export { INT64_MAX, INT64_MIN };
