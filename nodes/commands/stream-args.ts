/**
 * Argument parsing and reply helpers shared by the stream commands: IDs (strict, interval with
 * "(" exclusion), the XADD/XTRIM trimming options, typed lookups and entry replies.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { StreamObject, type TrimArgs } from '../types/stream.js';
import type { ConsumerGroup } from '../types/stream-group.js';
import { decrId, formatId, incrId, parseStreamId, type ParsedId, type StreamId } from '../types/stream-id.js';
import { encodingLimits } from '../types/encoding-limits.js';
import { parseInt64 } from './args.js';
import { readTyped, writeTyped } from './lookup.js';

export const readStream = (c: Client, key: string) => readTyped<StreamObject>(c, key, 'stream');
export const writeStream = (c: Client, key: string) => writeTyped<StreamObject>(c, key, 'stream');

/** The stream and group for XACK/XPENDING/XCLAIM (read lookups); null after a WRONGTYPE. */
export function groupOf(c: Client, key: string, group: string): { s: StreamObject; g: ConsumerGroup } | undefined | null {
  const s = readStream(c, key);
  if (s === null) return null;
  const g = s?.groups.get(group);
  return s === undefined || g === undefined ? undefined : { s, g };
}

/** A strict ID ("-" and "+" rejected) or null after replying the error. */
export function strictIdOrReply(c: Client, arg: string): StreamId | null {
  const p = parseStreamId(arg, 0n, true);
  if (p === null) c.out.error(Err.streamIdInvalid);
  return p === null ? null : p.id;
}

/** A (non-strict) ID, `missingSeq` filling an absent sequence; null after replying. */
export function idOrReply(c: Client, arg: string, missingSeq: bigint): StreamId | null {
  const p = parseStreamId(arg, missingSeq, false);
  if (p === null) c.out.error(Err.streamIdInvalid);
  return p === null ? null : p.id;
}

/** A range bound: "(" excludes it (strict ID, then moved one step inward). Null after replying. */
export function intervalIdOrReply(c: Client, arg: string, isStart: boolean): StreamId | null {
  const missingSeq = isStart ? 0n : (1n << 64n) - 1n;
  if (arg.length > 1 && arg[0] === '(') {
    const p = parseStreamId(arg.slice(1), missingSeq, true);
    if (p === null) {
      c.out.error(Err.streamIdInvalid);
      return null;
    }
    const moved = isStart ? incrId(p.id) : decrId(p.id);
    if (moved === null) c.out.error(isStart ? Err.streamInvalidStart : Err.streamInvalidEnd);
    return moved;
  }
  return idOrReply(c, arg, missingSeq);
}

/** A 64-bit integer argument or null after replying `err` (default: not an integer). */
export function int64OrReply(c: Client, arg: string, err: string = Err.notInteger): number | null {
  const v = parseInt64(arg);
  if (v === null) {
    c.out.error(err);
    return null;
  }
  return Number(v);
}

export interface AddTrimArgs {
  trim: TrimArgs | null;
  noMkstream: boolean;
  /** XADD: the explicit ID (null for `*`). */
  id: ParsedId | null;
  /** Index of the first argument after the options (XADD: the ID). */
  next: number;
}

/** streamParseAddOrTrimArgsOrReply: MAXLEN/MINID [=|~] n, LIMIT, NOMKSTREAM and XADD's ID. */
export function parseAddTrimArgs(c: Client, argv: string[], xadd: boolean): AddTrimArgs | null {
  const out: AddTrimArgs = { trim: null, noMkstream: false, id: null, next: argv.length };
  let approx = false;
  let limit = -1;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i].toLowerCase();
    if (xadd && opt === '*') break;
    if ((opt === 'maxlen' || opt === 'minid') && more) {
      if (out.trim !== null) return fail(c, Err.streamMaxlenAndMinid);
      approx = false;
      const next = argv[i + 1];
      if (more >= 2 && (next === '~' || next === '=')) {
        approx = next === '~';
        i++;
      }
      i++;
      if (opt === 'maxlen') {
        const n = int64OrReply(c, argv[i]);
        if (n === null) return null;
        if (n < 0) return fail(c, Err.streamMaxlenNegative);
        out.trim = { strategy: { kind: 'maxlen', maxlen: n }, approx, limit: 0 };
      } else {
        const id = strictIdOrReply(c, argv[i]);
        if (id === null) return null;
        out.trim = { strategy: { kind: 'minid', minid: id }, approx, limit: 0 };
      }
    } else if (opt === 'limit' && more) {
      const n = int64OrReply(c, argv[++i]);
      if (n === null) return null;
      if (n < 0) return fail(c, Err.streamLimitNegative);
      limit = n;
    } else if (xadd && opt === 'nomkstream') {
      out.noMkstream = true;
    } else if (xadd) {
      const p = parseStreamId(argv[i], 0n, true, true);
      if (p === null) return fail(c, Err.streamIdInvalid);
      out.id = p;
      break;
    } else {
      return fail(c, Err.syntax);
    }
  }
  out.next = i;
  if (limit > 0 && out.trim === null) return fail(c, Err.streamLimitWithoutStrategy);
  if (!xadd && out.trim === null) return fail(c, Err.xtrimWithoutStrategy);
  if (limit >= 0 && !approx) return fail(c, Err.streamLimitWithoutApprox);
  if (out.trim !== null) out.trim.limit = limit >= 0 ? limit : approx ? 100 * encodingLimits.streamNodeMaxEntries : 0;
  return out;
}

function fail(c: Client, err: string): null {
  c.out.error(err);
  return null;
}

export function replyId(c: Client, id: StreamId): void {
  c.out.bulk(formatId(id));
}

/** One entry: [id, [field, value, …]]. */
export function replyEntry(c: Client, id: StreamId, fv: readonly string[]): void {
  c.out.array(2);
  replyId(c, id);
  c.out.bulks(fv);
}

/** Entries start..end (optionally reversed), at most `count` (0: all), as an array. */
export function replyRange(c: Client, s: StreamObject, start: StreamId, end: StreamId, count: number, rev: boolean): number {
  const found: [StreamId, string[]][] = [];
  s.range(start, end, rev, (id, fv) => {
    found.push([id, fv]);
    return count === 0 || found.length < count;
  });
  c.out.array(found.length);
  for (const [id, fv] of found) replyEntry(c, id, fv);
  return found.length;
}
