/**
 * Stream commands, differentially against a real redis-server 7.0: the same commands go to both
 * and the replies must match. IDs are explicit so replies compare exactly; time-based fields
 * (idle times, delivery and seen times) are masked before comparing. Blocking reads are checked
 * on our node for wake-up by XADD and for timeouts, and one round trip goes through each client
 * library.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, RespError, type Reply } from '../helpers/raw-client.js';
import { rng, useDifferential, type Arg } from '../helpers/diff-harness.js';

const h = useDifferential();
const same = (...a: Arg[]) => h.same(...a);

/** Same reply once `mask` replaced the time-dependent parts of both. */
async function sameMasked(mask: (r: Reply) => Reply, ...args: Arg[]): Promise<Reply> {
  const { ours, ref } = await h.both(...args);
  expect(mask(ours), args.join(' ')).toEqual(mask(ref));
  return ref;
}

/** Replaces the value after each of `names` in flat name/value arrays, at any depth. */
function maskFields(...names: string[]): (r: Reply) => Reply {
  const walk = (r: Reply): Reply => {
    if (!Array.isArray(r)) return r;
    return r.map((v, i) => (i > 0 && typeof r[i - 1] === 'string' && names.includes(r[i - 1] as string) && !Array.isArray(v) ? 'T' : walk(v)));
  };
  return walk;
}

/** XPENDING's extended rows: [id, consumer, idle, count] — the idle time is masked. */
const maskIdle = (r: Reply): Reply => (Array.isArray(r) ? r.map((row) => (Array.isArray(row) ? [row[0], row[1], 'T', row[3]] : row)) : r);

async function fill(key: string, n: number, from = 1): Promise<void> {
  for (let i = from; i < from + n; i++) await same('XADD', key, `${i}-0`, 'f', `v${i}`);
}

describe('XADD XLEN', () => {
  it('explicit, ms-only and ms-* IDs; ordering errors', async () => {
    await same('XADD', 's', '1-1', 'a', '1', 'b', '2');
    await same('XADD', 's', '1-1', 'a', '1');
    await same('XADD', 's', '1-0', 'a', '1');
    await same('XADD', 's', '1-*', 'a', '1');
    await same('XADD', 's', '1', 'a', '1');
    await same('XADD', 's', '5-*', 'x', 'y');
    await same('XADD', 's', '5', 'x', 'y');
    await same('XADD', 's', '0-0', 'a', '1');
    await same('XADD', 'new', '0-0', 'a', '1');
    await same('XADD', 'new', '0-*', 'a', '1');
    await same('EXISTS', 'new');
    await same('XADD', 'z', '0', 'a', '1');
    await same('XLEN', 's');
    await same('XLEN', 'missing');
    await same('XRANGE', 's', '-', '+');
  });

  it('invalid IDs and strtoull forms', async () => {
    for (const id of ['abc', '1-x', '-', '+', '1-2-3', '-1', '', '99999999999999999999-0', '1-18446744073709551616', '18446744073709551616']) {
      await same('XADD', 's', id, 'a', '1');
    }
    for (const id of ['007-1', '+8-0', ' 9-0', '-0-5', '10-+3']) await same('XADD', 's', id, 'a', '1');
    await same('XRANGE', 's', '-', '+');
    await same('EXISTS', 'missing');
  });

  it('the last possible ID exhausts the stream', async () => {
    await same('XADD', 's', '18446744073709551615-18446744073709551614', 'a', '1');
    await same('XADD', 's', '18446744073709551615-*', 'a', '2');
    await same('XADD', 's', '18446744073709551615-*', 'a', '3');
    await same('XADD', 's', '*', 'a', '3');
    await same('XADD', 's', '1-1', 'a', '3');
    await same('XLEN', 's');
  });

  it('NOMKSTREAM, arity, WRONGTYPE', async () => {
    await same('XADD', 's', 'NOMKSTREAM', '1-1', 'a', '1');
    await same('EXISTS', 's');
    await same('XADD', 's', '1-1', 'a');
    await same('XADD', 's', '1-1', 'a', '1', 'b');
    await same('XADD', 's', 'MAXLEN', '5');
    await same('SET', 'str', 'v');
    await same('XADD', 'str', '1-1', 'a', '1');
    await same('XLEN', 'str');
    await same('XADD', 's', '1-1', 'a', '1');
    await same('XADD', 's', 'NOMKSTREAM', '2-1', 'a', '1');
    await same('XLEN', 's');
  });

  it('auto IDs are time based and increasing', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { ours } = await h.both('XADD', 's', '*', 'i', i);
      ids.push(String(ours));
    }
    const ms = ids.map((id) => Number(id.split('-')[0]));
    expect(Math.abs(ms[0] - Date.now())).toBeLessThan(5000);
    const parsed = ids.map((id) => id.split('-').map(BigInt));
    for (let i = 1; i < parsed.length; i++) {
      const [a, b] = [parsed[i - 1], parsed[i]];
      expect(b[0] > a[0] || (b[0] === a[0] && b[1] > a[1])).toBe(true);
    }
  });

  it('trimming options: MAXLEN/MINID with = and ~ and LIMIT, and their errors', async () => {
    await fill('s', 10);
    await same('XADD', 's', 'MAXLEN', '5', '11-0', 'f', 'v');
    await same('XADD', 's', 'MAXLEN', '=', '3', '12-0', 'f', 'v');
    await same('XADD', 's', 'MINID', '11', '13-0', 'f', 'v');
    await same('XADD', 's', 'MINID', '=', '12-0', '14-0', 'f', 'v');
    await same('XADD', 's', 'MAXLEN', '~', '1', '15-0', 'f', 'v');
    await same('XRANGE', 's', '-', '+');
    for (const cmd of [
      ['MAXLEN', '=', '1', 'LIMIT', '5', '*'], ['LIMIT', '5', '*'], ['MAXLEN', '1', 'MINID', '1', '*'],
      ['MINID', '1', 'MAXLEN', '1', '*'], ['MAXLEN', '-1', '*'], ['MAXLEN', '~', '1', 'LIMIT', '-1', '*'],
      ['MAXLEN', 'x', '*'], ['MINID', '+', '*'], ['MINID', 'x', '*'], ['MAXLEN', '~', '1', 'LIMIT', 'x', '*'],
    ]) {
      await same('XADD', 's', ...cmd, 'f', 'v');
    }
    await same('XLEN', 's');
  });

  it('approximate trimming removes whole 100-entry nodes only', async () => {
    for (let i = 1; i <= 350; i++) await h.both('XADD', 's', `${i}-1`, 'f', i);
    await same('XTRIM', 's', 'MAXLEN', '~', '200');
    await same('XLEN', 's');
    await same('XTRIM', 's', 'MAXLEN', '~', '10', 'LIMIT', '50');
    await same('XTRIM', 's', 'MAXLEN', '~', '10', 'LIMIT', '100');
    await same('XTRIM', 's', 'MINID', '~', '340');
    await same('XLEN', 's');
    await same('XTRIM', 's', 'MINID', '341');
    await same('XTRIM', 's', 'MAXLEN', '0');
    await same('XLEN', 's');
    await same('EXISTS', 's');
    await same('XINFO', 'STREAM', 's');
  });

  it('node boundaries follow the listpack byte limit', async () => {
    const big = 'x'.repeat(700);
    for (let i = 1; i <= 30; i++) await h.both('XADD', 's', `${i}-0`, 'f', big);
    await same('XINFO', 'STREAM', 's');
    await same('XTRIM', 's', 'MAXLEN', '~', '20');
    await same('XLEN', 's');
    for (let i = 1; i <= 30; i++) await h.both('XADD', 't', `${i}-0`, `f${i % 3}`, String(i * 1000), 'g', 'v'.repeat(i * 3));
    await same('XINFO', 'STREAM', 't');
    await same('XTRIM', 't', 'MAXLEN', '~', '5');
  });
});

