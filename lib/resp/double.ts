/**
 * Formats a double as Redis prints it: the shortest representation that round-trips (Redis ≥ 7.2
 * uses this too, via fpconv), "inf"/"-inf", and C-style exponents ("1e+21", "1e-07").
 */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (Number.isNaN(d)) return 'nan';
  if (Object.is(d, -0)) return '-0';
  const s = String(d);
  const e = s.indexOf('e');
  if (e < 0) return s;
  // JS writes 1e-7 and 1e+21; C's %g writes at least two exponent digits.
  const sign = s[e + 1];
  const digits = s.slice(e + 2);
  return s.slice(0, e) + 'e' + sign + (digits.length < 2 ? '0' + digits : digits);
}

/** Shortest round-trip text of an INCRBYFLOAT / HINCRBYFLOAT result: plain decimal, no exponent. */
export function formatLongDouble(d: number): string {
  if (Number.isInteger(d) && Math.abs(d) < 1e21) return d.toFixed(0);
  const s = String(d);
  if (!s.includes('e')) return s;
  // Redis prints these with %.17Lf and trims trailing zeros: never in exponent form.
  return trimZeros(d.toFixed(17));
}

function trimZeros(s: string): string {
  if (!s.includes('.')) return s;
  s = s.replace(/0+$/, '');
  return s.endsWith('.') ? s.slice(0, -1) : s;
}
