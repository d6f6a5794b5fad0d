/**
 * MIGRATE (Redis 7.0's options, checks and replies), RESTORE-ASKING, and slotgate's
 * CLUSTER RESTORE-CHUNK through which a large value arrives in parts (DESIGN §4).
 *
 * MIGRATE runs asynchronously: its keys are held in transfer (commands touching them wait, see
 * nodes/cluster/transfer-hold.ts) and the calling client waits like a blocked client until the
 * target has answered; everyone else keeps being served meanwhile.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { partialImports } from '../cluster/chunk-import.js';
import { runMigrate, type MigrateJob } from '../cluster/migrate-transfer.js';
import { holdKeys } from '../cluster/transfer-hold.js';
import type { DataObject } from '../keyspace/types.js';
import { restorePayload } from '../persistence/serialize.js';
import { parseInt64 } from './args.js';
import { dumpHandlers } from './dump.js';
import { lookupRead } from './keys-lookup.js';
import type { Handler } from './registry.js';

/** Redis's migrateCommand option parsing; null after replying the error. */
function parseMigrate(c: Client, argv: string[]): MigrateJob | null {
  const job: MigrateJob = {
    host: argv[1], port: atoi(argv[2]), dbid: 0, timeoutMs: 0,
    copy: false, replace: false, auth: null, keys: [argv[3]],
  };
  for (let j = 6; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const more = argv.length - 1 - j;
    if (opt === 'copy') job.copy = true;
    else if (opt === 'replace') job.replace = true;
    else if (opt === 'auth' && more >= 1) job.auth = ['AUTH', argv[++j]];
    else if (opt === 'auth2' && more >= 2) job.auth = ['AUTH', argv[++j], argv[++j]];
    else if (opt === 'keys') {
      if (argv[3] !== '') return fail(c, Err.migrateKeysNeedEmptyKey);
      job.keys = argv.slice(j + 1);
      break;
    } else return fail(c, Err.syntax);
  }
  const timeout = parseInt64(argv[5]);
  const dbid = timeout === null ? null : parseInt64(argv[4]);
  if (timeout === null || dbid === null) return fail(c, Err.notInteger);
  job.timeoutMs = timeout <= 0 ? 1000 : Number(timeout);
  job.dbid = Number(dbid);
  return job;
}

function fail(c: Client, msg: string): null {
  c.out.error(msg);
  return null;
}

/** C's atoi, as Redis reads MIGRATE's port: leading digits, else 0 (connecting then fails). */
function atoi(s: string): number {
  const n = parseInt(s, 10);
  return Number.isFinite(n) ? n : 0;
}

function migrate(c: Client, argv: string[]): void {
  const job = parseMigrate(c, argv);
  if (job === null) return;
  // Only keys present now are migrated; none at all is +NOKEY (often a key just expired).
  job.keys = job.keys.filter((k) => lookupRead(c, k, true) !== undefined);
  if (job.keys.length === 0) return c.out.simple('NOKEY');
  // The I/O is asynchronous: a transaction or script cannot wait for it.
  if (c.inExec) return c.out.error(Err.migrateInTransaction);
  const server = c.server;
  const release = holdKeys(server, c.db, job.keys);
  let gone = false;
  c.blocked = { cancel: () => (gone = true) };
  const done = (outcome: string | null) => {
    release();
    if (gone) return;
    c.blocked = null;
    if (outcome === null) c.out.ok();
    else c.out.error(outcome);
    c.resume();
  };
  runMigrate(server, c.db, job).then(done, (e: unknown) => {
    server.log.warning(`MIGRATE failed: ${(e as Error).stack ?? String(e)}`);
    done(`ERR internal error in 'migrate': ${(e as Error).message}`);
  });
}

interface ChunkOptions {
  replace: boolean;
  /** The LAST TTL is a unix time in ms (as RESTORE ABSTTL; what a master propagates). */
  absttl: boolean;
  /** TTL (relative ms, 0 = none) given with the last part; null before the last part. */
  lastTtl: number | null;
}

function parseChunkOptions(c: Client, argv: string[]): ChunkOptions | null {
  const o: ChunkOptions = { replace: false, absttl: false, lastTtl: null };
  for (let j = 6; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    if (opt === 'replace') o.replace = true;
    else if (opt === 'absttl') o.absttl = true;
    else if (opt === 'last' && j + 1 < argv.length) {
      const ttl = parseInt64(argv[++j]);
      if (ttl === null) return fail(c, Err.notInteger);
      if (ttl < 0) return fail(c, Err.restoreBadTtl);
      o.lastTtl = Number(ttl);
    } else return fail(c, Err.syntax);
  }
  return o;
}

/** CLUSTER RESTORE-CHUNK <key> <transfer-id> <seq> <part> [REPLACE] [ABSTTL] [LAST <ttl>] (slotgate). */
function restoreChunk(c: Client, argv: string[]): void {
  if (c.server.cluster === null) return c.out.error(Err.clusterDisabled);
  const [key, id] = [argv[2], argv[3]];
  const seq = parseInt64(argv[4]);
  if (seq === null || seq < 0) return c.out.error(Err.notInteger);
  const o = parseChunkOptions(c, argv);
  if (o === null) return;
  const imports = partialImports(c.server);
  if (!o.replace && c.db.get(key) !== undefined) {
    imports.drop(c.db, key, 'ok');
    return c.out.error(Err.busyKey);
  }
  const loaded = restorePayload(argv[5]);
  if ('error' in loaded) {
    imports.drop(c.db, key, 'ok');
    return c.out.error(loaded.error === 'checksum' ? Err.dumpPayloadWrong : Err.dumpBadDataFormat);
  }
  const r = imports.add(c.db, key, id, Number(seq), loaded.value);
  if (r !== 'ok') return c.out.error(r === 'order' ? Err.restoreChunkOrder : Err.restoreChunkType);
  if (o.lastTtl !== null) return install(c, argv, imports.take(c.db, key)!, o);
  // Replicas assemble the same value from the same parts (the last one propagates as a write).
  c.server.propagation.replace(argv);
  c.out.ok();
}

/**
 * The assembled value replaces the key in one step, as RESTORE would store it. A TTL propagates as
 * an absolute time (as Redis 7 propagates RESTORE), so replicas expire the key at the same moment.
 */
function install(c: Client, argv: string[], value: DataObject, o: ChunkOptions): void {
  const key = argv[2];
  const now = Date.now();
  const ttl = o.lastTtl!;
  const at = ttl === 0 ? 0 : o.absttl ? ttl : now + ttl;
  if (o.replace && c.db.delete(key)) c.server.dirty++;
  if (at !== 0 && at <= now) return c.out.ok(); // already expired: nothing is stored
  c.db.set(key, value);
  if (at !== 0) c.db.setExpire(key, at);
  c.server.dirty++;
  if (at !== 0 && !o.absttl) {
    const fixed = argv.slice(0, 6); // CLUSTER RESTORE-CHUNK key id seq part
    c.server.propagation.replace([...fixed, ...(o.replace ? ['REPLACE'] : []), 'ABSTTL', 'LAST', String(at)]);
  }
  c.out.ok();
}

export const migrateHandlers: Record<string, Handler> = {
  migrate,
  'restore-asking': dumpHandlers.restore,
  'cluster|restore-chunk': restoreChunk,
};
