/**
 * SORT and SORT_RO with Redis 7.0's semantics (sort.c): numeric or ALPHA order with ties broken
 * bytewise, BY patterns (a pattern without '*' means "do not sort": lists and sorted sets keep
 * their order, reversed by DESC), LIMIT clamped as Redis clamps it, GET patterns, STORE.
 * STORE writes a list (missing GET values as empty strings) or deletes the destination when the
 * result is empty.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { List } from '../types/list.js';
import type { SetObject } from '../types/set.js';
import type { ZSet } from '../types/zset.js';
import { parseInt64 } from './args.js';
import { lookupRead } from './keys-lookup.js';
import type { Handler } from './registry.js';
import { lookupByPattern, patternSorts } from './sort-pattern.js';

interface SortOptions {
  desc: boolean;
  alpha: boolean;
  limitStart: number;
  limitCount: number;
  /** Sort at all (false for BY without '*'). */
  sort: boolean;
  by: string | null;
  gets: string[];
  store: string | null;
}

/** One element and what it is compared by. */
interface Item {
  elem: string;
  score: number;
  cmp: string | null;
}

/** Parses the options; null after replying an error. */
function parseOptions(c: Client, argv: string[], readonly: boolean): SortOptions | null {
  const o: SortOptions = { desc: false, alpha: false, limitStart: 0, limitCount: -1, sort: true, by: null, gets: [], store: null };
  const cluster = c.server.config.get<boolean>('cluster-enabled');
  for (let j = 2; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const left = argv.length - j - 1;
    if (opt === 'asc') o.desc = false;
    else if (opt === 'desc') o.desc = true;
    else if (opt === 'alpha') o.alpha = true;
    else if (opt === 'limit' && left >= 2) {
      const start = parseInt64(argv[j + 1]);
      const count = start === null ? null : parseInt64(argv[j + 2]);
      if (start === null || count === null) return fail(c, Err.notInteger);
      o.limitStart = Number(start);
      o.limitCount = Number(count);
      j += 2;
    } else if (!readonly && opt === 'store' && left >= 1) {
      o.store = argv[++j];
    } else if (opt === 'by' && left >= 1) {
      o.by = argv[++j];
      if (!patternSorts(o.by)) o.sort = false;
      else if (cluster) return fail(c, Err.sortByInCluster);
    } else if (opt === 'get' && left >= 1) {
      if (cluster) return fail(c, Err.sortGetInCluster);
      o.gets.push(argv[++j]);
    } else {
      return fail(c, Err.syntax);
    }
  }
  return o;
}

function fail(c: Client, msg: string): null {
  c.out.error(msg);
  return null;
}

/**
 * Redis reads BY values with strtod and rejects trailing bytes, ERANGE and NaN. An empty string
 * converts nothing and leaves no trailing byte, so it reads as 0.
 */
function strtodScore(s: string): number | null {
  if (s === '') return 0;
  const t = s.replace(/^[ \t\n\v\f\r]+/, '');
  const l = t.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(l)) return l.startsWith('-') ? -Infinity : Infinity;
  let v: number;
  if (/^[+-]?0x[0-9a-f]+$/.test(l)) v = (l.startsWith('-') ? -1 : 1) * Number(l.replace(/^[+-]/, ''));
  else if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(l)) v = Number(l);
  else return null;
  // glibc reports overflow and underflow (a non-zero value read as 0 or as a subnormal) as ERANGE.
  if (!Number.isFinite(v)) return null;
  if (Math.abs(v) < 2.2250738585072014e-308 && /[1-9]/.test(l.replace(/e.*$/, ''))) return null;
  return v;
}

