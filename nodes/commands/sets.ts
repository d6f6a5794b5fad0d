/**
 * Set commands with Redis 7.0's replies, error texts and order of checks (t_set.c). Replies that
 * are sets (SMEMBERS, SINTER, SUNION, SDIFF, SPOP with a count) use the RESP3 set type; SRANDMEMBER
 * with a count replies an array (it may repeat members). The STORE forms overwrite the destination
 * (clearing its TTL) and delete it when the result is empty.
 */
import { Err } from '../../lib/errors.js';
import { globMatch } from '../../lib/glob.js';
import type { Client } from '../client.js';
import { SetObject } from '../types/set.js';
import { INT64_MIN, parseInt64, parseIntArg } from './args.js';
import { parseScanCursor, parseScanOptions } from './keys-scan.js';
import { readTyped, writeTyped, writeTypedOrCreate } from './lookup.js';
import type { Handler } from './registry.js';

const readSet = (c: Client, key: string) => readTyped<SetObject>(c, key, 'set');
const writeSet = (c: Client, key: string) => writeTyped<SetObject>(c, key, 'set');

/** After members were removed in place: a set left empty is deleted, else the write is noted. */
function afterRemoval(c: Client, key: string, set: SetObject): void {
  if (set.size === 0) c.db.delete(key);
  else c.db.touchWrite(key);
}

/** Replies the members as a set (RESP3 `~`, an array in RESP2). */
function replySet(c: Client, members: readonly string[]): void {
  c.out.set(members.length);
  for (const m of members) c.out.bulk(m);
}

// ---- single-key commands -------------------------------------------------------------------

function sadd(c: Client, argv: string[]): void {
  const set = writeTypedOrCreate(c, argv[1], 'set', () => new SetObject());
  if (set === null) return;
  let added = 0;
  for (let j = 2; j < argv.length; j++) if (set.add(argv[j])) added++;
  if (added > 0) {
    c.db.touchWrite(argv[1]);
    c.server.dirty += added;
  }
  c.out.int(added);
}

function srem(c: Client, argv: string[]): void {
  const set = writeSet(c, argv[1]);
  if (set === null) return;
  if (set === undefined) return c.out.int(0);
  let removed = 0;
  for (let j = 2; j < argv.length && set.size > 0; j++) if (set.delete(argv[j])) removed++;
  if (removed > 0) {
    afterRemoval(c, argv[1], set);
    c.server.dirty += removed;
  }
  c.out.int(removed);
}

function smove(c: Client, argv: string[]): void {
  const [, srcKey, dstKey, member] = argv;
  const src = c.db.get(srcKey);
  const dst = c.db.get(dstKey);
  // A missing source answers 0 before the destination's type is looked at.
  if (src === undefined) return c.out.int(0);
  if (typeof src === 'string' || src.type !== 'set') return c.out.error(Err.wrongType);
  if (dst !== undefined && (typeof dst === 'string' || dst.type !== 'set')) return c.out.error(Err.wrongType);
  const from = src as SetObject;
  if (src === dst) return c.out.int(from.has(member) ? 1 : 0);
  if (!from.delete(member)) return c.out.int(0);
  afterRemoval(c, srcKey, from);
  let to = dst as SetObject | undefined;
  if (to === undefined) {
    to = new SetObject();
    c.db.set(dstKey, to);
  }
  c.server.dirty++;
  if (to.add(member)) c.server.dirty++;
  c.db.touchWrite(dstKey);
  c.out.int(1);
}

function sismember(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]);
  if (set === null) return;
  c.out.int(set !== undefined && set.has(argv[2]) ? 1 : 0);
}

function smismember(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]);
  if (set === null) return;
  c.out.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) c.out.int(set !== undefined && set.has(argv[j]) ? 1 : 0);
}

function scard(c: Client, argv: string[]): void {
  const set = readSet(c, argv[1]);
  if (set === null) return;
  c.out.int(set === undefined ? 0 : set.size);
}

// ---- random members ------------------------------------------------------------------------

/** SPOP with a count: above this ratio of count to what remains, the remainder is rebuilt instead. */
const SPOP_MOVE_STRATEGY_MUL = 5;
/** SRANDMEMBER with a count: below this ratio of size to count, sample by removing from a copy. */
const SRANDMEMBER_SUB_STRATEGY_MUL = 3;

function spop(c: Client, argv: string[]): void {
  if (argv.length === 3) return spopCount(c, argv);
  if (argv.length > 3) return c.out.error(Err.syntax);
  const set = writeSet(c, argv[1]);
  if (set === null) return;
  if (set === undefined) return c.out.nil();
  const member = set.random();
  set.delete(member);
  c.out.bulk(member);
  afterRemoval(c, argv[1], set);
  // The random choice is made here once: replicas remove the same member.
  c.server.propagation.replace(['SREM', argv[1], member]);
  c.server.dirty++;
}