describe('XRANGE XREVRANGE', () => {
  it('ranges, exclusive bounds, COUNT, ms-only bounds', async () => {
    for (const [ms, seq] of [[1, 0], [1, 1], [2, 0], [2, 5], [3, 0], [5, 7]]) await same('XADD', 's', `${ms}-${seq}`, 'k', `${ms}.${seq}`);
    for (const [a, b] of [['-', '+'], ['1', '2'], ['(1-0', '+'], ['-', '(2-5'], ['(1-1', '(3-0'], ['2', '2'], ['3', '1'], ['(2-5', '(2-5'], ['1-1', '1-1']]) {
      await same('XRANGE', 's', a, b);
      await same('XREVRANGE', 's', b, a);
    }
    await same('XRANGE', 's', '-', '+', 'COUNT', '2');
    await same('XREVRANGE', 's', '+', '-', 'COUNT', '2');
    await same('XRANGE', 's', '-', '+', 'COUNT', '0');
    await same('XRANGE', 's', '-', '+', 'COUNT', '-5');
    await same('XRANGE', 's', '-', '+', 'count', '1', 'COUNT', '3');
    await same('XRANGE', 'missing', '-', '+');
    await same('XRANGE', 'missing', '-', '+', 'COUNT', '0');
  });

  it('errors', async () => {
    await same('XADD', 's', '1-1', 'a', '1');
    for (const args of [
      ['x', '+'], ['-', 'x'], ['(18446744073709551615-18446744073709551615', '+'], ['-', '(0-0'], ['(-', '+'], ['-', '(+'],
      ['-', '+', 'COUNT'], ['-', '+', 'COUNT', 'x'], ['-', '+', 'FOO', '1'],
    ]) {
      await same('XRANGE', 's', ...args);
      await same('XREVRANGE', 's', ...args);
    }
    await same('SET', 'str', 'v');
    await same('XRANGE', 'str', '-', '+');
    await same('XRANGE', 'str', 'x', '+');
  });

  it('binary-safe fields and values', async () => {
    await h.sameBin('XADD', 's', '1-1', 'a\0b\r\n\xff', '', '', '\xfe');
    await h.sameBin('XRANGE', 's', '-', '+');
  });
});

describe('XDEL XTRIM', () => {
  it('deletes entries, keeps the emptied stream, tracks max-deleted-entry-id', async () => {
    await fill('s', 5);
    await same('XDEL', 's', '2-0', '4-0', '9-0', '2-0');
    await same('XDEL', 's', '1-0', 'x');
    await same('XLEN', 's');
    await same('XRANGE', 's', '-', '+');
    await same('XREVRANGE', 's', '+', '-');
    await same('XINFO', 'STREAM', 's');
    await same('XDEL', 's', '1-0', '3-0', '5-0');
    await same('XLEN', 's');
    await same('EXISTS', 's');
    await same('XINFO', 'STREAM', 's');
    await same('XADD', 's', '3-0', 'f', 'v');
    await same('XADD', 's', '6-0', 'f', 'v');
    await same('XDEL', 'missing', 'x');
    await same('SET', 'str', 'v');
    await same('XDEL', 'str', '1-1');
  });

  it('XTRIM exact and errors', async () => {
    await fill('s', 10);
    await same('XDEL', 's', '3-0');
    await same('XTRIM', 's', 'MAXLEN', '7');
    await same('XTRIM', 's', 'MINID', '=', '8');
    await same('XTRIM', 's', 'MINID', '5');
    await same('XRANGE', 's', '-', '+');
    await same('XINFO', 'STREAM', 's');
    await same('XTRIM', 'missing', 'MAXLEN', '1');
    for (const args of [['FOO', '1'], ['MAXLEN', '1', 'FOO'], ['LIMIT', '5'], ['MAXLEN', '=', '1', 'LIMIT', '1'], ['MAXLEN', '-1'], ['MINID', 'x'], ['MAXLEN', '1', 'MINID', '1']]) {
      await same('XTRIM', 's', ...args);
    }
    await same('SET', 'str', 'v');
    await same('XTRIM', 'str', 'MAXLEN', '1');
  });
});

