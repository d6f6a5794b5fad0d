/**
 * LCS (longest common subsequence) as Redis 7 computes it: the same O(n*m) table, the same
 * transient-memory bound (proto-max-bulk-len) and the same backward walk, so LEN, IDX,
 * MINMATCHLEN and WITHMATCHLEN give Redis's exact replies, including which of several equally
 * long subsequences is reported.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { parseIntArg } from './args.js';

interface LcsOptions {
  len: boolean;
  idx: boolean;
  withMatchLen: boolean;
  minMatchLen: number;
}

/** Parses the options after the two keys; replies with the error and returns null when invalid. */
function parseOptions(c: Client, argv: string[]): LcsOptions | null {
  const o: LcsOptions = { len: false, idx: false, withMatchLen: false, minMatchLen: 0 };
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === 'idx') o.idx = true;
    else if (opt === 'len') o.len = true;
    else if (opt === 'withmatchlen') o.withMatchLen = true;
    else if (opt === 'minmatchlen' && j + 1 < argv.length) {
      const v = parseIntArg(argv[++j]);
      if (v === null) {
        c.out.error(Err.notInteger);
        return null;
      }
      o.minMatchLen = Math.max(0, v);
    } else {
      c.out.error(Err.syntax);
      return null;
    }
  }
  if (o.len && o.idx) {
    c.out.error(Err.lcsLenAndIdx);
    return null;
  }
  return o;
}

/**
 * The table: t[i * (|b| + 1) + j] is the LCS length of a[0..i) and b[0..j). Null (after replying)
 * when it would exceed the transient-memory bound or cannot be allocated.
 */
function buildTable(c: Client, a: string, b: string): Uint32Array | null {
  const w = b.length + 1;
  const cells = (a.length + 1) * w;
  if (cells * 4 > c.server.config.get<number>('proto-max-bulk-len')) {
    c.out.error(Err.lcsMemoryLimit);
    return null;
  }
  let t: Uint32Array;
  try {
    t = new Uint32Array(cells);
  } catch {
    c.out.error(Err.lcsAllocFailed);
    return null;
  }
  const bc = Buffer.from(b, 'latin1');
  for (let i = 1; i <= a.length; i++) {
    const ai = a.charCodeAt(i - 1);
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j < w; j++) {
      if (ai === bc[j - 1]) {
        t[row + j] = t[prev + j - 1] + 1;
      } else {
        const up = t[prev + j];
        const left = t[row + j - 1];
        t[row + j] = up > left ? up : left;
      }
    }
  }
  return t;
}

/** One reported match: ranges in a and b (inclusive) and its length. */
type Match = [aStart: number, aEnd: number, bStart: number, bEnd: number, len: number];

/**
 * Walks the table back from the end as Redis does, collecting the subsequence and the
 * contiguous matching ranges (longest-first order, those shorter than minMatchLen dropped).
 */
function walk(t: Uint32Array, a: string, b: string, minMatchLen: number): { text: string; matches: Match[] } {
  const w = b.length + 1;
  let k = t[a.length * w + b.length];
  const out = Buffer.allocUnsafe(k);
  const matches: Match[] = [];
  const none = a.length; // "no range open", as Redis marks it
  let aStart = none, aEnd = 0, bStart = 0, bEnd = 0;
  let i = a.length, j = b.length;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      out[k - 1] = a.charCodeAt(i - 1);
      if (aStart === none) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      k--; i--; j--;
    } else {
      if (t[(i - 1) * w + j] > t[i * w + j - 1]) i--;
      else j--;
      if (aStart !== none) emit = true;
    }
    if (emit) {
      const len = aEnd - aStart + 1;
      if (minMatchLen === 0 || len >= minMatchLen) matches.push([aStart, aEnd, bStart, bEnd, len]);
      aStart = none;
    }
  }
  return { text: out.latin1Slice(0, out.length), matches };
}

/** Replies to LCS for the two values (missing keys count as empty strings). */
export function lcsReply(c: Client, argv: string[], a: string, b: string): void {
  const o = parseOptions(c, argv);
  if (!o) return;
  // Redis also refuses strings of 4 GB and more; JS strings never get that long.
  const t = buildTable(c, a, b);
  if (!t) return;
  const total = t[t.length - 1];
  if (o.len) return c.out.int(total);
  const { text, matches } = walk(t, a, b, o.minMatchLen);
  if (!o.idx) return c.out.bulk(text);
  c.out.map(2);
  c.out.bulk('matches');
  c.out.array(matches.length);
  for (const [as, ae, bs, be, len] of matches) {
    c.out.array(o.withMatchLen ? 3 : 2);
    c.out.array(2);
    c.out.int(as);
    c.out.int(ae);
    c.out.array(2);
    c.out.int(bs);
    c.out.int(be);
    if (o.withMatchLen) c.out.int(len);
  }
  c.out.bulk('len');
  c.out.int(total);
}
