/**
 * Bitmap commands, differentially against a real redis-server 7.0: SETBIT GETBIT BITCOUNT BITPOS
 * BITOP BITFIELD BITFIELD_RO with their errors, range edge cases (negative, out of range, BIT and
 * BYTE units), offset boundaries and every BITFIELD overflow mode. String results are compared as
 * bytes; 64-bit BITFIELD replies as raw RESP (the decoding client rounds beyond 2^53).
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { rng, useDifferential, type Arg } from '../helpers/diff-harness.js';

const h = useDifferential();
const same = (...a: Arg[]) => h.same(...a);
const sameBin = (...a: Arg[]) => h.sameBin(...a);

/** Sets `key` to the same bytes on both servers. */
async function put(key: string, bytes: number[] | string): Promise<void> {
  const s = typeof bytes === 'string' ? bytes : String.fromCharCode(...bytes);
  await same('SET', key, s);
}

describe('SETBIT and GETBIT', () => {
  it('sets and reads bits, growing the string with zero bytes', async () => {
    for (const [off, v] of [[7, 1], [0, 1], [7, 0], [9, 1], [100, 1], [100, 1], [100, 0], [63, 1]] as const) {
      await same('SETBIT', 'b', off, v);
      await sameBin('GET', 'b');
    }
    for (const off of [0, 1, 7, 8, 9, 63, 100, 101, 1000, 4294967295]) await same('GETBIT', 'b', off);
    await same('GETBIT', 'missing', 5);
    await same('SET', 'num', 12345);
    for (let off = 0; off < 48; off++) await same('GETBIT', 'num', off);
    await same('SETBIT', 'num', 2, 1);
    await sameBin('GET', 'num');
  });

  it('argument errors, in Redis order', async () => {
    await same('SADD', 'set', 'a');
    for (const args of [['b', -1, 1], ['b', 'x', 1], ['b', '4294967296', 1], ['b', '4294967295', 2], ['b', 0, 2],
      ['b', 0, -1], ['b', 0, 'x'], ['b', 'x', 'x'], ['set', 0, 1], ['set', -1, 1], ['set', 0, 2], ['b', '1.5', 1], ['b', ' 1', 1]]) {
      await same('SETBIT', ...args);
    }
    for (const args of [['b', -1], ['b', 'x'], ['b', '4294967296'], ['set', 0], ['set', 'x'], ['missing', '18446744073709551616']]) {
      await same('GETBIT', ...args);
    }
    await same('EXISTS', 'b');
  });

  it('keeps the TTL (SETBIT changes the value in place)', async () => {
    await same('SET', 'b', 'x', 'EX', 1000);
    await same('SETBIT', 'b', 100, 1);
    await same('TTL', 'b');
  });

  it('offset limit is proto-max-bulk-len bytes', async () => {
    for (const client of [h.d.ours, h.d.ref]) expect(await client.call('CONFIG', 'SET', 'proto-max-bulk-len', '1mb')).toBe('OK');
    try {
      await same('SETBIT', 'b', 8 * 1024 * 1024 - 1, 1);
      await same('STRLEN', 'b');
      await same('SETBIT', 'b', 8 * 1024 * 1024, 1);
      await same('GETBIT', 'b', 8 * 1024 * 1024 - 1);
      await same('GETBIT', 'b', 8 * 1024 * 1024);
      await same('BITFIELD', 'b', 'SET', 'u8', 8 * 1024 * 1024 - 8, 255);
      await same('BITFIELD', 'b', 'GET', 'u8', '#1048576');
      await same('BITCOUNT', 'b');
    } finally {
      for (const client of [h.d.ours, h.d.ref]) await client.call('CONFIG', 'SET', 'proto-max-bulk-len', '512mb');
    }
  });

  it('random SETBITs build the same bytes', async () => {
    const r = rng(11);
    for (let i = 0; i < 300; i++) await same('SETBIT', 'b', Math.floor(r() * 2000), r() < 0.7 ? 1 : 0);
    await sameBin('GET', 'b');
  });
});