/** SPOP count replays as SREM of the popped members, 1024 per command (Redis 7.0). */
function propagateSrem(c: Client, key: string, popped: readonly string[]): void {
  if (!c.server.propagation.active) return;
  const cmds: string[][] = [];
  for (let i = 0; i < popped.length; i += 1024) cmds.push(['SREM', key, ...popped.slice(i, i + 1024)]);
  c.server.propagation.replace(...cmds);
}

function spopCount(c: Client, argv: string[]): void {
  const key = argv[1];
  const n = parseInt64(argv[2]);
  if (n === null || n < 0) return c.out.error(Err.spopCountNotPositive);
  const set = writeSet(c, key);
  if (set === null) return;
  const count = Number(n);
  if (set === undefined || count === 0) return c.out.set(0);
  c.server.dirty++;
  if (count >= set.size) {
    // The whole set, replied as Redis's SUNION of it would order it.
    replySet(c, [...SetObject.from(set.members()).members()]);
    c.db.delete(key);
    c.server.propagation.replace(['DEL', key]);
    return;
  }
  const remaining = set.size - count;
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    const popped: string[] = [];
    while (popped.length < count) {
      const m = set.random();
      set.delete(m);
      popped.push(m);
    }
    replySet(c, popped);
    c.db.touchWrite(key);
    propagateSrem(c, key, popped);
    return;
  }
  // Popping most of the set: move the few members that stay into a new set, reply the rest.
  const kept = new SetObject();
  while (kept.size < remaining) {
    const m = set.random();
    set.delete(m);
    kept.add(m);
  }
  const popped = [...set.members()];
  replySet(c, popped);
  c.db.set(key, kept, true);
  propagateSrem(c, key, popped);
}

function srandmember(c: Client, argv: string[]): void {
  if (argv.length === 3) return srandmemberCount(c, argv);
  if (argv.length > 3) return c.out.error(Err.syntax);
  const set = readSet(c, argv[1]);
  if (set === null) return;
  c.out.bulk(set === undefined ? null : set.random());
}

function srandmemberCount(c: Client, argv: string[]): void {
  const n = parseInt64(argv[2]);
  if (n === null) return c.out.error(Err.notInteger);
  // -LONG_MIN has no positive counterpart: Redis bounds the count to ±LONG_MAX.
  if (n === INT64_MIN) return c.out.error(Err.srandmemberCountRange);
  const set = readSet(c, argv[1]);
  if (set === null) return;
  if (set === undefined || n === 0) return c.out.array(0);
  if (n < 0) {
    const count = -Number(n);
    c.out.array(count);
    for (let i = 0; i < count; i++) c.out.bulk(set.random());
    return;
  }
  c.out.bulks(distinctSample(set, Number(n)));
}

/** Up to `count` distinct random members (all of them, in iteration order, when count ≥ size). */
function distinctSample(set: SetObject, count: number): string[] {
  if (count >= set.size) return [...set.members()];
  if (count * SRANDMEMBER_SUB_STRATEGY_MUL > set.size) {
    // Close to the whole set: drop random members from a copy until `count` remain.
    const all = [...set.members()];
    while (all.length > count) {
      const i = Math.floor(Math.random() * all.length);
      all[i] = all[all.length - 1];
      all.pop();
    }
    return all;
  }
  const picked = new Set<string>();
  while (picked.size < count) picked.add(set.random());
  return [...picked];
}

// ---- set algebra ---------------------------------------------------------------------------

/** The sets at `keys` (undefined where missing), or null after WRONGTYPE on any of them. */
function sourceSets(c: Client, keys: readonly string[]): (SetObject | undefined)[] | null {
  const sets: (SetObject | undefined)[] = [];
  for (const key of keys) {
    const set = readSet(c, key);
    if (set === null) return null;
    sets.push(set);
  }
  return sets;
}

/** Stores a STORE command's result: overwrite, or delete when empty. Replies the cardinality. */
function storeResult(c: Client, dst: string, result: SetObject): void {
  if (result.size > 0) c.db.set(dst, result);
  else if (!c.db.delete(dst)) c.db.touchWrite(dst);
  c.server.dirty++;
  c.out.int(result.size);
}

type InterMode = { kind: 'reply' } | { kind: 'store'; dst: string } | { kind: 'card'; limit: number };

function sinterGeneric(c: Client, keys: readonly string[], mode: InterMode): void {
  const found = sourceSets(c, keys);
  if (found === null) return;
  if (found.some((s) => s === undefined)) return replyEmptyIntersection(c, mode);
  // Walk the smallest set, testing each member against the others.
  const sets = (found as SetObject[]).sort((a, b) => a.size - b.size);
  const smallest = sets[0];
  const common: string[] = [];
  for (const m of smallest.members()) {
    if (!sets.every((s) => s === smallest || s.has(m))) continue;
    common.push(m);
    if (mode.kind === 'card' && mode.limit > 0 && common.length >= mode.limit) break;
  }
  if (mode.kind === 'card') c.out.int(common.length);
  else if (mode.kind === 'store') storeResult(c, mode.dst, SetObject.from(common));
  else replySet(c, common);
}

