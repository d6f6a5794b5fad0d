/**
 * BLPOP BRPOP BLMPOP BLMOVE BRPOPLPUSH. When a key already has elements they act as their plain
 * variants at once; otherwise the client waits in c.server.blocking (see nodes/blocking.ts) until
 * a write makes one of its keys a non-empty list — waiters are served in the order they blocked,
 * from the first non-empty key in argument order — or its timeout passes (a null reply). Inside
 * MULTI they never wait: the timeout reply comes at once, as in Redis.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import type { Value } from '../keyspace/types.js';
import type { End, List } from '../types/list.js';
import { listShrank, moveOne, parseEnd, parseMpop, popManyWithKey } from './list-ops.js';
import { writeTyped } from './lookup.js';
import type { Handler } from './registry.js';
import { parseTimeoutMs } from './timeout-arg.js';

/**
 * What serving a key does: pop and reply, in the command's shape. `later` when a blocked client
 * is served after another client's write (outside its own command).
 */
type Serve = (c: Client, key: string, list: List, later: boolean) => void;

/**
 * Replicas replay the non-blocking equivalent (Redis 7.0): it replaces the command's own argv
 * when served at once, and is added as an op of the write that woke the client when served later.
 */
function propagatePop(c: Client, later: boolean, argv: string[]): void {
  if (later) c.server.propagation.also(c.db.id, argv);
  else c.server.propagation.replace(argv);
}

function popName(end: End): string {
  return end === 'left' ? 'LPOP' : 'RPOP';
}

/** The first key holding a list, undefined when none, or null after replying WRONGTYPE. */
function firstList(c: Client, keys: readonly string[]): [string, List] | undefined | null {
  for (const key of keys) {
    const list = writeTyped<List>(c, key, 'list');
    if (list === null) return null;
    if (list !== undefined) return [key, list];
  }
  return undefined;
}

/** Lists are never stored empty, so "is a list" means "has elements". Other types are skipped. */
function isList(v: Value | undefined): v is List {
  return v !== undefined && typeof v !== 'string' && v.type === 'list';
}

/** Serves now from the first non-empty key, or blocks until one is servable. */
function serveOrBlock(c: Client, keys: string[], timeoutMs: number, serve: Serve, onTimeout: () => void): void {
  const found = firstList(c, keys);
  if (found === null) return;
  if (found !== undefined) return serve(c, found[0], found[1], false);
  c.server.blocking.block(c, {
    keys,
    timeoutMs,
    tryServe: () => {
      for (const key of keys) {
        const v = c.db.get(key);
        if (!isList(v)) continue;
        serve(c, key, v, true);
        return true;
      }
      return false;
    },
    onTimeout,
  });
}

function popOne(end: End): Serve {
  return (c, key, list, later) => {
    c.out.array(2);
    c.out.bulk(key);
    c.out.bulk(list.pop(end)!);
    listShrank(c, key, list);
    propagatePop(c, later, [popName(end), key]);
  };
}

/** BLPOP BRPOP key… timeout: the timeout is checked before any key. */
function bpop(end: End): Handler {
  const serve = popOne(end);
  return (c, argv) => {
    const timeoutMs = parseTimeoutMs(c, argv[argv.length - 1]);
    if (timeoutMs === null) return;
    serveOrBlock(c, argv.slice(1, -1), timeoutMs, serve, () => c.out.nilArray());
  };
}

/** BLMPOP timeout numkeys key… LEFT|RIGHT [COUNT n]: the timeout is checked last. */
function blmpop(c: Client, argv: string[]): void {
  const a = parseMpop(c, argv, 2);
  if (!a) return;
  const timeoutMs = parseTimeoutMs(c, argv[1]);
  if (timeoutMs === null) return;
  const serve: Serve = (cl, key, list, later) => {
    const n = Math.min(a.count, list.length);
    popManyWithKey(cl, key, list, a.end, a.count);
    propagatePop(cl, later, [popName(a.end), key, String(n)]);
  };
  serveOrBlock(c, a.keys, timeoutMs, serve, () => c.out.nilArray());
}

/**
 * BLMOVE / BRPOPLPUSH: waits on the source only. When served, a destination of another type
 * gets the waiter a WRONGTYPE error (and releases it), as Redis 7.0 does.
 */
function blmoveGeneric(c: Client, argv: string[], from: End, to: End, timeoutMs: number): void {
  const dstKey = argv[2];
  const serve: Serve = (cl, key, list, later) => {
    const dirty = cl.server.dirty;
    moveOne(cl, key, list, dstKey, from, to);
    if (cl.server.dirty !== dirty) propagatePop(cl, later, ['LMOVE', key, dstKey, from.toUpperCase(), to.toUpperCase()]);
  };
  serveOrBlock(c, [argv[1]], timeoutMs, serve, () => c.out.nil());
}

function blmove(c: Client, argv: string[]): void {
  const from = parseEnd(argv[3]);
  const to = parseEnd(argv[4]);
  if (from === null || to === null) return c.out.error(Err.syntax);
  const timeoutMs = parseTimeoutMs(c, argv[5]);
  if (timeoutMs !== null) blmoveGeneric(c, argv, from, to, timeoutMs);
}

function brpoplpush(c: Client, argv: string[]): void {
  const timeoutMs = parseTimeoutMs(c, argv[3]);
  if (timeoutMs !== null) blmoveGeneric(c, argv, 'right', 'left', timeoutMs);
}

export const blockingListHandlers: Record<string, Handler> = {
  blpop: bpop('left'),
  brpop: bpop('right'),
  blmpop,
  blmove,
  brpoplpush,
};