describe('BITCOUNT', () => {
  it('every range in BYTE and BIT units, negative and out of range indexes', async () => {
    await put('s', [0xff, 0xf0, 0x00, 0x0f, 0xaa, 0x55, 0x01]);
    await same('BITCOUNT', 's');
    for (let start = -12; start <= 12; start++) {
      for (let end = -12; end <= 12; end++) {
        await same('BITCOUNT', 's', start, end);
        await same('BITCOUNT', 's', start, end, 'BYTE');
      }
    }
    for (let start = -60; start <= 60; start += 3) {
      for (let end = -60; end <= 60; end += 5) await same('BITCOUNT', 's', start, end, 'BIT');
    }
    await same('BITCOUNT', 's', 0, '9223372036854775807', 'bit');
    await same('BITCOUNT', 's', '-9223372036854775808', -1);
  });

  it('missing keys count 0 whatever the arguments (7.0 looks the key up first)', async () => {
    await put('s', 'foobar');
    await same('SADD', 'set', 'a');
    for (const args of [['missing'], ['missing', 'x', 'y'], ['missing', 0], ['missing', 0, 1, 'foo'], ['s', 0], ['s', 'x', 1],
      ['s', 0, 'x'], ['s', 0, 1, 'foo'], ['s', 0, 1, 'bit', 'x'], ['set'], ['set', 'x', 'y'], ['s', 1, 1, 'bit']]) {
      await same('BITCOUNT', ...args);
    }
    await same('SET', 'empty', '');
    await same('BITCOUNT', 'empty');
    await same('BITCOUNT', 'empty', 0, -1);
  });
});

describe('BITPOS', () => {
  const samples: number[][] = [[0xff, 0xf0, 0x00], [0x00, 0x00, 0x00], [0xff, 0xff, 0xff], [0x00, 0x01, 0x80], [0x7f], [0x80], []];

  it('first set / clear bit over every range, BYTE and BIT units, with and without an end', async () => {
    for (const bytes of samples) {
      await put('s', bytes);
      for (const bit of [0, 1]) {
        await same('BITPOS', 's', bit);
        for (let start = -8; start <= 8; start++) {
          await same('BITPOS', 's', bit, start);
          for (let end = -8; end <= 8; end += 2) {
            await same('BITPOS', 's', bit, start, end);
            await same('BITPOS', 's', bit, start, end, 'BYTE');
          }
        }
        for (let start = -30; start <= 30; start += 3) {
          for (let end = -30; end <= 30; end += 4) await same('BITPOS', 's', bit, start, end, 'BIT');
        }
      }
    }
  });

  it('argument errors and missing keys', async () => {
    await put('s', 'foobar');
    await same('SADD', 'set', 'a');
    for (const args of [['missing', 1], ['missing', 0], ['missing', 2], ['missing', 'x'], ['missing', 1, 'x'], ['missing', 0, 0, -1, 'bit'],
      ['s', 2], ['s', -1], ['s', 'x'], ['s', 1, 'x'], ['s', 1, 0, 'x'], ['s', 1, 7, 'bit'], ['s', 0, 1, 'x', 'foo'],
      ['s', 0, 'x', 1, 'foo'], ['s', 0, 1, 2, 'foo'], ['s', 0, 1, 2, 3, 4], ['set', 1], ['set', 2], ['set', 1, 'x']]) {
      await same('BITPOS', ...args);
    }
  });
});

describe('BITOP', () => {
  it('AND OR XOR NOT over strings of different lengths and missing keys', async () => {
    await put('a', [0xff, 0x0f, 0xaa]);
    await put('b', [0xf0, 0xff]);
    await put('c', [0x01]);
    await put('e', '');
    const sources = [['a'], ['a', 'b'], ['b', 'a'], ['a', 'b', 'c'], ['a', 'missing'], ['missing', 'a'], ['missing'], ['e'], ['e', 'a'], ['a', 'a']];
    for (const op of ['AND', 'OR', 'XOR', 'and', 'Or']) {
      for (const src of sources) {
        await same('SET', 'dst', 'old', 'EX', 1000);
        await same('BITOP', op, 'dst', ...src);
        await sameBin('GET', 'dst');
        await same('TTL', 'dst');
      }
    }
    for (const src of ['a', 'b', 'c', 'missing', 'e']) {
      await same('SET', 'dst', 'old');
      await same('BITOP', 'NOT', 'dst', src);
      await sameBin('GET', 'dst');
    }
    await same('BITOP', 'XOR', 'a', 'a', 'b');
    await sameBin('GET', 'a');
  });

  it('errors: unknown op, NOT with several keys, wrong types (checked in order)', async () => {
    await put('a', 'x');
    await same('SADD', 'set', 'm');
    for (const args of [['FOO', 'd', 'a'], ['DIFF', 'd', 'a', 'a'], ['ONE', 'd', 'a'], ['NOT', 'd', 'a', 'a'], ['NOT', 'd', 'set'],
      ['AND', 'd', 'missing', 'set'], ['AND', 'd', 'a', 'set'], ['OR', 'set', 'a'], ['AND', 'd']]) {
      await same('BITOP', ...args);
    }
    await same('TYPE', 'set');
    await same('EXISTS', 'd');
  });

  it('large random operands', async () => {
    const r = rng(3);
    const bytes = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 256));
    await put('x', bytes(5000));
    await put('y', bytes(3000));
    await put('z', bytes(4000));
    for (const op of ['AND', 'OR', 'XOR']) {
      await same('BITOP', op, 'dst', 'x', 'y', 'z');
      await sameBin('GET', 'dst');
      await same('BITCOUNT', 'dst');
    }
  });
});

