/**
 * GEOSEARCH, GEOSEARCHSTORE, GEORADIUS(_RO), GEORADIUSBYMEMBER(_RO): geo.c's georadiusGeneric with
 * its order of checks and error texts. Candidates come from the 9 geohash cells Redis scans, in
 * Redis's order, so results without ASC/DESC (and COUNT ANY) come out in Redis's order too.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { cellScores, decodeScore, distanceIfInShape, searchCells, type HashBits, type Shape } from '../types/geohash.js';
import { ZSet } from '../types/zset.js';
import { parseInt64 } from './args.js';
import { parseBox, parseLonLat, parseRadius, replyCoord, replyDistance } from './geo-args.js';
import { readTyped } from './lookup.js';
import type { Handler } from './registry.js';

const enum Mode {
  RadiusCoords,
  RadiusMember,
  Search,
  SearchStore,
}

interface Point {
  member: string;
  score: number;
  lon: number;
  lat: number;
  dist: number;
}

interface SearchOptions {
  withDist: boolean;
  withHash: boolean;
  withCoord: boolean;
  any: boolean;
  sort: 0 | 1 | -1;
  count: number;
  store: string | null;
  storeDist: boolean;
  center: [number, number] | null;
  size: { radius: number; conversion: number } | { width: number; height: number; conversion: number } | null;
  fromMember: boolean;
}

/** longLatFromMember: the member's decoded position, or null when it is not in the set. */
function memberPosition(z: ZSet, member: string): [number, number] | null {
  const score = z.score(member);
  return score === undefined ? null : decodeScore(score);
}

function fail(c: Client, msg: string): null {
  c.out.error(msg);
  return null;
}

/** The options after the fixed arguments; null after replying an error. */
function parseOptions(c: Client, argv: string[], base: number, mode: Mode, z: ZSet | undefined, o: SearchOptions, noStore: boolean): SearchOptions | null {
  const search = mode === Mode.Search || mode === Mode.SearchStore;
  let fromLoc = false;
  for (let i = base; i < argv.length; i++) {
    const arg = argv[i].toLowerCase();
    const left = argv.length - i - 1;
    if (arg === 'withdist') o.withDist = true;
    else if (arg === 'withhash') o.withHash = true;
    else if (arg === 'withcoord') o.withCoord = true;
    else if (arg === 'any') o.any = true;
    else if (arg === 'asc') o.sort = 1;
    else if (arg === 'desc') o.sort = -1;
    else if (arg === 'count' && left >= 1) {
      const n = parseInt64(argv[++i]);
      if (n === null) return fail(c, Err.notInteger);
      if (n <= 0) return fail(c, Err.geoCountPositive);
      o.count = Number(n);
    } else if ((arg === 'store' || arg === 'storedist') && left >= 1 && !noStore && !search) {
      o.store = argv[++i];
      o.storeDist = arg === 'storedist';
    } else if (arg === 'storedist' && mode === Mode.SearchStore) {
      o.storeDist = true;
    } else if (arg === 'frommember' && left >= 1 && search && !fromLoc) {
      const member = argv[++i];
      o.fromMember = true;
      if (z === undefined) continue;
      o.center = memberPosition(z, member);
      if (o.center === null) return fail(c, Err.geoMemberDecode);
    } else if (arg === 'fromlonlat' && left >= 2 && search && !o.fromMember) {
      o.center = parseLonLat(c, argv, i + 1);
      if (o.center === null) return null;
      fromLoc = true;
      i += 2;
    } else if (arg === 'byradius' && left >= 2 && search && !(o.size && 'width' in o.size)) {
      o.size = parseRadius(c, argv, i + 1);
      if (o.size === null) return null;
      i += 2;
    } else if (arg === 'bybox' && left >= 3 && search && !(o.size && 'radius' in o.size)) {
      o.size = parseBox(c, argv, i + 1);
      if (o.size === null) return null;
      i += 3;
    } else {
      return fail(c, Err.syntax);
    }
  }
  if (o.store !== null && (o.withDist || o.withHash || o.withCoord)) {
    return fail(c, Err.geoStoreWith(mode === Mode.SearchStore ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'));
  }
  if (search && !(o.fromMember || fromLoc)) return fail(c, Err.geoFromRequired(argv[0]));
  if (search && o.size === null) return fail(c, Err.geoByRequired(argv[0]));
  if (o.any && o.count === 0) return fail(c, Err.geoAnyNeedsCount);
  return o;
}

/** The fixed leading arguments of GEORADIUS / GEORADIUSBYMEMBER; false after an error. */
function parseFixed(c: Client, argv: string[], mode: Mode, z: ZSet | undefined, o: SearchOptions): boolean {
  if (mode === Mode.RadiusCoords) {
    o.center = parseLonLat(c, argv, 2);
    if (o.center === null) return false;
    o.size = parseRadius(c, argv, 4);
    return o.size !== null;
  }
  // Without a source key Redis skips the member and radius: the reply is empty whatever they are.
  if (mode !== Mode.RadiusMember || z === undefined) return true;
  o.center = memberPosition(z, argv[2]);
  if (o.center === null) return fail(c, Err.geoMemberDecode) ?? false;
  o.size = parseRadius(c, argv, 3);
  return o.size !== null;
}

function shapeOf(o: SearchOptions): Shape {
  const [lon, lat] = o.center!;
  const s = o.size!;
  return 'radius' in s ? { kind: 'radius', lon, lat, ...s } : { kind: 'box', lon, lat, ...s };
}

/** Members of one cell inside the shape, in score order, up to `limit` results in all. */
function collectCell(z: ZSet, cell: HashBits, shape: Shape, out: Point[], limit: number): void {
  const [min, max] = cellScores(cell);
  for (let n = z.tree.firstInScore({ min, max, minEx: false, maxEx: true }); n !== null && n.score < max; n = n.fwd) {
    const [lon, lat] = decodeScore(n.score);
    const dist = distanceIfInShape(shape, lon, lat);
    if (dist === null) continue;
    out.push({ member: n.member, score: n.score, lon, lat, dist });
    if (limit && out.length >= limit) return;
  }
}

/** membersOfAllNeighbors: skips excluded cells and a cell equal to the last one scanned. */
function collect(z: ZSet, shape: Shape, limit: number): Point[] {
  const cells = searchCells(shape);
  const out: Point[] = [];
  let last = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === null) continue;
    const prev = cells[last];
    if (last && prev !== null && cell.bits === prev.bits && cell.step === prev.step) continue;
    if (out.length && limit && out.length >= limit) break;
    collectCell(z, cell, shape, out, limit);
    last = i;
  }
  return out;
}