describe('XSETID', () => {
  it('sets the last ID, entries-added and max-deleted-entry-id, with Redis errors', async () => {
    await fill('s', 3);
    await same('XSETID', 's', '2-0');
    await same('XSETID', 's', '10-0');
    await same('XADD', 's', '9-0', 'f', 'v');
    await same('XADD', 's', '10-*', 'f', 'v');
    await same('XSETID', 's', '20-0', 'ENTRIESADDED', '2');
    await same('XSETID', 's', '20-0', 'ENTRIESADDED', '-1');
    await same('XSETID', 's', '20-0', 'ENTRIESADDED', 'x');
    await same('XSETID', 's', '20-0', 'MAXDELETEDID', '30-0');
    await same('XSETID', 's', '20-0', 'MAXDELETEDID', 'x');
    await same('XSETID', 's', '20-0', 'FOO', '1');
    await same('XSETID', 's', '20-0', 'ENTRIESADDED');
    await same('XSETID', 's', '20-0', 'ENTRIESADDED', '100', 'MAXDELETEDID', '15-0');
    await same('XINFO', 'STREAM', 's');
    await same('XSETID', 's', '14-0');
    await same('XSETID', 's', '+');
    await same('XSETID', 'missing', '1-1');
    await same('SET', 'str', 'v');
    await same('XSETID', 'str', '1-1');
    await same('XDEL', 's', '1-0', '2-0', '3-0', '10-1');
    await same('XSETID', 's', '5-0');
    await same('XINFO', 'STREAM', 's');
  });
});

describe('XREAD', () => {
  it('reads after IDs, COUNT, $, several keys', async () => {
    await fill('a', 3);
    await fill('b', 2, 10);
    await same('XREAD', 'STREAMS', 'a', '0');
    await same('XREAD', 'COUNT', '2', 'STREAMS', 'a', 'b', '1-0', '0-0');
    await same('XREAD', 'STREAMS', 'a', 'b', '3-0', '10');
    await same('XREAD', 'STREAMS', 'a', 'missing', 'b', '0', '0', '$');
    await same('XREAD', 'STREAMS', 'a', '$');
    await same('XREAD', 'COUNT', '-1', 'STREAMS', 'a', '(1-0');
    await same('XREAD', 'COUNT', '0', 'STREAMS', 'a', '2');
    await h.sameBytes([['XREAD', 'STREAMS', 'a', 'b', '1', '0'], ['XREAD', 'STREAMS', 'a', '9']], true);
    await h.sameBytes([['XREAD', 'STREAMS', 'a', 'b', '1', '0'], ['XREAD', 'STREAMS', 'a', '9']], false);
  });

  it('errors', async () => {
    await fill('a', 1);
    for (const args of [
      ['STREAMS', 'a'], ['STREAMS', 'a', 'b', '0'], ['COUNT', 'x', 'STREAMS', 'a', '0'], ['BLOCK', '-1', 'STREAMS', 'a', '0'],
      ['BLOCK', 'x', 'STREAMS', 'a', '0'], ['GROUP', 'g', 'c', 'STREAMS', 'a', '0'], ['NOACK', 'STREAMS', 'a', '0'],
      ['STREAMS', 'a', '>'], ['STREAMS', 'a', 'x'], ['STREAMS', 'a', '+'], ['FOO', 'STREAMS', 'a', '0'], ['COUNT', '1', 'a', '0'],
    ]) {
      await same('XREAD', ...args);
    }
    await same('SET', 'str', 'v');
    await same('XREAD', 'STREAMS', 'a', 'str', '0', '0');
  });

  it('BLOCK returns at once when data is there, and null inside MULTI', async () => {
    await fill('a', 1);
    await same('XREAD', 'BLOCK', '1000', 'STREAMS', 'a', '0');
    await h.sameBytes([['MULTI'], ['XREAD', 'BLOCK', '0', 'STREAMS', 'a', '$'], ['EXEC']]);
  });
});

