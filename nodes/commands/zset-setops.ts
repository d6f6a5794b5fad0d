/**
 * ZUNION, ZINTER, ZDIFF, their *STORE forms and ZINTERCARD, as Redis's
 * zunionInterDiffGenericCommand: inputs may be sorted sets or plain sets (every member scoring 1),
 * sorted by cardinality before combining (which fixes the order scores are summed in, so float
 * sums round as Redis's do), WEIGHTS and AGGREGATE SUM|MIN|MAX, and NaN sums read as 0.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import type { DataObject } from '../keyspace/types.js';
import { compareEntries } from '../types/zset-order.js';
import { ZSet } from '../types/zset.js';
import { parseInt64 } from './args.js';
import { lookupRead } from './keys-lookup.js';
import type { Handler } from './registry.js';
import { storeResult } from './zset-range.js';
import { parseScore } from './zset-number.js';
import { replyEntries, type Entry } from './zset-reply.js';

type Op = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** A plain set as this module needs it (nodes/types/set.ts, duck-typed to stay decoupled). */
interface SetLike extends DataObject {
  readonly size: number;
  has(member: string): boolean;
  members(): Iterable<string>;
}

/** One input: a sorted set, a plain set, or nothing (a missing key). */
interface Source {
  size: number;
  weight: number;
  entries(): Iterable<readonly [string, number]>;
  find(member: string): number | undefined;
}

const EMPTY: Omit<Source, 'weight'> = { size: 0, entries: () => [], find: () => undefined };

function isSetLike(v: DataObject): v is SetLike {
  return v.type === 'set' && typeof (v as Partial<SetLike>).members === 'function' && typeof (v as Partial<SetLike>).has === 'function';
}

function sourceOf(v: ZSet | SetLike | undefined): Source {
  if (v === undefined) return { ...EMPTY, weight: 1 };
  if (v instanceof ZSet) {
    return {
      size: v.size, weight: 1,
      *entries() { for (let n = v.tree.first; n !== null; n = n.fwd) yield [n.member, n.score] as const; },
      find: (m) => v.score(m),
    };
  }
  return {
    size: v.size, weight: 1,
    *entries() { for (const m of v.members()) yield [m, 1] as const; },
    find: (m) => (v.has(m) ? 1 : undefined),
  };
}

interface SetOpSpec {
  name: string;
  op: Op;
  store: boolean;
  cardOnly: boolean;
}

interface SetOpArgs {
  sources: Source[];
  aggregate: Aggregate;
  withScores: boolean;
  limit: number;
}

/** Replies and returns null on error; key types are checked before the options, as in Redis. */
function parseSetOp(c: Client, argv: string[], spec: SetOpSpec, numkeysIdx: number): SetOpArgs | null {
  const n = parseInt64(argv[numkeysIdx]);
  if (n === null) return fail(c, Err.notInteger);
  if (n < 1) return fail(c, Err.zsetAtLeastOneKey(spec.name));
  if (n > argv.length - numkeysIdx - 1) return fail(c, Err.syntax);
  const numkeys = Number(n);
  const sources: Source[] = [];
  for (let i = 0; i < numkeys; i++) {
    const key = argv[numkeysIdx + 1 + i];
    const v = spec.store ? c.db.get(key) : lookupRead(c, key, true);
    if (v !== undefined && !(v instanceof ZSet) && (typeof v === 'string' || !isSetLike(v))) return fail(c, Err.wrongType);
    sources.push(sourceOf(v as ZSet | SetLike | undefined));
  }
  const a: SetOpArgs = { sources, aggregate: 'sum', withScores: false, limit: 0 };
  return parseOptions(c, argv, numkeysIdx + 1 + numkeys, spec, a) ? a : null;
}

/** Reads WEIGHTS / AGGREGATE / WITHSCORES / LIMIT into `a`; false after an error reply. */
function parseOptions(c: Client, argv: string[], j: number, spec: SetOpSpec, a: SetOpArgs): boolean {
  const weighted = spec.op !== 'diff' && !spec.cardOnly;
  while (j < argv.length) {
    const left = argv.length - j;
    const opt = argv[j].toLowerCase();
    if (weighted && opt === 'weights' && left >= a.sources.length + 1) {
      for (const s of a.sources) {
        const w = parseScore(argv[++j]);
        if (w === null) return failed(c, Err.zsetWeightNotFloat);
        s.weight = w;
      }
      j++;
    } else if (weighted && opt === 'aggregate' && left >= 2) {
      const agg = argv[j + 1].toLowerCase();
      if (agg !== 'sum' && agg !== 'min' && agg !== 'max') return failed(c, Err.syntax);
      a.aggregate = agg;
      j += 2;
    } else if (!spec.store && !spec.cardOnly && opt === 'withscores') {
      a.withScores = true;
      j++;
    } else if (spec.cardOnly && opt === 'limit' && left >= 2) {
      const limit = parseInt64(argv[j + 1]);
      if (limit === null || limit < 0) return failed(c, Err.zsetLimitNegative);
      a.limit = Number(limit);
      j += 2;
    } else {
      return failed(c, Err.syntax);
    }
  }
  return true;
}

