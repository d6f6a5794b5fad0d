/**
 * SAVE BGSAVE BGREWRITEAOF, DEBUG RELOAD / LOADAOF (LASTSAVE is in server.ts); the work is in
 * nodes/persistence/.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { LoadError, loadAof } from '../persistence/aof-load.js';
import type { Handler } from './registry.js';
import { debugSubcommands } from './server.js';

function save(c: Client): void {
  const { rdb } = c.server.persistence;
  if (rdb.inProgress) return c.out.error(Err.bgsaveInProgress);
  if (rdb.saveSync()) c.out.ok();
  else c.out.error(Err.saveFailed);
}

/**
 * BGSAVE [SCHEDULE]. Snapshots run as slices on the event loop, not in a forked child, so one may
 * run next to an AOF rewrite; only inside MULTI/EXEC is it scheduled (for the cron), as Redis.
 */
function bgsave(c: Client, argv: string[]): void {
  if (argv.length > 2 || (argv.length === 2 && argv[1].toLowerCase() !== 'schedule')) return c.out.error(Err.syntax);
  const { rdb } = c.server.persistence;
  if (rdb.inProgress) return c.out.error(Err.bgsaveInProgress);
  if (c.inExec) {
    rdb.scheduled = true;
    return c.out.simple('Background saving scheduled');
  }
  rdb.bgsave();
  c.out.simple('Background saving started');
}

function bgrewriteaof(c: Client): void {
  const { aof } = c.server.persistence;
  if (aof.rewriting) return c.out.error(Err.aofRewriteInProgress);
  if (c.inExec) {
    aof.rewriteScheduled = true;
    return c.out.simple('Background append only file rewriting scheduled');
  }
  aof.startRewrite();
  c.out.simple('Background append only file rewriting started');
}

/** DEBUG RELOAD: save the snapshot file, then load it back (Redis's round-trip check). */
function debugReload(c: Client): void {
  const { rdb } = c.server.persistence;
  if (!rdb.saveSync()) return c.out.error('ERR Error trying to save the DB');
  reloadWith(c, () => rdb.loadAtStart());
}

/** DEBUG LOADAOF: flush the AOF, then replace the dataset with what replaying it gives. */
function debugLoadAof(c: Client): void {
  const { aof } = c.server.persistence;
  if (aof.state !== 'on') return c.out.ok();
  aof.flushPending();
  reloadWith(c, () => loadAof(c.server, aof.file, false));
}

function reloadWith(c: Client, load: () => unknown): void {
  const p = c.server.persistence;
  for (const db of c.server.dbs) db.clear();
  p.loading = true;
  try {
    load();
  } catch (e) {
    if (!(e instanceof LoadError)) throw e;
    c.server.log.warning(e.message);
    return c.out.error(`ERR Error trying to load the data: ${e.message}`);
  } finally {
    p.loading = false;
  }
  c.out.ok();
}

debugSubcommands.set('reload', debugReload);
debugSubcommands.set('loadaof', debugLoadAof);

export const persistenceHandlers: Record<string, Handler> = { save, bgsave, bgrewriteaof };
