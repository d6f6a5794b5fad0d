/** Server commands: INFO TIME LASTSAVE SHUTDOWN MONITOR DEBUG, plus CONFIG, COMMAND and SLOWLOG. */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { renderInfo } from '../info.js';
import { parseFloatArg, parseIntArg } from './args.js';
import { commandHandlers } from './command.js';
import { configHandlers } from './config.js';
import { helpReply } from './connection.js';
import type { Handler } from './registry.js';
import { slowlogHandlers } from './slowlog.js';
import { stringEncoding, typeName } from '../keyspace/types.js';
import { datasetDigest, keyDigest } from '../persistence/digest.js';

function time(c: Client): void {
  const us = BigInt(Date.now()) * 1000n + BigInt(Math.floor((performance.now() % 1) * 1000));
  c.out.array(2);
  c.out.bulk(String(us / 1000000n));
  c.out.bulk(String(us % 1000000n));
}

function shutdown(c: Client, argv: string[]): void {
  for (const a of argv.slice(1)) {
    if (!['nosave', 'save', 'now', 'force', 'abort'].includes(a.toLowerCase())) return c.out.error(Err.syntax);
  }
  if (argv.some((a) => a.toLowerCase() === 'abort')) return c.out.error('ERR No shutdown in progress.');
  c.server.log.warning('User requested shutdown...');
  // The final save (save points or SAVE) must succeed, unless NOSAVE or FORCE, or the node stays up.
  const flags = new Set(argv.slice(1).map((a) => a.toLowerCase()));
  const mode = flags.has('nosave') ? 'nosave' : flags.has('save') ? 'save' : 'default';
  if (!c.server.persistence.beforeShutdown(mode, flags.has('force'))) return c.out.error(Err.shutdownFailed);
  // Redis sends no reply on success: the connection just closes when the process exits.
  c.server.emit('shutdown');
}

function monitor(c: Client): void {
  if (c.monitor) return;
  c.monitor = true;
  c.server.monitors.add(c);
  c.out.ok();
}

/** Blocks the event loop, as DEBUG SLEEP blocks Redis's main thread. */
function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function debugSleep(c: Client, argv: string[]): void {
  const secs = parseFloatArg(argv[2] ?? '');
  if (secs === null || secs < 0) return c.out.error(Err.notFloat);
  sleepSync(secs * 1000);
  c.out.ok();
}

/** DEBUG POPULATE count [prefix] [size]: key:N → value:N (padded with \0 to size), skipping existing keys. */
function debugPopulate(c: Client, argv: string[]): void {
  const count = parseIntArg(argv[2] ?? '');
  if (count === null || count < 0) return c.out.error('ERR count is not an integer or out of range');
  const prefix = argv[3] ?? 'key';
  const size = argv[4] === undefined ? -1 : parseIntArg(argv[4]);
  if (size === null) return c.out.error('ERR size is not an integer or out of range');
  for (let i = 0; i < count; i++) {
    const key = `${prefix}:${i}`;
    if (c.db.peek(key) !== undefined) continue;
    c.db.set(key, populateValue(i, size));
  }
  c.out.ok();
}

/** value:N, cut or \0-padded to size; built in a buffer so it is one flat string, as SET stores. */
function populateValue(i: number, size: number): string {
  const base = `value:${i}`;
  if (size < 0) return base;
  const b = Buffer.alloc(size);
  b.latin1Write(base.slice(0, size), 0);
  return b.latin1Slice(0, size);
}

function debugObject(c: Client, argv: string[]): void {
  const v = c.db.peek(argv[2] ?? '');
  if (v === undefined) return c.out.error(Err.noSuchKey);
  const enc = typeof v === 'string' ? stringEncoding(v) : v.encoding();
  const len = typeof v === 'string' ? v.length : v.memoryUsage();
  c.out.simple(`Value at:0x0 refcount:1 encoding:${enc} serializedlength:${len} lru:0 lru_seconds_idle:0 type:${typeName(v)}`);
}

function debugActiveExpire(c: Client, argv: string[]): void {
  c.server.activeExpire = argv[2] !== '0';
  c.out.ok();
}

const DEBUG_SUBS: Record<string, Handler> = {
  sleep: debugSleep,
  populate: debugPopulate,
  object: debugObject,
  'set-active-expire': debugActiveExpire,
  // Status replies, as Redis (see nodes/persistence/digest.ts for how they are computed).
  digest: (c) => c.out.simple(datasetDigest(c.server)),
  'digest-value': (c, argv) => {
    c.out.array(argv.length - 2);
    for (const k of argv.slice(2)) c.out.simple(keyDigest(c.db, k));
  },
  help: (c) => helpReply(c, [
    'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'DIGEST', '    Output a hex signature representing the current DB content.',
    'DIGEST-VALUE <key> [<key> ...]', '    Output a hex signature of the values of all the specified keys.',
    'OBJECT <key>', '    Show low level info about the key and associated value.',
    'LOADAOF', '    Flush the AOF buffers on disk and reload the AOF in memory.',
    'POPULATE <count> [<prefix>] [<size>]', '    Create <count> string keys named key:<num>.',
    'RELOAD', '    Save the RDB on disk and reload it back to memory.',
    'SET-ACTIVE-EXPIRE <0|1>', '    Setting it to 0 disables expiring keys in background.',
    'SLEEP <seconds>', '    Stop the server for <seconds>. Decimals allowed.',
    'HELP', '    Prints this help.',
  ]),
};

/** Extension point: later modules (persistence, replication) add DEBUG subcommands here. */
export const debugSubcommands = new Map<string, Handler>(Object.entries(DEBUG_SUBS));

function debugAllowed(c: Client): boolean {
  const mode = c.server.config.get<string>('enable-debug-command');
  return mode === 'yes' || (mode === 'local' && /^(127\.|::1$|::ffff:127\.)/.test(c.socket.remoteAddress ?? ''));
}

function debug(c: Client, argv: string[]): void {
  if (!debugAllowed(c)) return c.out.error(Err.debugNotAllowed);
  const sub = debugSubcommands.get(argv[1].toLowerCase());
  // DEBUG is one command with a hand-written switch in Redis, hence its older wording.
  if (!sub) return c.out.error(`ERR unknown subcommand or wrong number of arguments for '${argv[1]}'. Try DEBUG HELP.`);
  sub(c, argv);
}

export const serverHandlers: Record<string, Handler> = {
  info: (c, argv) => c.out.verbatim(renderInfo(c.server, argv.slice(1))),
  time,
  lastsave: (c) => c.out.int(c.server.lastSave),
  shutdown,
  monitor,
  debug,
  ...configHandlers,
  ...commandHandlers,
  ...slowlogHandlers,
};
