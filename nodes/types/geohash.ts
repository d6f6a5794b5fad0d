/**
 * Redis's geohash (geohash.c, geohash_helper.c): longitude/latitude interleaved into a 52-bit
 * integer stored as a sorted-set score, the cell decoding GEOPOS reports, the haversine distance,
 * and the 9-cell cover of a search shape that GEOSEARCH walks. Ported step by step (bit moves in
 * BigInt, the same double arithmetic) so scores, cell choices and distances equal Redis's.
 */

export const GEO_STEP_MAX = 26;
export const LONG_MIN = -180;
export const LONG_MAX = 180;
export const LAT_MIN = -85.05112878;
export const LAT_MAX = 85.05112878;
const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;

/** A cell: `bits` holds 2·step interleaved bits (longitude on odd, latitude on even positions). */
export interface HashBits {
  bits: bigint;
  step: number;
}

interface Range {
  min: number;
  max: number;
}

export interface Area {
  lon: Range;
  lat: Range;
}

const WGS84_LON: Range = { min: LONG_MIN, max: LONG_MAX };
const WGS84_LAT: Range = { min: LAT_MIN, max: LAT_MAX };

const EVEN = 0x5555555555555555n;
const ODD = 0xaaaaaaaaaaaaaaaan;
const U64 = 0xffffffffffffffffn;

const degRad = (d: number) => d * D_R;
const radDeg = (r: number) => r / D_R;

/** Spreads the 32 bits of v over the even positions of a 64-bit value. */
function spread(v: bigint): bigint {
  let out = 0n;
  for (let i = 0n; i < 32n; i++) if ((v >> i) & 1n) out |= 1n << (2n * i);
  return out;
}

function squash(v: bigint): bigint {
  let out = 0n;
  for (let i = 0n; i < 32n; i++) if ((v >> (2n * i)) & 1n) out |= 1n << i;
  return out;
}

/** C's (uint32_t) cast of a non-negative double offset. */
const toU32 = (d: number) => BigInt(Math.trunc(d)) & 0xffffffffn;

/** geohashEncode: null outside the WGS84 limits Redis indexes. */
export function encode(lon: number, lat: number, step: number, lonR: Range = WGS84_LON, latR: Range = WGS84_LAT): HashBits | null {
  if (lon > LONG_MAX || lon < LONG_MIN || lat > LAT_MAX || lat < LAT_MIN) return null;
  if (lon > lonR.max || lon < lonR.min || lat > latR.max || lat < latR.min) return null;
  const scale = 2 ** step;
  const latOff = ((lat - latR.min) / (latR.max - latR.min)) * scale;
  const lonOff = ((lon - lonR.min) / (lonR.max - lonR.min)) * scale;
  return { bits: spread(toU32(latOff)) | (spread(toU32(lonOff)) << 1n), step };
}

/** geohashAlign52Bits: the cell's first 52-bit score. */
export function align52(h: HashBits): bigint {
  return (h.bits << BigInt(52 - h.step * 2)) & U64;
}

/** The score GEOADD stores for a point (a 52-bit integer, exact as a double). */
export function scoreOf(lon: number, lat: number): number {
  return Number(align52(encode(lon, lat, GEO_STEP_MAX)!));
}

/** geohashDecode: the cell's bounds. */
export function decodeArea(h: HashBits, lonR: Range = WGS84_LON, latR: Range = WGS84_LAT): Area {
  const ilat = Number(squash(h.bits));
  const ilon = Number(squash(h.bits >> 1n));
  const scale = 2 ** h.step;
  const latScale = latR.max - latR.min;
  const lonScale = lonR.max - lonR.min;
  return {
    lat: { min: latR.min + (ilat / scale) * latScale, max: latR.min + ((ilat + 1) / scale) * latScale },
    lon: { min: lonR.min + (ilon / scale) * lonScale, max: lonR.min + ((ilon + 1) / scale) * lonScale },
  };
}

/** C's (uint64_t) cast of a score, as x86-64 does it (negatives wrap, non-finite → 2^63). */
function scoreBits(score: number): bigint {
  if (!Number.isFinite(score)) return 1n << 63n;
  return BigInt.asUintN(64, BigInt(Math.trunc(score)));
}

/** decodeGeohash: a stored score → [lon, lat], the cell's center clamped to the limits. */
export function decodeScore(score: number): [number, number] {
  const a = decodeArea({ bits: scoreBits(score), step: GEO_STEP_MAX });
  const lon = Math.min(LONG_MAX, Math.max(LONG_MIN, (a.lon.min + a.lon.max) / 2));
  const lat = Math.min(LAT_MAX, Math.max(LAT_MIN, (a.lat.min + a.lat.max) / 2));
  return [lon, lat];
}

const GEOALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's 11-character standard geohash (latitude range ±90) of a stored score. */
export function geohashString(score: number): string {
  const [lon, lat] = decodeScore(score);
  const h = encode(lon, lat, GEO_STEP_MAX, { min: -180, max: 180 }, { min: -90, max: 90 })!;
  let out = '';
  for (let i = 0; i < 10; i++) out += GEOALPHABET[Number((h.bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn)];
  return out + '0';
}

export function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2) - degRad(lat1));
}

/** Haversine distance in meters. */
export function distance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const v = Math.sin((degRad(lon2) - degRad(lon1)) / 2);
  if (v === 0.0) return latDistance(lat1, lat2);
  const lat1r = degRad(lat1);
  const lat2r = degRad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/** A search shape; sizes are in the unit, `conversion` meters per unit. */
export type Shape =
  | { kind: 'radius'; lon: number; lat: number; conversion: number; radius: number }
  | { kind: 'box'; lon: number; lat: number; conversion: number; width: number; height: number };

/** The distance to a point inside the shape, or null when it is outside. */
export function distanceIfInShape(s: Shape, lon: number, lat: number): number | null {
  if (s.kind === 'radius') {
    const d = distance(s.lon, s.lat, lon, lat);
    return d > s.radius * s.conversion ? null : d;
  }
  if (latDistance(lat, s.lat) > (s.height * s.conversion) / 2) return null;
  if (distance(lon, lat, s.lon, lat) > (s.width * s.conversion) / 2) return null;
  return distance(s.lon, s.lat, lon, lat);
}

function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  return Math.min(26, Math.max(1, step));
}

/** geohash_move_x / _y: the neighbouring cell along one axis. */
function move(h: HashBits, d: number, axis: 'x' | 'y'): HashBits {
  if (d === 0) return h;
  const shift = BigInt(64 - h.step * 2);
  const [mine, other, mineMask, otherMask] = axis === 'x' ? [h.bits & ODD, h.bits & EVEN, EVEN, ODD] : [h.bits & EVEN, h.bits & ODD, ODD, EVEN];
  const zz = mineMask >> shift;
  let v = d > 0 ? mine + (zz + 1n) : (mine | zz) - (zz + 1n);
  v = BigInt.asUintN(64, v) & (otherMask >> shift);
  return { bits: v | other, step: h.step };
}

const neighbour = (h: HashBits, dx: number, dy: number) => move(move(h, dx, 'x'), dy, 'y');

/** geohashBoundingBox: [minLon, minLat, maxLon, maxLat]. */
function boundingBox(s: Shape): [number, number, number, number] {
  const height = s.conversion * (s.kind === 'radius' ? s.radius : s.height / 2);
  const width = s.conversion * (s.kind === 'radius' ? s.radius : s.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const lonDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(s.lat - latDelta)));
  const south = s.lat < 0;
  const lonDelta = south ? lonDeltaBottom : lonDeltaTop;
  return [s.lon - lonDelta, s.lat - latDelta, s.lon + lonDelta, s.lat + latDelta];
}

/**
 * geohashCalculateAreasByShapeWGS84 + membersOfAllNeighbors's order: the cells to scan, in
 * Redis's order (center, N, S, E, W, NE, NW, SE, SW), null for the ones it excludes.
 */
export function searchCells(s: Shape): (HashBits | null)[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(s);
  const radius = (s.kind === 'radius' ? s.radius : Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2))) * s.conversion;
  let steps = estimateSteps(radius, s.lat);
  let hash = encode(s.lon, s.lat, steps)!;
  const north = decodeArea(neighbour(hash, 0, 1));
  const south = decodeArea(neighbour(hash, 0, -1));
  const east = decodeArea(neighbour(hash, 1, 0));
  const west = decodeArea(neighbour(hash, -1, 0));
  const decrease = north.lat.max < maxLat || south.lat.min > minLat || east.lon.max < maxLon || west.lon.min > minLon;
  if (steps > 1 && decrease) {
    steps--;
    hash = encode(s.lon, s.lat, steps)!;
  }
  const area = decodeArea(hash);
  // dx, dy per cell in Redis's scan order.
  const order: [number, number][] = [[0, 0], [0, 1], [0, -1], [1, 0], [-1, 0], [1, 1], [-1, 1], [1, -1], [-1, -1]];
  return order.map(([dx, dy]) => {
    if (steps >= 2) {
      if (dy < 0 && area.lat.min < minLat) return null;
      if (dy > 0 && area.lat.max > maxLat) return null;
      if (dx < 0 && area.lon.min < minLon) return null;
      if (dx > 0 && area.lon.max > maxLon) return null;
    }
    return neighbour(hash, dx, dy);
  });
}

/** A cell's score interval [min, max) (scoresOfGeoHashBox). */
export function cellScores(h: HashBits): [number, number] {
  return [Number(align52(h)), Number(align52({ bits: h.bits + 1n, step: h.step }))];
}
