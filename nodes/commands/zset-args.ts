/**
 * Range arguments of the sorted-set commands, parsed as Redis's zslParseRange and
 * zslParseLexRange do: score bounds with an optional "(" (exclusive), lex bounds "[x", "(x", "-"
 * and "+". Both return null on bad input; the caller replies with its own error text.
 */
import { LEX_MAX, LEX_MIN, type LexBound, type LexRange, type ScoreRange } from '../types/zset-order.js';
import { parseInt64 } from './args.js';
import { parseBoundValue } from './zset-number.js';

function scoreBound(s: string): { v: number; ex: boolean } | null {
  const ex = s.charCodeAt(0) === 40; // '('
  const v = parseBoundValue(ex ? s.slice(1) : s);
  return v === null ? null : { v, ex };
}

export function parseScoreRange(min: string, max: string): ScoreRange | null {
  const lo = scoreBound(min);
  const hi = scoreBound(max);
  if (lo === null || hi === null) return null;
  return { min: lo.v, minEx: lo.ex, max: hi.v, maxEx: hi.ex };
}

/** One lex bound; C compares the first bytes, so "+" followed by a NUL byte still counts as "+". */
function lexBound(s: string): { b: LexBound; ex: boolean } | null {
  const alone = s.length === 1 || s.charCodeAt(1) === 0;
  switch (s[0]) {
    case '+': return alone ? { b: LEX_MAX, ex: true } : null;
    case '-': return alone ? { b: LEX_MIN, ex: true } : null;
    case '(': return { b: s.slice(1), ex: true };
    case '[': return { b: s.slice(1), ex: false };
    default: return null;
  }
}

export function parseLexRange(min: string, max: string): LexRange | null {
  const lo = lexBound(min);
  const hi = lexBound(max);
  if (lo === null || hi === null) return null;
  return { min: lo.b, minEx: lo.ex, max: hi.b, maxEx: hi.ex };
}

/** getLongFromObject: a 64-bit integer as a (possibly rounded) number, or null. */
export function parseLong(s: string): number | null {
  const v = parseInt64(s);
  return v === null ? null : Number(v);
}