/** compareStringObjects: bytewise, a prefix first. */
function cmpBytes(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function compareItems(o: SortOptions): (a: Item, b: Item) => number {
  const sign = o.desc ? -1 : 1;
  if (!o.alpha) return (a, b) => sign * (a.score > b.score ? 1 : a.score < b.score ? -1 : cmpBytes(a.elem, b.elem));
  if (o.by === null) return (a, b) => sign * cmpBytes(a.elem, b.elem);
  // Missing BY values sort first; two missing ones are equal.
  return (a, b) => {
    if (a.cmp === null || b.cmp === null) return sign * (a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1);
    return sign * cmpBytes(a.cmp, b.cmp);
  };
}

type Sortable = List | SetObject | ZSet;

/** Elements in the value's own order: a list's or sorted set's (reversed by DESC), a set's. */
function elements(v: Sortable, desc: boolean): string[] {
  if (v.type === 'set') return [...v.members()];
  if (v.type === 'list') {
    const out = [...v.values()];
    return desc ? out.reverse() : out;
  }
  const out: string[] = [];
  if (desc) for (let n = v.tree.tail; n !== null; n = n.prev) out.push(n.member);
  else for (let n = v.tree.first; n !== null; n = n.fwd) out.push(n.member);
  return out;
}

/** Loads the compare keys; false when a numeric one does not convert. */
function loadKeys(c: Client, items: Item[], o: SortOptions): boolean {
  let ok = true;
  for (const it of items) {
    const by = o.by === null ? it.elem : lookupByPattern(c, o.by, it.elem);
    if (by === null) continue;
    if (o.alpha) {
      if (o.by !== null) it.cmp = by;
      continue;
    }
    const score = strtodScore(by);
    if (score === null) ok = false;
    else it.score = score;
  }
  return ok;
}

/** The output rows for elements start..end: the elements, or each GET pattern's value. */
function rows(c: Client, items: Item[], start: number, end: number, gets: string[]): (string | null)[] {
  const out: (string | null)[] = [];
  for (let j = start; j <= end; j++) {
    if (gets.length === 0) out.push(items[j].elem);
    for (const g of gets) out.push(lookupByPattern(c, g, items[j].elem));
  }
  return out;
}

function sortGeneric(c: Client, argv: string[], readonly: boolean): void {
  const o = parseOptions(c, argv, readonly);
  if (o === null) return;
  const key = argv[1];
  const v = o.store === null ? lookupRead(c, key, true) : c.db.get(key);
  if (v !== undefined && (typeof v === 'string' || (v.type !== 'set' && v.type !== 'zset' && v.type !== 'list'))) {
    return c.out.error(Err.wrongType);
  }
  const value = v as Sortable | undefined;
  // Redis sorts a set even under BY nosort when storing, so the stored list is deterministic.
  if (!o.sort && value?.type === 'set' && o.store !== null) {
    o.sort = true;
    o.alpha = true;
    o.by = null;
  }
  const ordered = value === undefined ? [] : elements(value, !o.sort && o.desc);
  const items: Item[] = ordered.map((elem) => ({ elem, score: 0, cmp: null }));
  const len = items.length;
  let start = o.limitStart < 0 ? 0 : o.limitStart;
  let end = o.limitCount < 0 ? len - 1 : start + o.limitCount - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;
  let convertible = true;
  if (o.sort) {
    convertible = loadKeys(c, items, o);
    items.sort(compareItems(o));
  }
  if (!convertible) return c.out.error(Err.sortScores);
  const out = rows(c, items, start, end, o.gets);
  if (o.store === null) return c.out.bulks(out);
  store(c, o.store, out);
}

/** STORE: the rows become a list (missing GET values as ""); an empty result deletes the key. */
function store(c: Client, dest: string, out: (string | null)[]): void {
  if (out.length > 0) {
    c.db.set(dest, List.from(out.map((s) => s ?? '')));
    c.server.dirty += out.length;
  } else if (c.db.delete(dest)) {
    c.server.dirty++;
  }
  c.out.int(out.length);
}

export const sortHandlers: Record<string, Handler> = {
  sort: (c, argv) => sortGeneric(c, argv, false),
  sort_ro: (c, argv) => sortGeneric(c, argv, true),
};