describe('consumer groups', () => {
  it('XGROUP CREATE / SETID / DESTROY / CREATECONSUMER / DELCONSUMER and their errors', async () => {
    await fill('s', 3);
    await same('XGROUP', 'CREATE', 's', 'g', '0');
    await same('XGROUP', 'CREATE', 's', 'g', '0');
    await same('XGROUP', 'CREATE', 's', 'g2', '$');
    await same('XGROUP', 'CREATE', 's', 'g3', '2-0', 'ENTRIESREAD', '2');
    await same('XGROUP', 'CREATE', 's', 'g4', '1', 'ENTRIESREAD', '-5');
    await same('XGROUP', 'CREATE', 's', 'g4', '1', 'ENTRIESREAD', 'x');
    await same('XGROUP', 'CREATE', 's', 'g4', '1', 'FOO');
    await same('XGROUP', 'CREATE', 's', 'g4', '-');
    await same('XGROUP', 'CREATE', 's', 'g4', 'x');
    await same('XGROUP', 'CREATE', 'nokey', 'g', '$');
    await same('XGROUP', 'CREATE', 'nokey', 'g', 'x', 'MKSTREAM');
    await same('EXISTS', 'nokey');
    await same('XGROUP', 'CREATE', 'nokey', 'g', '$', 'MKSTREAM');
    await same('XINFO', 'STREAM', 'nokey');
    await same('XINFO', 'GROUPS', 's');
    await same('XGROUP', 'SETID', 's', 'g', '2-0');
    await same('XGROUP', 'SETID', 's', 'g', '$', 'ENTRIESREAD', '3');
    await same('XGROUP', 'SETID', 's', 'g3', '+');
    await same('XGROUP', 'SETID', 's', 'g', '0', 'ENTRIESREAD', 'x');
    await same('XGROUP', 'SETID', 's', 'g', '0', 'FOO', '1');
    await same('XGROUP', 'SETID', 's', 'g', '0', 'ENTRIESREAD');
    await same('XGROUP', 'SETID', 's', 'g', 'x');
    await same('XGROUP', 'SETID', 's', 'nog', '0');
    await same('XINFO', 'GROUPS', 's');
    await same('XGROUP', 'CREATECONSUMER', 's', 'g', 'c1');
    await same('XGROUP', 'CREATECONSUMER', 's', 'g', 'c1');
    await same('XGROUP', 'CREATECONSUMER', 's', 'nog', 'c1');
    await same('XGROUP', 'DELCONSUMER', 's', 'g', 'c1');
    await same('XGROUP', 'DELCONSUMER', 's', 'g', 'c1');
    await same('XGROUP', 'DELCONSUMER', 's', 'nog', 'c1');
    await same('XGROUP', 'DESTROY', 's', 'g2');
    await same('XGROUP', 'DESTROY', 's', 'g2');
    await same('XGROUP', 'DESTROY', 'nokey2', 'g2');
    await same('XGROUP', 'FOO', 's', 'g');
    await same('XGROUP', 'HELP');
    await same('XGROUP', 'DESTROY', 's');
    await same('SET', 'str', 'v');
    await same('XGROUP', 'CREATE', 'str', 'g', '$');
    await same('XINFO', 'GROUPS', 's');
  });

  it('XREADGROUP delivers new entries, records PELs, replays history, NOACK', async () => {
    await fill('s', 5);
    await same('XGROUP', 'CREATE', 's', 'g', '0');
    await same('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '2', 'STREAMS', 's', '>');
    await same('XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '1', 'STREAMS', 's', '>');
    await same('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0');
    await same('XREADGROUP', 'GROUP', 'g', 'alice', 'COUNT', '1', 'STREAMS', 's', '1-0');
    await same('XREADGROUP', 'GROUP', 'g', 'carol', 'STREAMS', 's', '0');
    await same('XREADGROUP', 'GROUP', 'g', 'dave', 'NOACK', 'STREAMS', 's', '>');
    await same('XREADGROUP', 'GROUP', 'g', 'dave', 'STREAMS', 's', '>');
    await sameMasked(maskIdle, 'XPENDING', 's', 'g', '-', '+', '10');
    await same('XPENDING', 's', 'g');
    await same('XINFO', 'GROUPS', 's');
    await sameMasked(maskFields('idle'), 'XINFO', 'CONSUMERS', 's', 'g');
    // A deleted pending entry replays as [id, nil].
    await same('XDEL', 's', '1-0');
    await same('XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0');
    await sameMasked(maskIdle, 'XPENDING', 's', 'g', '-', '+', '10');
    await h.sameBytes([['XREADGROUP', 'GROUP', 'g', 'alice', 'STREAMS', 's', '0']], true);
    // SETID back: entries move to the consumer that reads them again.
    await same('XGROUP', 'SETID', 's', 'g', '0');
    await same('XREADGROUP', 'GROUP', 'g', 'bob', 'COUNT', '3', 'STREAMS', 's', '>');
    await sameMasked(maskIdle, 'XPENDING', 's', 'g', '-', '+', '10');
    await same('XINFO', 'GROUPS', 's');
  });

  it('XREADGROUP errors', async () => {
    await fill('s', 1);
    await same('XGROUP', 'CREATE', 's', 'g', '0');
    for (const args of [
      ['GROUP', 'nog', 'c', 'STREAMS', 's', '>'], ['GROUP', 'g', 'c', 'STREAMS', 'missing', '>'], ['GROUP', 'g', 'c', 'STREAMS', 's', '$'],
      ['STREAMS', 's', '>'], ['GROUP', 'g', 'c', 'STREAMS', 's'], ['GROUP', 'g', 'c', 'STREAMS', 's', 'x'], ['GROUP', 'g', 'STREAMS', 's', '>'],
      ['GROUP', 'g', 'c', 'BLOCK', '-1', 'STREAMS', 's', '>'], ['GROUP', 'g', 'c', 'COUNT', 'x', 'STREAMS', 's', '>'],
    ]) {
      await same('XREADGROUP', ...args);
    }
    await same('SET', 'str', 'v');
    await same('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'str', '>');
    await same('XINFO', 'GROUPS', 's');
  });

  it('group replies byte for byte in RESP2 and RESP3 (nulls, maps)', async () => {
    await fill('s', 3);
    await same('XGROUP', 'CREATE', 's', 'g', '0');
    await same('XGROUP', 'CREATE', 's', 'h', '0', 'ENTRIESREAD', '1');
    await h.sameBytes([['XINFO', 'CONSUMERS', 's', 'g']], true);
    for (const resp3 of [false, true]) {
      await h.sameBytes([['XPENDING', 's', 'g'], ['XINFO', 'GROUPS', 's'],
        ['XREADGROUP', 'GROUP', 'h', 'c', 'COUNT', '1', 'STREAMS', 's', '>'], ['XPENDING', 's', 'h'],
        ['MULTI'], ['XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'], ['XREADGROUP', 'GROUP', 'h', 'c', 'BLOCK', '0', 'STREAMS', 's', '>'], ['EXEC']], resp3);
      await h.sameBytes([['XAUTOCLAIM', 's', 'g', 'x', '0', '0'], ['XAUTOCLAIM', 's', 'h', 'x', '0', '0', 'JUSTID'], ['XCLAIM', 's', 'h', 'y', '0', '2-0', 'JUSTID']], resp3);
    }
  });

  it('XACK and XPENDING forms', async () => {
    await fill('s', 6);
    await same('XGROUP', 'CREATE', 's', 'g', '0');
    await same('XREADGROUP', 'GROUP', 'g', 'a', 'COUNT', '3', 'STREAMS', 's', '>');
    await same('XREADGROUP', 'GROUP', 'g', 'b', 'STREAMS', 's', '>');
    await same('XPENDING', 's', 'g');
    await sameMasked(maskIdle, 'XPENDING', 's', 'g', '-', '+', '10', 'a');
    await sameMasked(maskIdle, 'XPENDING', 's', 'g', '(2-0', '5', '2');
    await sameMasked(maskIdle, 'XPENDING', 's', 'g', 'IDLE', '0', '-', '+', '10');
    await same('XPENDING', 's', 'g', 'IDLE', '100000', '-', '+', '10');
    await same('XPENDING', 's', 'g', '-', '+', '10', 'nobody');
    await same('XPENDING', 's', 'g', '-', '+', '0');
    await same('XPENDING', 's', 'g', '-', '+', '-3');
    await same('XACK', 's', 'g', '1-0', '2-0', '9-0', '1-0');
    await same('XACK', 's', 'g', '3-0', 'x');
    await same('XACK', 's', 'nog', '3-0');
    await same('XACK', 'missing', 'g', '3-0');
    await same('XPENDING', 's', 'g');
    await same('XACK', 's', 'g', '3-0', '4-0', '5-0', '6-0');
    await same('XPENDING', 's', 'g');
    for (const args of [['g', '-'], ['g', '-', '+'], ['g', '-', '+', 'x'], ['g', 'IDLE', 'x', '-', '+', '10'], ['g', 'IDLE', '5', '-', '+'],
      ['g', 'x', '+', '10'], ['g', '(+', '+', '10'], ['g', '-', '(-', '10'], ['nog', '-', '+', '10'], ['g', '-', '+', '1', 'a', 'b', 'c', 'd']]) {
      await same('XPENDING', 's', ...args);
    }
    await same('XPENDING', 'missing', 'g');
    await same('SET', 'str', 'v');
    await same('XPENDING', 'str', 'g');
    await same('XACK', 'str', 'g', '1-1');
  });

  it('XCLAIM: ownership, RETRYCOUNT, JUSTID, FORCE, LASTID, deleted entries, errors', async () => {
    await fill('s', 5);
    await same('XGROUP', 'CREATE', 's', 'g', '0');
    await same('XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '>');
    await same('XCLAIM', 's', 'g', 'b', '0', '1-0', '2-0', '9-0');
    await same('XCLAIM', 's', 'g', 'b', '3600000', '3-0');
    await same('XCLAIM', 's', 'g', 'c', '0', '3-0', 'RETRYCOUNT', '7');
    await same('XCLAIM', 's', 'g', 'c', '0', '4-0', 'JUSTID');
    await same('XCLAIM', 's', 'g', 'c', '0', '4-0', 'IDLE', '5000', 'JUSTID');
    await same('XCLAIM', 's', 'g', 'c', '0', '5-0', 'TIME', '1', 'JUSTID');
    await sameMasked(maskIdle, 'XPENDING', 's', 'g', '-', '+', '10');
    await sameMasked(maskIdle, 'XPENDING', 's', 'g', 'IDLE', '4000', '-', '+', '10');
    await same('XACK', 's', 'g', '1-0');
    await same('XCLAIM', 's', 'g', 'd', '0', '1-0');
    await same('XCLAIM', 's', 'g', 'd', '0', '1-0', 'FORCE');
    await same('XINFO', 'GROUPS', 's');
    await same('XDEL', 's', '2-0');
    await same('XCLAIM', 's', 'g', 'd', '0', '2-0');
    await same('XCLAIM', 's', 'g', 'e', '0', '4-0', 'LASTID', '99-0');
    await same('XCLAIM', 's', 'g', 'e', '0', '4-0', 'LASTID', '0-1');
    await same('XINFO', 'GROUPS', 's');
    await sameMasked(maskFields('idle'), 'XINFO', 'CONSUMERS', 's', 'g');
    await sameMasked(maskIdle, 'XPENDING', 's', 'g', '-', '+', '10');
    for (const args of [['g', 'c', 'x', '1-0'], ['g', 'c', '0', '1-0', 'IDLE', 'x'], ['g', 'c', '0', '1-0', 'TIME', 'x'],
      ['g', 'c', '0', '1-0', 'RETRYCOUNT', 'x'], ['g', 'c', '0', '1-0', 'LASTID', 'x'], ['g', 'c', '0', '1-0', 'FOO'],
      ['g', 'c', '0', 'x'], ['g', 'c', '0', '1-0', 'IDLE'], ['nog', 'c', '0', '1-0']]) {
      await same('XCLAIM', 's', ...args);
    }
    await same('XCLAIM', 'missing', 'g', 'c', '0', '1-0');
    await same('SET', 'str', 'v');
    await same('XCLAIM', 'str', 'g', 'c', '0', '1-0');
  });

  it('XAUTOCLAIM: cursor, COUNT, JUSTID, deleted entries, errors', async () => {
    await fill('s', 8);
    await same('XGROUP', 'CREATE', 's', 'g', '0');
    await same('XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '>');
    await same('XDEL', 's', '3-0', '4-0');
    await same('XAUTOCLAIM', 's', 'g', 'b', '0', '0', 'COUNT', '3');
    await same('XAUTOCLAIM', 's', 'g', 'b', '0', '4-0', 'COUNT', '2', 'JUSTID');
    await same('XAUTOCLAIM', 's', 'g', 'c', '0', '(6-0');
    await same('XAUTOCLAIM', 's', 'g', 'c', '3600000', '0');
    await same('XAUTOCLAIM', 's', 'g', 'c', '0', '100-0');
    await sameMasked(maskIdle, 'XPENDING', 's', 'g', '-', '+', '10');
    await sameMasked(maskFields('idle'), 'XINFO', 'CONSUMERS', 's', 'g');
    for (const args of [['g', 'c', 'x', '0'], ['g', 'c', '0', 'x'], ['g', 'c', '0', '0', 'COUNT', '0'], ['g', 'c', '0', '0', 'COUNT', 'x'],
      ['g', 'c', '0', '0', 'COUNT', '576460752303423488'], ['g', 'c', '0', '0', 'FOO'], ['g', 'c', '0', '(18446744073709551615-18446744073709551615'],
      ['nog', 'c', '0', '0']]) {
      await same('XAUTOCLAIM', 's', ...args);
    }
    await same('XAUTOCLAIM', 'missing', 'g', 'c', '0', '0');
    await same('SET', 'str', 'v');
    await same('XAUTOCLAIM', 'str', 'g', 'c', '0', '0');
  });

  it('XAUTOCLAIM stops after COUNT*10 attempts with a cursor', async () => {
    await fill('s', 30);
    await same('XGROUP', 'CREATE', 's', 'g', '0');
    await same('XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '>');
    await same('XAUTOCLAIM', 's', 'g', 'b', '3600000', '0', 'COUNT', '1');
    await same('XAUTOCLAIM', 's', 'g', 'b', '3600000', '12-0', 'COUNT', '2');
  });

  it('lag and entries-read through deletions', async () => {
    await fill('s', 5);
    await same('XGROUP', 'CREATE', 's', 'g', '0');
    await same('XGROUP', 'CREATE', 's', 'h', '0');
    await same('XREADGROUP', 'GROUP', 'g', 'a', 'COUNT', '2', 'STREAMS', 's', '>');
    await same('XINFO', 'GROUPS', 's');
    await same('XDEL', 's', '4-0');
    await same('XINFO', 'GROUPS', 's');
    await same('XREADGROUP', 'GROUP', 'g', 'a', 'COUNT', '1', 'STREAMS', 's', '>');
    await same('XINFO', 'GROUPS', 's');
    await same('XREADGROUP', 'GROUP', 'g', 'a', 'STREAMS', 's', '>');
    await same('XINFO', 'GROUPS', 's');
    await same('XDEL', 's', '1-0');
    await same('XINFO', 'GROUPS', 's');
    await same('XGROUP', 'SETID', 's', 'h', '3-0');
    await same('XINFO', 'GROUPS', 's');
    await same('XTRIM', 's', 'MAXLEN', '0');
    await same('XINFO', 'GROUPS', 's');
    await same('XADD', 's', '10-0', 'f', 'v');
    await same('XREADGROUP', 'GROUP', 'h', 'a', 'STREAMS', 's', '>');
    await same('XINFO', 'GROUPS', 's');
  });
});

describe('XINFO', () => {
  it('STREAM, STREAM FULL, GROUPS, CONSUMERS and errors', async () => {
    await same('XGROUP', 'CREATE', 'e', 'g', '$', 'MKSTREAM');
    await same('XINFO', 'STREAM', 'e');
    await same('XINFO', 'STREAM', 'e', 'FULL');
    await fill('s', 15);
    await same('XGROUP', 'CREATE', 's', 'g1', '0');
    await same('XGROUP', 'CREATE', 's', 'a0', '$');
    await same('XREADGROUP', 'GROUP', 'g1', 'zed', 'COUNT', '12', 'STREAMS', 's', '>');
    await same('XREADGROUP', 'GROUP', 'g1', 'amy', 'STREAMS', 's', '>');
    await same('XINFO', 'STREAM', 's');
    const mask = maskFields('seen-time');
    const maskFull = (r: Reply): Reply => {
      // Pending rows carry absolute delivery times: [id, name, time, count] and [id, time, count].
      const walk = (x: Reply): Reply => {
        if (!Array.isArray(x)) return x;
        if (x.length === 4 && typeof x[0] === 'string' && /^\d+-\d+$/.test(x[0]) && typeof x[2] === 'number') return [x[0], x[1], 'T', x[3]];
        if (x.length === 3 && typeof x[0] === 'string' && /^\d+-\d+$/.test(x[0]) && typeof x[1] === 'number') return [x[0], 'T', x[2]];
        return x.map(walk);
      };
      return walk(mask(r));
    };
    await sameMasked(maskFull, 'XINFO', 'STREAM', 's', 'FULL');
    await sameMasked(maskFull, 'XINFO', 'STREAM', 's', 'FULL', 'COUNT', '3');
    await sameMasked(maskFull, 'XINFO', 'STREAM', 's', 'FULL', 'COUNT', '0');
    await sameMasked(maskFull, 'XINFO', 'STREAM', 's', 'full', 'count', '-1');
    await same('XINFO', 'GROUPS', 's');
    await sameMasked(maskFields('idle'), 'XINFO', 'CONSUMERS', 's', 'g1');
    await same('XINFO', 'CONSUMERS', 's', 'a0');
    for (const args of [['STREAM', 's', 'FOO'], ['STREAM', 's', 'FULL', 'COUNT'], ['STREAM', 's', 'FULL', 'FOO', '1'], ['STREAM', 's', 'FULL', 'COUNT', 'x'],
      ['STREAM', 'missing'], ['GROUPS', 'missing'], ['CONSUMERS', 'missing', 'g'], ['CONSUMERS', 's', 'nog'], ['GROUPS'], ['GROUPS', 's', 'x'], ['FOO', 's'], ['HELP']]) {
      await same('XINFO', ...args);
    }
    await same('SET', 'str', 'v');
    await same('XINFO', 'STREAM', 'str');
    await h.sameBytes([['XINFO', 'STREAM', 's'], ['XINFO', 'GROUPS', 's']], true);
  });

  it('radix-tree node counts over many nodes and deletions', async () => {
    for (let i = 1; i <= 1000; i++) await h.both('XADD', 's', `${i * 997}-${i % 7}`, 'f', 'v');
    await same('XINFO', 'STREAM', 's');
    await same('XTRIM', 's', 'MAXLEN', '~', '550');
    await same('XINFO', 'STREAM', 's');
    const dels: Arg[] = [];
    for (let i = 500; i <= 700; i++) dels.push(`${i * 997}-${i % 7}`);
    await same('XDEL', 's', ...dels);
    await same('XINFO', 'STREAM', 's');
  });
});

describe('randomized', () => {
  it('random XADD/XDEL/XTRIM/XRANGE/XINFO sequences match Redis (seeded)', async () => {
    const rand = rng(20261123);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const val = () => pick(['1', '-7', '300', '70000', '4294967296', 'x', 'y'.repeat(Math.floor(rand() * 200)), '']);
    let ms = 1;
    for (let step = 0; step < 600; step++) {
      const r = rand();
      if (r < 0.6) {
        ms += Math.floor(rand() * 3);
        const fields = pick([['a', val()], ['a', val(), 'b', val()], [pick(['a', 'b', 'c']), val()]]);
        const trim = rand() < 0.1 ? pick([['MAXLEN', '~', '150'], ['MAXLEN', '200'], ['MINID', '~', String(ms - 150)]]) : [];
        await same('XADD', 's', ...trim, rand() < 0.5 ? `${ms}-*` : `${ms}`, ...fields);
      } else if (r < 0.75) {
        const at = Math.floor(rand() * ms);
        await same('XDEL', 's', `${at}-0`, `${at}-1`, `${at + 1}-0`);
      } else if (r < 0.8) {
        await same('XTRIM', 's', ...pick([['MAXLEN', '~', '100'], ['MINID', String(Math.floor(ms / 3))], ['MAXLEN', '~', '50', 'LIMIT', '120']]));
      } else if (r < 0.95) {
        const a = Math.floor(rand() * ms);
        const cmd = pick(['XRANGE', 'XREVRANGE']);
        const bounds = rand() < 0.5 ? ['-', '+'] : [String(a), `(${a + 20}-0`];
        await same(cmd, 's', ...(cmd === 'XREVRANGE' ? [...bounds].reverse() : bounds), 'COUNT', '7');
      } else {
        await same('XINFO', 'STREAM', 's');
      }
    }
    await same('XINFO', 'STREAM', 's');
    await same('XRANGE', 's', '-', '+');
  });
});

describe('randomized consumer groups', () => {
  it('random group operations keep PELs, lag and entries-read as Redis does (seeded)', async () => {
    const rand = rng(77);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const consumers = ['a', 'b', 'c'];
    let ms = 0;
    await same('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
    await same('XGROUP', 'CREATE', 's', 'h', '0', 'ENTRIESREAD', '0');
    const someId = () => `${Math.floor(rand() * (ms + 2))}-0`;
    for (let step = 0; step < 400; step++) {
      const r = rand();
      const group = pick(['g', 'h']);
      if (r < 0.3) {
        ms++;
        await same('XADD', 's', `${ms}-0`, 'f', String(step));
      } else if (r < 0.5) {
        await same('XREADGROUP', 'GROUP', group, pick(consumers), 'COUNT', String(1 + Math.floor(rand() * 3)), ...(rand() < 0.2 ? ['NOACK'] : []), 'STREAMS', 's', pick(['>', '>', '0', someId()]));
      } else if (r < 0.6) {
        await same('XACK', 's', group, someId(), someId());
      } else if (r < 0.67) {
        await same('XCLAIM', 's', group, pick(consumers), '0', someId(), someId(), ...pick([[], ['JUSTID'], ['RETRYCOUNT', '5'], ['FORCE'], ['LASTID', someId()]]));
      } else if (r < 0.74) {
        await same('XAUTOCLAIM', 's', group, pick(consumers), '0', someId(), 'COUNT', String(1 + Math.floor(rand() * 4)), ...(rand() < 0.5 ? ['JUSTID'] : []));
      } else if (r < 0.8) {
        await same('XDEL', 's', someId());
      } else if (r < 0.83) {
        await same('XGROUP', 'SETID', 's', group, pick(['$', '0', someId()]), ...(rand() < 0.5 ? ['ENTRIESREAD', String(Math.floor(rand() * ms))] : []));
      } else if (r < 0.85) {
        await same('XGROUP', 'DELCONSUMER', 's', group, pick(consumers));
      } else if (r < 0.87) {
        await same('XTRIM', 's', 'MAXLEN', String(Math.floor(rand() * 10)));
      } else if (r < 0.93) {
        await same('XINFO', 'GROUPS', 's');
      } else {
        await same('XPENDING', 's', group);
        await sameMasked(maskIdle, 'XPENDING', 's', group, '-', '+', '100');
      }
    }
    await same('XINFO', 'GROUPS', 's');
    await same('XINFO', 'STREAM', 's');
  });
});

describe('generic commands on streams', () => {
  it('TYPE, OBJECT ENCODING, COPY, DEL', async () => {
    await fill('s', 3);
    await same('XGROUP', 'CREATE', 's', 'g', '0');
    await same('XREADGROUP', 'GROUP', 'g', 'a', 'COUNT', '1', 'STREAMS', 's', '>');
    await same('TYPE', 's');
    await same('OBJECT', 'ENCODING', 's');
    await same('COPY', 's', 'c');
    await same('XADD', 'c', '9-0', 'f', 'v');
    await same('XLEN', 's');
    await same('XLEN', 'c');
    await same('XPENDING', 'c', 'g');
    await same('XINFO', 'GROUPS', 'c');
    await same('DEL', 's');
  });
});

describe('blocking reads (our node)', () => {
  let blocker: RawClient;
  let writer: RawClient;
  beforeAll(async () => {
    blocker = await RawClient.connect(h.node.port);
    writer = await RawClient.connect(h.node.port);
  });
  afterAll(() => {
    blocker?.close();
    writer?.close();
  });

  it('XREAD BLOCK is woken by XADD', async () => {
    const pending = blocker.call('XREAD', 'BLOCK', '5000', 'STREAMS', 'other', 'bs', '$', '$');
    await waitBlocked();
    expect(await writer.call('XADD', 'bs', '5-0', 'f', 'v')).toBe('5-0');
    expect(await pending).toEqual([['bs', [['5-0', ['f', 'v']]]]]);
  });

  it('XREAD BLOCK times out with a null reply', async () => {
    const t0 = Date.now();
    expect(await blocker.call('XREAD', 'BLOCK', '100', 'STREAMS', 'bs2', '$')).toBe(null);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
  });

  it('XREADGROUP BLOCK is woken by XADD, records the PEL, respects COUNT', async () => {
    await writer.call('XGROUP', 'CREATE', 'gs', 'g', '$', 'MKSTREAM');
    const pending = blocker.call('XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 'gs', '>');
    await waitBlocked();
    await writer.call('MULTI');
    await writer.call('XADD', 'gs', '1-0', 'a', '1');
    await writer.call('XADD', 'gs', '2-0', 'b', '2');
    await writer.call('EXEC');
    expect(await pending).toEqual([['gs', [['1-0', ['a', '1']]]]]);
    const summary = await writer.call('XPENDING', 'gs', 'g');
    expect(summary).toEqual([1, '1-0', '1-0', [['c', '1']]]);
  });

  it('XREADGROUP BLOCK times out, and is failed with NOGROUP when the group goes', async () => {
    await writer.call('XGROUP', 'CREATE', 'gs', 'g', '$', 'MKSTREAM');
    expect(await blocker.call('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '80', 'STREAMS', 'gs', '>')).toBe(null);
    const pending = blocker.call('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', '0', 'STREAMS', 'gs', '>');
    await waitBlocked();
    expect(await writer.call('XGROUP', 'DESTROY', 'gs', 'g')).toBe(1);
    const r = await pending;
    expect(r).toBeInstanceOf(RespError);
    expect(String(r)).toBe('NOGROUP the consumer group this client was blocked on no longer exists');
  });

  it('two readers of one group share new entries in blocking order', async () => {
    await writer.call('XGROUP', 'CREATE', 'gs', 'g', '$', 'MKSTREAM');
    const other = await RawClient.connect(h.node.port);
    try {
      const first = blocker.call('XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 'gs', '>');
      await waitBlocked(1);
      const second = other.call('XREADGROUP', 'GROUP', 'g', 'c2', 'COUNT', '1', 'BLOCK', '0', 'STREAMS', 'gs', '>');
      await waitBlocked(2);
      await writer.call('XADD', 'gs', '1-0', 'a', '1');
      expect(await first).toEqual([['gs', [['1-0', ['a', '1']]]]]);
      await writer.call('XADD', 'gs', '2-0', 'b', '2');
      expect(await second).toEqual([['gs', [['2-0', ['b', '2']]]]]);
    } finally {
      other.close();
    }
  });

  /** Waits until the node reports `n` blocked clients (no sleeping as a stand-in for readiness). */
  async function waitBlocked(n = 1): Promise<void> {
    for (let i = 0; i < 500 && h.node.server.blocking.count < n; i++) await new Promise((r) => setImmediate(r));
    expect(h.node.server.blocking.count).toBe(n);
  }
});

describe('client libraries', () => {
  it('ioredis round trip', async () => {
    const r = new Redis(h.node.port, '127.0.0.1', { lazyConnect: true });
    await r.connect();
    try {
      expect(await r.xadd('lib', '1-1', 'f', 'v')).toBe('1-1');
      expect(await r.xrange('lib', '-', '+')).toEqual([['1-1', ['f', 'v']]]);
      expect(await r.xgroup('CREATE', 'lib', 'g', '0')).toBe('OK');
      expect(await r.xreadgroup('GROUP', 'g', 'c', 'STREAMS', 'lib', '>')).toEqual([['lib', [['1-1', ['f', 'v']]]]]);
      expect(await r.xack('lib', 'g', '1-1')).toBe(1);
      expect(await r.xlen('lib')).toBe(1);
    } finally {
      r.disconnect();
    }
  });

  it('node-redis round trip (RESP2 and RESP3)', async () => {
    for (const RESP of [2, 3] as const) {
      const r = createClient({ socket: { port: h.node.port, host: '127.0.0.1' }, RESP, unstableResp3: true });
      await r.connect();
      try {
        const key = `nr${RESP}`;
        expect(await r.xAdd(key, '1-1', { f: 'v' })).toBe('1-1');
        const range = await r.xRange(key, '-', '+');
        expect(range).toEqual([{ id: '1-1', message: { f: 'v' } }]);
        const read = await r.xRead({ key, id: '0' });
        expect(JSON.stringify(read)).toContain('"1-1"');
        expect(await r.xLen(key)).toBe(1);
      } finally {
        await r.quit();
      }
    }
  });
});
