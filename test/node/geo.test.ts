/**
 * GEO commands, differentially against a real redis-server 7.0: the same points go to both and
 * every reply — scores seen through ZRANGE, coordinates, distances, search results in Redis's
 * own order (no ASC/DESC) — must match exactly, in RESP2 and RESP3.
 */
import { describe, expect, it } from 'vitest';
import { cFixed } from '../../nodes/commands/geo-args.js';
import { rng, useDifferential, type Arg } from '../helpers/diff-harness.js';

const h = useDifferential();
const same = (...a: Arg[]) => h.same(...a);

const SICILY: Arg[] = [13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania', 12.758489, 38.788135, 'edge1', 17.241510, 38.788135, 'edge2'];

describe('number printing', () => {
  it('prints "%.Nf" as glibc does: exact value, ties to even', () => {
    // Expected texts: glibc's printf of the same doubles (printf("%.4f", 0.03125) …).
    expect(cFixed(0.03125, 4)).toBe('0.0312');
    expect(cFixed(1.5, 0)).toBe('2');
    expect(cFixed(2.5, 0)).toBe('2');
    expect(cFixed(-2.5, 0)).toBe('-2');
    expect(cFixed(-0.00001, 4)).toBe('-0.0000');
    expect(cFixed(-0, 4)).toBe('-0.0000');
    expect(cFixed(13.361389338970184, 17)).toBe('13.36138933897018433');
    expect(cFixed(123.456, 6)).toBe('123.456000');
    expect(cFixed(1e300, 6).slice(0, 20)).toBe('10000000000000000525');
  });
});

describe('GEOADD and the stored scores', () => {
  it('adds points, NX XX CH, scores equal Redis (ZRANGE WITHSCORES)', async () => {
    await same('GEOADD', 'Sicily', ...SICILY);
    await same('ZRANGE', 'Sicily', 0, -1, 'WITHSCORES');
    await same('GEOADD', 'Sicily', 'NX', 13.5, 38.2, 'Palermo', 14, 37, 'new');
    await same('GEOADD', 'Sicily', 'XX', 13.5, 38.2, 'Palermo', 14, 37, 'other');
    await same('GEOADD', 'Sicily', 'CH', 13.6, 38.2, 'Palermo', 14.5, 37.5, 'more', 14.5, 37.5, 'more');
    await same('GEOADD', 'Sicily', 'XX', 'CH', 13.7, 38.2, 'Palermo');
    await same('ZRANGE', 'Sicily', 0, -1, 'WITHSCORES');
    await same('GEOADD', 'lim', 180, 85.05112878, 'ne', -180, -85.05112878, 'sw', 0, 0, 'zero', -0.0000001, 0.0000001, 'tiny');
    await same('ZRANGE', 'lim', 0, -1, 'WITHSCORES');
    await same('GEOPOS', 'lim', 'ne', 'sw', 'zero', 'tiny');
  });

  it('errors: syntax, NX+XX, bad floats, out-of-range pairs, WRONGTYPE', async () => {
    await same('SET', 'str', 'v');
    for (const cmd of [
      ['GEOADD', 'g', 1, 2, 'a', 3], ['GEOADD', 'g', 'NX', 'XX', 1, 2, 'a'], ['GEOADD', 'g', 'CH', 'NX', 1, 2],
      ['GEOADD', 'g', 'x', 2, 'a'], ['GEOADD', 'g', 1, 'y', 'a'], ['GEOADD', 'g', 200, 2, 'a'], ['GEOADD', 'g', 1, 86, 'a'],
      ['GEOADD', 'g', -180.5, -85.06, 'a'], ['GEOADD', 'g', 'inf', 0, 'a'], ['GEOADD', 'g', 1e300, 0, 'a'],
      ['GEOADD', 'str', 1, 2, 'a'], ['GEOADD', 'g', 1, 2], ['GEOADD', 'g', 1, 2, 'ok', 500, 0, 'bad'], ['EXISTS', 'g'],
    ]) await same(...cmd);
  });
});

describe('GEOPOS GEOHASH GEODIST', () => {
  it('positions, hashes and distances in every unit', async () => {
    await same('GEOADD', 'Sicily', ...SICILY);
    await same('GEOPOS', 'Sicily', 'Palermo', 'Catania', 'missing', 'edge2');
    await same('GEOPOS', 'nokey', 'a', 'b');
    await same('GEOHASH', 'Sicily', 'Palermo', 'Catania', 'missing', 'edge1');
    await same('GEOHASH', 'nokey', 'a');
    for (const unit of ['m', 'KM', 'ft', 'Mi']) await same('GEODIST', 'Sicily', 'Palermo', 'Catania', unit);
    await same('GEODIST', 'Sicily', 'Palermo', 'Catania');
    await same('GEODIST', 'Sicily', 'Palermo', 'Palermo');
    await same('GEODIST', 'Sicily', 'Palermo', 'missing');
    await same('GEODIST', 'nokey', 'a', 'b');
    await same('GEODIST', 'Sicily', 'Palermo', 'Catania', 'yards');
    await same('GEODIST', 'Sicily', 'Palermo', 'Catania', 'km', 'extra');
    await same('SET', 'str', 'v');
    for (const cmd of [['GEOPOS', 'str', 'a'], ['GEOHASH', 'str', 'a'], ['GEODIST', 'str', 'a', 'b']]) await same(...cmd);
    await h.sameBytes([['GEOPOS', 'Sicily', 'Palermo', 'missing'], ['GEODIST', 'Sicily', 'Palermo', 'Catania', 'km']], true);
  });

  it('arbitrary ZADD scores decode as Redis decodes them', async () => {
    await same('ZADD', 'z', 0, 'zero', 1, 'one', 4503599627370495, 'max52', 123456789.75, 'frac');
    await same('GEOPOS', 'z', 'zero', 'one', 'max52', 'frac');
    await same('GEOHASH', 'z', 'zero', 'one', 'max52', 'frac');
    await same('GEODIST', 'z', 'zero', 'max52', 'km');
  });
});

describe('GEOSEARCH and GEORADIUS', () => {
  it('radius and box searches with every reply option', async () => {
    await same('GEOADD', 'Sicily', ...SICILY);
    await same('GEOSEARCH', 'Sicily', 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km', 'ASC');
    await same('GEOSEARCH', 'Sicily', 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km', 'DESC', 'WITHCOORD', 'WITHDIST', 'WITHHASH');
    await same('GEOSEARCH', 'Sicily', 'FROMLONLAT', 15, 37, 'BYBOX', 400, 400, 'km', 'ASC', 'WITHDIST');
    await same('GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYRADIUS', 300, 'km', 'COUNT', 2, 'WITHDIST');
    await same('GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'BYBOX', 600, 200, 'mi', 'WITHCOORD');
    await same('GEOSEARCH', 'Sicily', 'FROMLONLAT', 15, 37, 'BYRADIUS', 1, 'm');
    await same('GEORADIUS', 'Sicily', 15, 37, 200, 'km', 'WITHDIST', 'WITHCOORD', 'ASC');
    await same('GEORADIUS_RO', 'Sicily', 15, 37, 200, 'km', 'WITHHASH', 'DESC', 'COUNT', 1);
    await same('GEORADIUSBYMEMBER', 'Sicily', 'Palermo', 200, 'km', 'WITHDIST');
    await same('GEORADIUSBYMEMBER_RO', 'Sicily', 'Palermo', 200, 'km', 'ASC');
    await h.sameBytes([['GEOSEARCH', 'Sicily', 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km', 'ASC', 'WITHCOORD', 'WITHDIST', 'WITHHASH']], true);
  });

  it('COUNT ANY stops early, in Redis scan order', async () => {
    await same('GEOADD', 'Sicily', ...SICILY);
    await same('GEOSEARCH', 'Sicily', 'FROMLONLAT', 15, 37, 'BYRADIUS', 500, 'km', 'COUNT', 2, 'ANY');
    await same('GEOSEARCH', 'Sicily', 'FROMLONLAT', 15, 37, 'BYRADIUS', 500, 'km', 'COUNT', 1, 'ANY', 'DESC');
  });

  it('matches Redis on random points and shapes, unsorted (scan order) and sorted', async () => {
    const r = rng(42);
    const args: Arg[] = [];
    for (let i = 0; i < 300; i++) args.push(+(r() * 6 - 3).toFixed(6), +(r() * 6 + 40).toFixed(6), 'p' + i);
    await same('GEOADD', 'pts', ...args);
    let found = 0;
    for (let q = 0; q < 60; q++) {
      const lon = +(r() * 6 - 3).toFixed(5);
      const lat = +(r() * 6 + 40).toFixed(5);
      const rad = +(r() * 300).toFixed(2);
      found += ((await same('GEOSEARCH', 'pts', 'FROMLONLAT', lon, lat, 'BYRADIUS', rad, 'km', 'WITHDIST')) as unknown[]).length;
      await same('GEOSEARCH', 'pts', 'FROMLONLAT', lon, lat, 'BYBOX', rad, +(r() * 300).toFixed(2), 'km', 'WITHHASH');
      await same('GEOSEARCH', 'pts', 'FROMMEMBER', 'p' + q, 'BYRADIUS', rad / 2, 'mi', 'DESC', 'COUNT', 5);
    }
    expect(found).toBeGreaterThan(300);
  });

  it('matches Redis on world-wide points, huge radii, the poles and the antimeridian', async () => {
    const r = rng(7);
    const args: Arg[] = [];
    for (let i = 0; i < 200; i++) args.push(+(r() * 360 - 180).toFixed(6), +(r() * 170 - 85).toFixed(6), 'w' + i);
    await same('GEOADD', 'world', ...args);
    const centers = [[179.9, 0], [-179.9, 10], [0, 84.9], [0, -84.9], [100, 70], [-60, -75]];
    for (const [lon, lat] of centers) {
      for (const rad of [50, 800, 3000, 9000, 25000]) {
        await same('GEOSEARCH', 'world', 'FROMLONLAT', lon, lat, 'BYRADIUS', rad, 'km');
        await same('GEOSEARCH', 'world', 'FROMLONLAT', lon, lat, 'BYBOX', rad, rad / 2, 'km', 'WITHDIST');
      }
    }
  });

  it('GEOSEARCHSTORE and GEORADIUS STORE / STOREDIST', async () => {
    await same('GEOADD', 'Sicily', ...SICILY);
    await same('GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km', 'ASC');
    await same('ZRANGE', 'dst', 0, -1, 'WITHSCORES');
    await same('GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km', 'STOREDIST');
    await same('ZRANGE', 'dst', 0, -1, 'WITHSCORES');
    await same('OBJECT', 'ENCODING', 'dst');
    await same('GEORADIUS', 'Sicily', 15, 37, 200, 'km', 'STORE', 'd2');
    await same('ZRANGE', 'd2', 0, -1, 'WITHSCORES');
    await same('GEORADIUSBYMEMBER', 'Sicily', 'Palermo', 300, 'mi', 'STOREDIST', 'd3', 'COUNT', 2);
    await same('ZRANGE', 'd3', 0, -1, 'WITHSCORES');
    await same('GEOSEARCHSTORE', 'dst', 'Sicily', 'FROMLONLAT', 0, 0, 'BYRADIUS', 1, 'km');
    await same('EXISTS', 'dst');
    await same('SET', 'dst', 'x');
    await same('GEOSEARCHSTORE', 'dst', 'nokey', 'FROMLONLAT', 0, 0, 'BYRADIUS', 1, 'km');
    await same('EXISTS', 'dst');
  });

  it('errors and missing keys', async () => {
    await same('GEOADD', 'Sicily', ...SICILY);
    await same('SET', 'str', 'v');
    for (const cmd of [
      ['GEOSEARCH', 'Sicily', 'BYRADIUS', 1, 'km'], ['geosearch', 'Sicily', 'FROMLONLAT', 1, 2],
      ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'nope', 'BYRADIUS', 1, 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMMEMBER', 'Palermo', 'FROMLONLAT', 1, 2, 'BYRADIUS', 1, 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', 1, 2, 'BYRADIUS', 1, 'km', 'BYBOX', 1, 1, 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', 1, 2, 'BYRADIUS', -1, 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', 1, 2, 'BYRADIUS', 'x', 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', 1, 2, 'BYBOX', 'x', 1, 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', 1, 2, 'BYBOX', 1, 'y', 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', 1, 2, 'BYBOX', 1, -1, 'km'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', 1, 2, 'BYRADIUS', 1, 'parsec'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', 1, 2, 'BYRADIUS', 1, 'km', 'COUNT', 0],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', 1, 2, 'BYRADIUS', 1, 'km', 'COUNT', 'x'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', 1, 2, 'BYRADIUS', 1, 'km', 'ANY'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', 1, 2, 'BYRADIUS', 1, 'km', 'STORE', 'x'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', 1, 2, 'BYRADIUS', 1, 'km', 'STOREDIST'],
      ['GEOSEARCH', 'Sicily', 'FROMLONLAT', 500, 2, 'BYRADIUS', 1, 'km'],
      ['GEOSEARCHSTORE', 'd', 'Sicily', 'FROMLONLAT', 1, 2, 'BYRADIUS', 1, 'km', 'WITHDIST'],
      ['GEORADIUS', 'Sicily', 1, 2, 1, 'km', 'STORE', 'x', 'WITHCOORD'],
      ['GEORADIUS_RO', 'Sicily', 1, 2, 1, 'km', 'STORE', 'x'],
      ['GEORADIUS', 'Sicily', 1, 2, 1, 'km', 'FROMLONLAT', 1, 2],
      ['GEORADIUSBYMEMBER', 'Sicily', 'nope', 1, 'km'],
      ['GEORADIUSBYMEMBER', 'nokey', 'nope', 'x', 'km'],
      ['GEORADIUS', 'nokey', 1, 2, 'x', 'km'],
      ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', 1, 'km'],
      ['GEOSEARCH', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', 1, 'km', 'WITHDIST'],
      ['GEOSEARCH', 'str', 'FROMMEMBER', 'x', 'BYRADIUS', 1, 'km'],
      ['GEORADIUS', 'nokey', 1, 2, 5, 'km', 'STORE', 'Sicily'],
      ['EXISTS', 'Sicily'],
    ]) await same(...cmd);
  });

  it('a geo key is an ordinary sorted set', async () => {
    const added = await same('GEOADD', 'Sicily', ...SICILY);
    expect(added).toBe(4);
    await same('TYPE', 'Sicily');
    await same('ZREM', 'Sicily', 'edge1');
    await same('GEOSEARCH', 'Sicily', 'FROMLONLAT', 15, 37, 'BYRADIUS', 1000, 'km');
  });
});