function reply(c: Client, points: Point[], o: SearchOptions, conversion: number): void {
  const extras = (o.withDist ? 1 : 0) + (o.withHash ? 1 : 0) + (o.withCoord ? 1 : 0);
  c.out.array(points.length);
  for (const p of points) {
    if (extras) c.out.array(extras + 1);
    c.out.bulk(p.member);
    if (o.withDist) replyDistance(c, p.dist / conversion);
    if (o.withHash) c.out.int(Math.trunc(p.score));
    if (o.withCoord) {
      c.out.array(2);
      replyCoord(c, p.lon);
      replyCoord(c, p.lat);
    }
  }
}

function store(c: Client, dest: string, points: Point[], o: SearchOptions, conversion: number): void {
  if (points.length === 0) {
    if (c.db.delete(dest)) c.server.dirty++;
    return c.out.int(0);
  }
  const maxLen = points.reduce((m, p) => Math.max(m, p.member.length), 0);
  const entries = points.map((p) => [p.member, o.storeDist ? p.dist / conversion : p.score] as const);
  c.db.set(dest, ZSet.build(entries, entries.length, maxLen));
  c.server.dirty += points.length;
  c.out.int(points.length);
}

function searchGeneric(c: Client, argv: string[], srcIndex: number, mode: Mode, noStore = false): void {
  const z = readTyped<ZSet>(c, argv[srcIndex], 'zset');
  if (z === null) return;
  const base = mode === Mode.RadiusCoords ? 6 : mode === Mode.RadiusMember ? 5 : mode === Mode.Search ? 2 : 3;
  const o: SearchOptions = {
    withDist: false, withHash: false, withCoord: false, any: false, sort: 0, count: 0,
    store: mode === Mode.SearchStore ? argv[1] : null, storeDist: false, center: null, size: null, fromMember: false,
  };
  if (!parseFixed(c, argv, mode, z, o) || parseOptions(c, argv, base, mode, z, o, noStore) === null) return;
  if (z === undefined) {
    if (o.store === null) return c.out.array(0);
    if (c.db.delete(o.store)) c.server.dirty++;
    return c.out.int(0);
  }
  if (o.count !== 0 && o.sort === 0 && !o.any) o.sort = 1;
  const shape = shapeOf(o);
  let points = collect(z, shape, o.any ? o.count : 0);
  if (o.sort !== 0) {
    const dir = o.sort;
    points.sort((a, b) => (a.dist > b.dist ? dir : a.dist < b.dist ? -dir : 0));
  }
  if (o.count !== 0 && points.length > o.count) points = points.slice(0, o.count);
  if (o.store === null) reply(c, points, o, shape.conversion);
  else store(c, o.store, points, o, shape.conversion);
}

export const geoSearchHandlers: Record<string, Handler> = {
  geosearch: (c, argv) => searchGeneric(c, argv, 1, Mode.Search),
  geosearchstore: (c, argv) => searchGeneric(c, argv, 2, Mode.SearchStore),
  georadius: (c, argv) => searchGeneric(c, argv, 1, Mode.RadiusCoords),
  georadius_ro: (c, argv) => searchGeneric(c, argv, 1, Mode.RadiusCoords, true),
  georadiusbymember: (c, argv) => searchGeneric(c, argv, 1, Mode.RadiusMember),
  georadiusbymember_ro: (c, argv) => searchGeneric(c, argv, 1, Mode.RadiusMember, true),
};