describe('BITFIELD', () => {
  it('GET SET INCRBY for every width, signed and unsigned, at unaligned offsets', async () => {
    const r = rng(5);
    for (let bits = 1; bits <= 64; bits++) {
      for (const sign of bits === 64 ? ['i'] : ['i', 'u']) {
        const type = `${sign}${bits}`;
        const off = Math.floor(r() * 70);
        const value = String(BigInt.asIntN(64, BigInt(Math.floor(r() * 2 ** 53)) * BigInt(Math.floor(r() * 2 ** 20) + 1)));
        await h.sameBytes([
          ['BITFIELD', 'f', 'SET', type, off, value, 'GET', type, off],
          ['BITFIELD', 'f', 'INCRBY', type, off, '12345', 'GET', type, off, 'INCRBY', type, off, '-999999'],
          ['BITFIELD', 'f', 'SET', type, `#${bits % 5}`, '-1', 'GET', type, `#${bits % 5}`],
          ['GET', 'f'],
        ]);
      }
    }
  });

  it('OVERFLOW WRAP, SAT and FAIL at the limits', async () => {
    const cases: [string, string[]][] = [
      ['u8', ['255', '256', '-1', '0', '1000', '-1000']],
      ['i8', ['127', '128', '-128', '-129', '1000', '-1000']],
      ['u1', ['1', '2', '-1']],
      ['i1', ['0', '-1', '1', '-2']],
      ['u63', ['9223372036854775807', '-1', '1']],
      ['i64', ['9223372036854775807', '-9223372036854775808', '1', '-1']],
      ['i63', ['4611686018427387903', '4611686018427387904', '-4611686018427387905']],
    ];
    for (const [type, values] of cases) {
      for (const mode of ['WRAP', 'SAT', 'FAIL']) {
        for (const v of values) {
          await h.sameBytes([
            ['DEL', 'f'],
            ['BITFIELD', 'f', 'OVERFLOW', mode, 'SET', type, 3, v, 'GET', type, 3],
            ['BITFIELD', 'f', 'OVERFLOW', mode, 'INCRBY', type, 3, v, 'INCRBY', type, 3, v, 'GET', type, 3],
            ['BITFIELD', 'f', 'OVERFLOW', mode, 'INCRBY', type, 3, '9223372036854775807', 'INCRBY', type, 3, '-9223372036854775808'],
            ['GET', 'f'],
          ]);
        }
      }
    }
    for (const resp3 of [false, true]) {
      await h.sameBytes([['DEL', 'g'], ['BITFIELD', 'g', 'SET', 'u8', 0, 200, 'OVERFLOW', 'FAIL', 'INCRBY', 'u8', 0, 100, 'OVERFLOW', 'SAT', 'INCRBY', 'u8', 0, 100, 'INCRBY', 'u8', 0, 1]], resp3);
    }
  });

  it('a write creates the key even when every write fails; GETs read zeros past the end', async () => {
    await h.sameBytes([
      ['BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', 100, 10],
      ['EXISTS', 'f'], ['GET', 'f'],
      ['BITFIELD', 'f', 'GET', 'u8', 1000, 'GET', 'i16', 4],
      ['BITFIELD', 'missing', 'GET', 'i8', 0],
      ['EXISTS', 'missing'],
      ['BITFIELD', 'missing'],
      ['BITFIELD_RO', 'missing'],
    ]);
    await same('SET', 'k', 'x', 'EX', 1000);
    await same('BITFIELD', 'k', 'SET', 'u8', 16, 1);
    await same('TTL', 'k');
  });

  it('argument errors, BITFIELD_RO, wrong types', async () => {
    await same('SADD', 'set', 'a');
    await put('s', 'ab');
    const bad = [['get', 'u64', 0], ['get', 'i65', 0], ['get', 'i0', 0], ['get', 'x8', 0], ['get', 'I8', 0], ['get', 'u', 0], ['get', 'u8x', 0],
      ['overflow', 'foo'], ['overflow'], ['foo'], ['get', 'u8'], ['set', 'u8', 0], ['incrby', 'u8', 0], ['get', 'u8', -1], ['get', 'u8', '#-1'],
      ['get', 'u8', '#'], ['get', 'u8', '#x'], ['set', 'u8', 0, 'x'], ['set', 'u8', 0, '1.5'], ['get', 'u8', '4294967296'],
      ['get', 'u8', 0, 'get', 'u64', 0], ['set', 'u8', 0, 1, 'get'], ['GET', 'U8', 0]];
    for (const args of bad) {
      await same('BITFIELD', 's', ...args);
      await same('BITFIELD_RO', 's', ...args);
    }
    await same('BITFIELD', 'set', 'GET', 'u8', 0);
    await same('BITFIELD', 'set', 'SET', 'u8', 0, 1);
    await same('BITFIELD', 'set');
    await same('BITFIELD_RO', 'set', 'GET', 'u8', 0);
    await same('BITFIELD_RO', 's', 'SET', 'u8', 0, 1);
    await same('BITFIELD_RO', 's', 'GET', 'u8', 0, 'INCRBY', 'u8', 0, 1);
    await same('BITFIELD_RO', 's', 'OVERFLOW', 'SAT', 'GET', 'u8', 0, 'GET', 'i4', '#3');
    await same('BITFIELD_RO', 'missing', 'SET', 'u8', 0, 1);
    await same('EXISTS', 'missing');
    await sameBin('GET', 's');
  });

  it('random operation sequences agree byte for byte', async () => {
    const r = rng(9);
    for (let round = 0; round < 150; round++) {
      const cmd: Arg[] = ['BITFIELD', 'f'];
      for (let k = 0; k < 4; k++) {
        const bits = 1 + Math.floor(r() * 64);
        const type = bits === 64 || r() < 0.5 ? `i${bits}` : `u${bits}`;
        const off = Math.floor(r() * 200);
        const mode = ['WRAP', 'SAT', 'FAIL'][Math.floor(r() * 3)];
        const value = String(BigInt(Math.floor(r() * 2 ** 40)) * (r() < 0.5 ? -1n : 1n) * BigInt(1 + Math.floor(r() * 2 ** 23)));
        const kind = Math.floor(r() * 3);
        cmd.push('OVERFLOW', mode, ...(kind === 0 ? ['GET', type, off] : [kind === 1 ? 'SET' : 'INCRBY', type, off, value]));
      }
      await h.sameBytes([cmd]);
    }
    await sameBin('GET', 'f');
  });
});

