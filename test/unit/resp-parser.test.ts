import { describe, expect, test } from 'vitest';
import { ProtocolError, RequestParser } from '../../lib/resp/parser.js';
import { splitInlineArgs } from '../../lib/resp/inline.js';

function parseAll(chunks: Buffer[]): string[][] {
  const out: string[][] = [];
  const p = new RequestParser((argv) => out.push(argv));
  for (const c of chunks) p.feed(c);
  return out;
}

function bytewise(s: Buffer): Buffer[] {
  return [...s].map((b) => Buffer.from([b]));
}

describe('RequestParser', () => {
  const frame = Buffer.from('*3\r\n$3\r\nSET\r\n$3\r\nk\0y\r\n$4\r\na\r\nb\r\n*1\r\n$4\r\nPING\r\n', 'latin1');

  test('multibulk commands, binary-safe', () => {
    expect(parseAll([frame])).toEqual([['SET', 'k\0y', 'a\r\nb'], ['PING']]);
  });

  test('same result when fed one byte at a time', () => {
    expect(parseAll(bytewise(frame))).toEqual([['SET', 'k\0y', 'a\r\nb'], ['PING']]);
  });

  test('inline commands with quotes and escapes', () => {
    expect(parseAll([Buffer.from('SET k "a b\\x41\\n"\r\nPING\n\r\n')])).toEqual([['SET', 'k', 'a bA\n'], ['PING']]);
    expect(splitInlineArgs(`a 'it\\'s' "x"`)).toEqual(['a', "it's", 'x']);
    expect(splitInlineArgs('"unterminated')).toBeNull();
    expect(splitInlineArgs('"a"b')).toBeNull();
  });

  test('a large bulk arriving in many chunks is assembled intact', () => {
    const big = Buffer.alloc(300_000, 7);
    const wire = Buffer.concat([Buffer.from(`*2\r\n$3\r\nSET\r\n$${big.length}\r\n`), big, Buffer.from('\r\n*1\r\n$4\r\nPING\r\n')]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < wire.length; i += 1000) chunks.push(wire.subarray(i, i + 1000));
    const out = parseAll(chunks);
    expect(out).toHaveLength(2);
    expect(out[0][1].length).toBe(big.length);
    expect(Buffer.from(out[0][1], 'latin1').equals(big)).toBe(true);
    expect(out[1]).toEqual(['PING']);
  });

  test('empty multibulks are skipped', () => {
    expect(parseAll([Buffer.from('*0\r\n*-1\r\n*1\r\n$1\r\nx\r\n')])).toEqual([['x']]);
  });

  const errors: [string, string][] = [
    ['*abc\r\n', 'Protocol error: invalid multibulk length'],
    ['*1\r\n+foo\r\n', "Protocol error: expected '$', got '+'"],
    ['*1\r\n$-5\r\n', 'Protocol error: invalid bulk length'],
    ['*1\r\n$1073741824\r\n', 'Protocol error: invalid bulk length'],
    ['SET "a\r\n', 'Protocol error: unbalanced quotes in request'],
  ];
  test.each(errors)('%j → %s', (input, msg) => {
    const p = new RequestParser(() => {});
    expect(() => p.feed(Buffer.from(input))).toThrow(new ProtocolError(msg));
  });

  test('commands before a protocol error are delivered first', () => {
    const seen: string[][] = [];
    const p = new RequestParser((a) => seen.push(a));
    expect(() => p.feed(Buffer.from('PING\r\n*x\r\n'))).toThrow(ProtocolError);
    expect(seen).toEqual([['PING']]);
  });

  test('an inline line over 64 KB without newline is refused', () => {
    const p = new RequestParser(() => {});
    expect(() => p.feed(Buffer.alloc(70_000, 97))).toThrow('Protocol error: too big inline request');
  });

  test('a 10M-element multibulk header allocates nothing up front', () => {
    const p = new RequestParser(() => {});
    p.feed(Buffer.from('*10000000\r\n$1\r\na\r\n'));
    expect(p.pending).toBe(0);
  });
});
