import { describe, expect, test } from 'vitest';
import { encodeCommand, encodeCommandString } from '../../lib/resp/encode.js';
import { RequestParser, DEFAULT_LIMITS } from '../../lib/resp/parser.js';

/** What the encoder must produce, written the obvious way. */
function reference(argv: string[]): Buffer {
  return Buffer.from(`*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join(''), 'latin1');
}

describe('encodeCommand', () => {
  test('canonical RESP for lengths around every digit boundary and the inline limit', () => {
    for (const n of [0, 1, 9, 10, 11, 63, 64, 65, 99, 100, 101, 999, 1000, 100_000]) {
      const argv = ['SET', 'k'.repeat(Math.max(1, n % 7)), 'v'.repeat(n)];
      expect(encodeCommand(argv)).toEqual(reference(argv));
      expect(encodeCommandString(argv)).toBe(reference(argv).toString('latin1'));
    }
  });

  test('every byte value survives, and the request parser reads back the same argv', () => {
    const bytes = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
    const argv = ['MSET', bytes.slice(0, 40), bytes.slice(40, 200), '', bytes];
    const buf = encodeCommand(argv);
    expect(buf).toEqual(reference(argv));
    const got: string[][] = [];
    new RequestParser((a) => got.push(a), DEFAULT_LIMITS).feed(buf);
    expect(got).toEqual([argv]);
  });

  test('many arguments (a header count of several digits)', () => {
    const argv = ['MGET', ...Array.from({ length: 12345 }, (_, i) => `key:${i}`)];
    expect(encodeCommand(argv)).toEqual(reference(argv));
  });
});
