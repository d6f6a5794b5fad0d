/**
 * GEO commands (geo.c): points live in a sorted set, each scored by its 52-bit interleaved
 * geohash, so ZRANGE, ZREM … work on geo keys exactly as in Redis. GEOADD is ZADD with computed
 * scores (as Redis rewrites it); the search commands are in geo-search.ts.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { decodeScore, distance, geohashString, scoreOf } from '../types/geohash.js';
import type { ZSet } from '../types/zset.js';
import { parseLonLat, parseUnit, replyCoord, replyDistance } from './geo-args.js';
import { geoSearchHandlers } from './geo-search.js';
import { readTyped } from './lookup.js';
import type { Handler } from './registry.js';
import { zsetHandlers } from './zsets.js';

function geoadd(c: Client, argv: string[]): void {
  let first = 2;
  let nx = false;
  let xx = false;
  for (; first < argv.length; first++) {
    const opt = argv[first].toLowerCase();
    if (opt === 'nx') nx = true;
    else if (opt === 'xx') xx = true;
    else if (opt !== 'ch') break;
  }
  if ((argv.length - first) % 3 !== 0 || (nx && xx)) return c.out.error(Err.syntax);
  const zadd = ['zadd', ...argv.slice(1, first)];
  for (let i = first; i < argv.length; i += 3) {
    const xy = parseLonLat(c, argv, i);
    if (xy === null) return;
    zadd.push(String(scoreOf(xy[0], xy[1])), argv[i + 2]);
  }
  zsetHandlers.zadd(c, zadd);
}

/** The key's sorted set for the GEO reads: undefined when missing, null after WRONGTYPE. */
const readGeo = (c: Client, key: string) => readTyped<ZSet>(c, key, 'zset');

function geodist(c: Client, argv: string[]): void {
  let toMeters = 1;
  if (argv.length === 5) {
    const unit = parseUnit(c, argv[4]);
    if (unit === null) return;
    toMeters = unit;
  } else if (argv.length > 5) {
    return c.out.error(Err.syntax);
  }
  const z = readGeo(c, argv[1]);
  if (z === null) return;
  const s1 = z?.score(argv[2]);
  const s2 = z?.score(argv[3]);
  if (s1 === undefined || s2 === undefined) return c.out.nil();
  const [lon1, lat1] = decodeScore(s1);
  const [lon2, lat2] = decodeScore(s2);
  replyDistance(c, distance(lon1, lat1, lon2, lat2) / toMeters);
}

function geohash(c: Client, argv: string[]): void {
  const z = readGeo(c, argv[1]);
  if (z === null) return;
  c.out.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j]);
    c.out.bulk(score === undefined ? null : geohashString(score));
  }
}

function geopos(c: Client, argv: string[]): void {
  const z = readGeo(c, argv[1]);
  if (z === null) return;
  c.out.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z?.score(argv[j]);
    if (score === undefined) {
      c.out.nilArray();
      continue;
    }
    const [lon, lat] = decodeScore(score);
    c.out.array(2);
    replyCoord(c, lon);
    replyCoord(c, lat);
  }
}

export const geoHandlers: Record<string, Handler> = {
  geoadd,
  geodist,
  geohash,
  geopos,
  ...geoSearchHandlers,
};