/** An intersection with a missing key is empty: the destination (if any) goes. */
function replyEmptyIntersection(c: Client, mode: InterMode): void {
  if (mode.kind === 'store') {
    if (c.db.delete(mode.dst)) c.server.dirty++;
    c.out.int(0);
  } else if (mode.kind === 'card') {
    c.out.int(0);
  } else {
    c.out.set(0);
  }
}

function sunionDiffGeneric(c: Client, keys: readonly string[], dst: string | null, op: 'union' | 'diff'): void {
  const sets = sourceSets(c, keys);
  if (sets === null) return;
  const result = op === 'union' ? union(sets) : diff(sets);
  if (dst !== null) storeResult(c, dst, result);
  else replySet(c, [...result.members()]);
}

function union(sets: readonly (SetObject | undefined)[]): SetObject {
  const result = new SetObject();
  for (const s of sets) if (s) for (const m of s.members()) result.add(m);
  return result;
}

/**
 * SDIFF with Redis's choice of algorithm (it decides the result's encoding when members are
 * added and removed again): 1 tests each member of the first set against the others (largest
 * first), 2 adds the first set and removes every other set's members.
 */
function diff(sets: (SetObject | undefined)[]): SetObject {
  const result = new SetObject();
  const first = sets[0];
  if (first === undefined) return result;
  let algoOneWork = 0;
  let algoTwoWork = 0;
  for (const s of sets) {
    if (s === undefined) continue;
    algoOneWork += first.size;
    algoTwoWork += s.size;
  }
  if (Math.floor(algoOneWork / 2) <= algoTwoWork) {
    const others = sets.slice(1).sort((a, b) => (b?.size ?? 0) - (a?.size ?? 0));
    for (const m of first.members()) {
      if (!others.some((s) => s !== undefined && (s === first || s.has(m)))) result.add(m);
    }
    return result;
  }
  for (const m of first.members()) result.add(m);
  for (let j = 1; j < sets.length && result.size > 0; j++) {
    const s = sets[j];
    if (s !== undefined) for (const m of s.members()) result.delete(m);
  }
  return result;
}

function sintercard(c: Client, argv: string[]): void {
  const numkeys = parseIntArg(argv[1]);
  if (numkeys === null || numkeys < 1) return c.out.error(Err.setNumkeysNotPositive);
  if (numkeys > argv.length - 2) return c.out.error(Err.setNumkeysTooMany);
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    if (argv[j].toLowerCase() === 'limit' && j + 1 < argv.length) {
      const l = parseIntArg(argv[++j]);
      if (l === null || l < 0) return c.out.error(Err.setLimitNegative);
      limit = l;
    } else {
      return c.out.error(Err.syntax);
    }
  }
  sinterGeneric(c, argv.slice(2, 2 + numkeys), { kind: 'card', limit });
}

// ---- SSCAN ---------------------------------------------------------------------------------

function sscan(c: Client, argv: string[]): void {
  const cursor = parseScanCursor(argv[2]);
  if (cursor === null) return c.out.error(Err.invalidCursor);
  const set = readSet(c, argv[1]);
  if (set === null) return;
  if (set === undefined) {
    c.out.array(2);
    c.out.bulk('0');
    return c.out.array(0);
  }
  const opts = parseScanOptions(argv, 3, false);
  if (typeof opts === 'string') return c.out.error(opts);
  const found: string[] = [];
  const next = set.scan(Number(cursor), opts.count, (m) => {
    if (opts.pattern === null || globMatch(opts.pattern, m)) found.push(m);
  });
  c.out.array(2);
  c.out.bulk(String(next));
  c.out.bulks(found);
}

export const setHandlers: Record<string, Handler> = {
  sadd,
  srem,
  smove,
  sismember,
  smismember,
  scard,
  smembers: (c, argv) => sinterGeneric(c, [argv[1]], { kind: 'reply' }),
  spop,
  srandmember,
  sinter: (c, argv) => sinterGeneric(c, argv.slice(1), { kind: 'reply' }),
  sinterstore: (c, argv) => sinterGeneric(c, argv.slice(2), { kind: 'store', dst: argv[1] }),
  sintercard,
  sunion: (c, argv) => sunionDiffGeneric(c, argv.slice(1), null, 'union'),
  sunionstore: (c, argv) => sunionDiffGeneric(c, argv.slice(2), argv[1], 'union'),
  sdiff: (c, argv) => sunionDiffGeneric(c, argv.slice(1), null, 'diff'),
  sdiffstore: (c, argv) => sunionDiffGeneric(c, argv.slice(2), argv[1], 'diff'),
  sscan,
};