function fail(c: Client, err: string): null {
  c.out.error(err);
  return null;
}

function failed(c: Client, err: string): false {
  c.out.error(err);
  return false;
}

function aggregate(agg: Aggregate, target: number, val: number): number {
  if (agg === 'sum') {
    const s = target + val;
    return Number.isNaN(s) ? 0 : s; // inf + -inf
  }
  if (agg === 'min') return val < target ? val : target;
  return val > target ? val : target;
}

function weighted(w: number, score: number): number {
  const s = w * score;
  return Number.isNaN(s) ? 0 : s; // 0 * inf
}

function union(src: Source[], agg: Aggregate): Map<string, number> {
  const acc = new Map<string, number>();
  for (const s of src) {
    for (const [m, score] of s.entries()) {
      const v = weighted(s.weight, score);
      const cur = acc.get(m);
      acc.set(m, cur === undefined ? v : aggregate(agg, cur, v));
    }
  }
  return acc;
}

/** Members of the smallest input present in all others; stops at `limit` (0 = no limit). */
function inter(src: Source[], agg: Aggregate, limit: number): Map<string, number> {
  const out = new Map<string, number>();
  const [first, ...rest] = src;
  if (first.size === 0) return out;
  outer: for (const [m, s0] of first.entries()) {
    let score = weighted(first.weight, s0);
    for (const s of rest) {
      const v = s.find(m);
      if (v === undefined) continue outer;
      score = aggregate(agg, score, v * s.weight);
    }
    out.set(m, score);
    if (limit > 0 && out.size >= limit) break;
  }
  return out;
}

function diff(src: Source[]): Map<string, number> {
  const out = new Map<string, number>();
  const [first, ...rest] = src;
  for (const [m, s0] of first.entries()) if (!rest.some((s) => s.find(m) !== undefined)) out.set(m, s0);
  return out;
}

function compute(spec: SetOpSpec, a: SetOpArgs): Map<string, number> {
  if (spec.op === 'diff') return diff(a.sources);
  // Stable, like the merge sort glibc's qsort uses for these small arrays.
  const bySize = [...a.sources].sort((x, y) => x.size - y.size);
  return spec.op === 'union' ? union(bySize, a.aggregate) : inter(bySize, a.aggregate, a.limit);
}

function sortedEntries(m: Map<string, number>): Entry[] {
  const out: Entry[] = [];
  for (const [member, score] of m) out.push({ member, score });
  return out.sort(compareEntries);
}

function setOpCommand(spec: SetOpSpec): Handler {
  const numkeysIdx = spec.store ? 2 : 1;
  return (c, argv) => {
    const a = parseSetOp(c, argv, spec, numkeysIdx);
    if (a === null) return;
    const result = compute(spec, a);
    if (spec.cardOnly) return c.out.int(result.size);
    const entries = sortedEntries(result);
    if (spec.store) storeResult(c, argv[1], entries);
    else replyEntries(c, entries, a.withScores);
  };
}

export const zsetSetOpHandlers: Record<string, Handler> = {
  zunion: setOpCommand({ name: 'zunion', op: 'union', store: false, cardOnly: false }),
  zinter: setOpCommand({ name: 'zinter', op: 'inter', store: false, cardOnly: false }),
  zdiff: setOpCommand({ name: 'zdiff', op: 'diff', store: false, cardOnly: false }),
  zunionstore: setOpCommand({ name: 'zunionstore', op: 'union', store: true, cardOnly: false }),
  zinterstore: setOpCommand({ name: 'zinterstore', op: 'inter', store: true, cardOnly: false }),
  zdiffstore: setOpCommand({ name: 'zdiffstore', op: 'diff', store: true, cardOnly: false }),
  zintercard: setOpCommand({ name: 'zintercard', op: 'inter', store: false, cardOnly: true }),
};
