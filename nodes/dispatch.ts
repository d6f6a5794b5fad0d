/**
 * Runs one command for a client: lookup, arity and auth checks, the context rules (MULTI queueing,
 * RESP2 subscribed mode), the call, then the bookkeeping every command shares (stats, slowlog,
 * MONITOR, propagation) and, once the top-level command is done, waking blocked clients.
 */
import { performance } from 'node:perf_hooks';
import { arityOk } from '../lib/commands/table.js';
import { Err } from '../lib/errors.js';
import type { Client } from './client.js';
import type { NodeServer } from './server.js';
import type { NodeCommand } from './commands/registry.js';
import { needsRouting, routeError } from './cluster/routing.js';

/** Commands that run at once inside MULTI instead of being queued. */
const NOT_QUEUED = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);
/** What a RESP2 client may send while subscribed. */
const SUBSCRIBED_OK = new Set(['subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset']);

export function execute(c: Client, argv: string[]): void {
  if (c.server.cluster === null) return run(c, argv);
  run(c, argv);
  // ASKING admits one command, or one transaction (kept until EXEC/DISCARD), as in Redis.
  if (c.asking && c.multi === null && argv[0].toLowerCase() !== 'asking') c.asking = false;
}

function run(c: Client, argv: string[]): void {
  const s = c.server;
  const cmd = resolve(c, argv);
  if (!cmd) return abortMulti(c);
  if (!c.authenticated && !cmd.spec.flagSet.has('no_auth')) {
    cmd.stats.rejected++;
    c.out.error(Err.noAuth);
    return abortMulti(c);
  }
  if (s.cluster !== null && needsRouting(cmd.spec) && !c.isMasterLink && rejectedBySlot(c, cmd, argv)) return;
  const base = cmd.spec.parent?.name ?? cmd.spec.name;
  if (c.subscriptionCount > 0 && c.out.resp === 2 && !SUBSCRIBED_OK.has(base)) {
    c.out.error(`ERR Can't execute '${cmd.spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);
    return;
  }
  // The master link is exempt: a replica applies its master's writes whatever its own memory.
  if (cmd.spec.flagSet.has('denyoom') && !c.isMasterLink && !s.evictor.enforce()) {
    cmd.stats.rejected++;
    c.out.error(Err.oom);
    return abortMulti(c);
  }
  // MISCONF: persistence is failing (bgsave error with stop-writes-on-bgsave-error, AOF write error).
  if (s.persistence.deny !== null && !c.isMasterLink && refusedByPersistence(c, cmd)) return abortMulti(c);
  // Replication: -READONLY / -MASTERDOWN on replicas, -NOREPLICAS (min-replicas-to-write).
  if (s.replGate !== null && s.replGate.rejects(c, cmd)) return abortMulti(c);
  // A script past its time limit runs in slices: only allow_busy commands (SCRIPT KILL …) get in.
  if (s.busyScript !== null && !cmd.spec.flagSet.has('allow_busy')) {
    cmd.stats.rejected++;
    c.out.error(Err.busyScript);
    return abortMulti(c);
  }
  if (c.multi && !NOT_QUEUED.has(base)) {
    if (cmd.spec.flagSet.has('no_multi')) {
      c.out.error('ERR Command not allowed inside a transaction');
      return abortMulti(c);
    }
    c.multi.queue.push({ cmd, argv });
    c.out.simple('QUEUED');
    return;
  }
  // Cluster MIGRATE in progress: a command touching a key in transfer waits for its end.
  if (s.keysInTransfer !== null && s.keysInTransfer.mustWait(c, cmd, argv)) return;
  // sync-replicas: the gate holds the reply until replicas acknowledge the write.
  if (s.replGate !== null) return s.replGate.call(c, cmd, argv);
  call(c, cmd, argv);
  settle(s);
}

/**
 * After a top-level command: emit what it propagates, then serve blocked clients its writes made
 * ready (their pops propagate too).
 */
export function settle(s: NodeServer): void {
  if (s.propagation.active) s.propagation.flush();
  if (s.blocking.hasReady) {
    s.blocking.serveReady();
    s.propagation.flush();
  }
}

/** Runs a resolved command (directly, or from EXEC / scripts) with the shared bookkeeping. */
export function call(c: Client, cmd: NodeCommand, argv: string[]): void {
  const s = c.server;
  const dirtyBefore = s.dirty;
  const errorsBefore = c.out.errors;
  c.lastCmd = cmd.spec.name;
  const mark = c.out.length;
  // A running snapshot must keep the pre-write state of aggregates this command may mutate in place.
  if (s.cow.active && cmd.spec.isWrite) s.cow.beforeCommand(c, cmd, argv);
  const t0 = performance.now();
  try {
    cmd.handler!(c, argv);
  } catch (e) {
    handlerFailed(c, cmd, e, mark);
  }
  const us = Math.round((performance.now() - t0) * 1000);
  cmd.stats.calls++;
  cmd.stats.usec += us;
  if (c.out.errors !== errorsBefore) cmd.stats.failed++;
  s.stats.totalCommands++;
  s.afterCommand(c, cmd, argv, us, s.dirty !== dirtyBefore);
}

/**
 * A bug in one handler must not take the server down for every other client. Its partial reply is
 * dropped, the client gets an error and is disconnected (its protocol state may be inconsistent).
 */
function handlerFailed(c: Client, cmd: NodeCommand, e: unknown, mark: number): void {
  const err = e instanceof Error ? e : new Error(String(e));
  c.server.log.warning(`Internal error in '${cmd.spec.name}' for client ${c.addr}: ${err.stack ?? err.message}`);
  c.out.truncate(mark);
  c.out.error(`ERR internal error in '${cmd.spec.name}': ${err.message}`);
  c.closeAfterReply = true;
}

/**
 * Cluster mode: replies MOVED/ASK/CROSSSLOT/… when this node must not serve the command's keys.
 * Checked before MULTI queueing (a rejected queued command aborts the transaction) and again by
 * EXEC over the whole queue (a rejected EXEC discards it), as Redis does.
 */
function rejectedBySlot(c: Client, cmd: NodeCommand, argv: string[]): boolean {
  const err = routeError(c, c.server.cluster!, cmd.spec, argv);
  if (err === null) return false;
  cmd.stats.rejected++;
  c.out.error(err);
  if (cmd.spec.name === 'exec' && c.multi) {
    c.multi = null;
    c.server.watches.unwatchAll(c);
  } else {
    abortMulti(c);
  }
  return true;
}

/** Redis refuses writes and PING (not its master's stream) while persistence fails. */
function refusedByPersistence(c: Client, cmd: NodeCommand): boolean {
  if (c.isMasterLink || !(cmd.spec.isWrite || cmd.spec.name === 'ping')) return false;
  cmd.stats.rejected++;
  c.out.error(c.server.persistence.deny!);
  return true;
}

/** A command rejected while queueing makes EXEC fail with EXECABORT, as in Redis. */
function abortMulti(c: Client): void {
  if (c.multi) c.multi.aborted = true;
}

/** Finds the command (and subcommand) or replies with Redis's error for why not. */
function resolve(c: Client, argv: string[]): NodeCommand | null {
  const commands = c.server.commandLookup;
  let cmd = commands.get(argv[0]) ?? commands.get(argv[0].toLowerCase());
  if (!cmd) {
    c.out.error(Err.unknownCommand(argv[0], argv.slice(1)));
    return null;
  }
  // A container (CONFIG, CLIENT …) needs a subcommand, unless it is callable bare (COMMAND).
  if (cmd.subs && (argv.length >= 2 || !cmd.handler)) {
    if (argv.length < 2) {
      c.out.error(Err.arity(cmd.spec.name));
      return null;
    }
    const sub = cmd.subs.get(argv[1].toLowerCase());
    if (!sub) {
      c.out.error(Err.unknownSubcommand(argv[1], cmd.spec.name));
      return null;
    }
    cmd = sub;
  }
  if (!arityOk(cmd.spec, argv.length)) {
    cmd.stats.rejected++;
    c.out.error(Err.arity(cmd.spec.name));
    return null;
  }
  return cmd;
}
