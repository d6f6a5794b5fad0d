/** MULTI EXEC DISCARD WATCH UNWATCH. */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { call } from '../dispatch.js';
import type { Handler } from './registry.js';

function multi(c: Client): void {
  if (c.multi) return c.out.error(Err.nestedMulti);
  c.multi = { queue: [], aborted: false };
  c.out.ok();
}

function exec(c: Client): void {
  const m = c.multi;
  if (!m) return c.out.error(Err.execWithoutMulti);
  c.multi = null;
  const watch = c.server.watches;
  const conflict = c.watchDirty || watch.expiredSinceWatch(c);
  watch.unwatchAll(c);
  if (m.aborted) return c.out.error(Err.execAbort);
  if (conflict) return c.out.nilArray();
  c.out.array(m.queue.length);
  c.inExec = true;
  try {
    for (const { cmd, argv } of m.queue) call(c, cmd, argv);
  } finally {
    c.inExec = false;
  }
}

function discard(c: Client): void {
  if (!c.multi) return c.out.error(Err.discardWithoutMulti);
  c.multi = null;
  c.server.watches.unwatchAll(c);
  c.out.ok();
}

function watch(c: Client, argv: string[]): void {
  if (c.multi) return c.out.error(Err.watchInMulti);
  for (let i = 1; i < argv.length; i++) c.server.watches.watch(c, c.db, argv[i]);
  c.out.ok();
}

function unwatch(c: Client): void {
  c.server.watches.unwatchAll(c);
  c.out.ok();
}

export const transactionHandlers: Record<string, Handler> = { multi, exec, discard, watch, unwatch };