describe('client libraries', () => {
  it('ioredis', async () => {
    const r = new Redis({ port: h.node.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect();
    try {
      expect(await r.setbit('io:b', 7, 1)).toBe(0);
      expect(await r.setbit('io:b', 7, 0)).toBe(1);
      expect(await r.getbit('io:b', 7)).toBe(0);
      await r.set('io:s', 'foobar');
      expect(await r.bitcount('io:s')).toBe(26);
      expect(await r.bitcount('io:s', 1, 1)).toBe(6);
      expect(await r.bitcount('io:s', 5, 30, 'BIT')).toBe(17);
      expect(await r.bitpos('io:s', 1)).toBe(1);
      expect(await r.bitpos('io:s', 0, 2, -1, 'BIT')).toBe(3);
      expect(await r.bitop('AND', 'io:d', 'io:s', 'io:b')).toBe(6);
      expect(await r.call('BITFIELD', 'io:f', 'SET', 'i8', 0, 100, 'INCRBY', 'i8', 0, 100, 'OVERFLOW', 'FAIL', 'INCRBY', 'i8', 0, 100)).toEqual([0, -56, 44]);
      expect(await r.call('BITFIELD_RO', 'io:f', 'GET', 'u8', 0)).toEqual([44]);
      await expect(r.setbit('io:b', -1, 1)).rejects.toThrow('ERR bit offset is not an integer or out of range');
    } finally {
      r.disconnect();
    }
  });

  it('node-redis over RESP2 and RESP3', async () => {
    for (const RESP of [2, 3] as const) {
      const r = createClient({ socket: { port: h.node.port, host: '127.0.0.1', reconnectStrategy: false }, RESP });
      r.on('error', () => {});
      await r.connect();
      try {
        const p = `nr${RESP}:`;
        expect(await r.setBit(`${p}b`, 3, 1)).toBe(0);
        expect(await r.getBit(`${p}b`, 3)).toBe(1);
        expect(await r.bitCount(`${p}b`, { start: 0, end: -1, mode: 'BIT' })).toBe(1);
        expect(await r.bitPos(`${p}b`, 1)).toBe(3);
        expect(await r.bitOp('NOT', `${p}n`, `${p}b`)).toBe(1);
        expect(await r.getBit(`${p}n`, 3)).toBe(0);
        const out = await r.bitField(`${p}f`, [
          { operation: 'SET', encoding: 'u4', offset: 0, value: 15 },
          { operation: 'OVERFLOW', behavior: 'SAT' },
          { operation: 'INCRBY', encoding: 'u4', offset: 0, increment: 5 },
        ]);
        expect(out).toEqual([0, 15]);
        expect(await r.bitFieldRo(`${p}f`, [{ encoding: 'u4', offset: 0 }])).toEqual([15]);
      } finally {
        await r.close();
      }
    }
  });
});
