/**
 * Argument parsing and number printing shared by the GEO commands, with geo.c's wording: units,
 * longitude/latitude pairs, radius and box sizes; distances as "%.4f", coordinates as Redis's
 * "human" long double ("%.17Lf" with trailing zeros removed).
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { LAT_MAX, LAT_MIN, LONG_MAX, LONG_MIN } from '../types/geohash.js';
import { parseFloatArg } from './args.js';

const UNITS: Record<string, number> = { m: 1, km: 1000, ft: 0.3048, mi: 1609.34 };

function fail(c: Client, msg: string): null {
  c.out.error(msg);
  return null;
}

/** Meters per unit; null after replying the unit error. */
export function parseUnit(c: Client, s: string): number | null {
  return UNITS[s.toLowerCase()] ?? fail(c, Err.geoUnit);
}

/** A double argument (getDoubleFromObjectOrReply), replying `msg` when it is not one. */
export function parseDouble(c: Client, s: string, msg: string = Err.notFloat): number | null {
  const v = parseFloatArg(s);
  return v === null ? fail(c, msg) : v;
}

/**
 * C's "%.<digits>f" as glibc prints it: the double's exact binary value rounded to `digits`
 * decimals, ties to even (JS's toFixed breaks exact ties upwards, e.g. 0.03125 at 4 digits).
 */
export function cFixed(d: number, digits: number): string {
  if (!Number.isFinite(d)) return Number.isNaN(d) ? 'nan' : d > 0 ? 'inf' : '-inf';
  const neg = d < 0 || Object.is(d, -0);
  const [num, den] = exactRational(Math.abs(d));
  const scaled = num * 10n ** BigInt(digits);
  let q = scaled / den;
  const rem = (scaled % den) * 2n;
  if (rem > den || (rem === den && q % 2n === 1n)) q++;
  const text = q.toString().padStart(digits + 1, '0');
  const int = text.slice(0, text.length - digits);
  return (neg ? '-' : '') + int + (digits > 0 ? '.' + text.slice(-digits) : '');
}

/** A finite non-negative double as num/den with den a power of two. */
function exactRational(d: number): [bigint, bigint] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = exp === 0 ? frac : frac | (1n << 52n);
  const e = (exp === 0 ? 1 : exp) - 1075;
  return e >= 0 ? [mant << BigInt(e), 1n] : [mant, 1n << BigInt(-e)];
}

/** extractLongLatOrReply: [lon, lat] from argv[i], argv[i+1]. */
export function parseLonLat(c: Client, argv: string[], i: number): [number, number] | null {
  const lon = parseDouble(c, argv[i]);
  if (lon === null) return null;
  const lat = parseDouble(c, argv[i + 1]);
  if (lat === null) return null;
  if (lon < LONG_MIN || lon > LONG_MAX || lat < LAT_MIN || lat > LAT_MAX) {
    return fail(c, Err.geoInvalidPair(cFixed(lon, 6), cFixed(lat, 6)));
  }
  return [lon, lat];
}

/** extractDistanceOrReply: radius and meters per unit from argv[i], argv[i+1]. */
export function parseRadius(c: Client, argv: string[], i: number): { radius: number; conversion: number } | null {
  const radius = parseDouble(c, argv[i], Err.geoNeedRadius);
  if (radius === null) return null;
  if (radius < 0) return fail(c, Err.geoRadiusNegative);
  const conversion = parseUnit(c, argv[i + 1]);
  return conversion === null ? null : { radius, conversion };
}

/** extractBoxOrReply: width, height and meters per unit from argv[i..i+2]. */
export function parseBox(c: Client, argv: string[], i: number): { width: number; height: number; conversion: number } | null {
  const width = parseDouble(c, argv[i], Err.geoNeedWidth);
  if (width === null) return null;
  const height = parseDouble(c, argv[i + 1], Err.geoNeedHeight);
  if (height === null) return null;
  if (height < 0 || width < 0) return fail(c, Err.geoBoxNegative);
  const conversion = parseUnit(c, argv[i + 2]);
  return conversion === null ? null : { width, height, conversion };
}

/** addReplyDoubleDistance: a bulk "%.4f" in both protocols. */
export function replyDistance(c: Client, d: number): void {
  c.out.bulk(cFixed(d, 4));
}

/** addReplyHumanLongDouble: "%.17Lf" less trailing zeros; a RESP3 double, else a bulk. */
export function replyCoord(c: Client, d: number): void {
  let s = cFixed(d, 17);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  if (s === '-0') s = '0';
  if (c.out.resp === 3) c.out.raw(',' + s + '\r\n');
  else c.out.bulk(s);
}
