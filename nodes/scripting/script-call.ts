/**
 * redis.call's command path (Redis 7.0's scriptCall): look the command up, check arity, the
 * `noscript` flag, read-only scripts, replica read-only and OOM (only before the script's first
 * write), then run it through dispatch's `call()` — so stats, slowlog, MONITOR, `server.dirty`
 * and propagation of each write (effects replication) work as for any command.
 */
import { arityOk } from '../../lib/commands/table.js';
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import type { NodeCommand } from '../commands/registry.js';
import { call } from '../dispatch.js';

/**
 * Redis 7.0's CMD_MAY_REPLICATE commands a script can call: refused in read-only scripts like
 * writes. Our command table (COMMAND INFO output) does not carry that flag, so they are listed.
 */
const MAY_REPLICATE = new Set(['publish', 'spublish', 'pfcount']);

export interface CallContext {
  /** The script's own client (its db follows SELECT inside the script). */
  client: Client;
  readOnly: boolean;
  /** A write command already ran: later writes are never refused (the script can't undo). */
  wrote: boolean;
  /** The server was over maxmemory when the script started. */
  oomAtStart: boolean;
}

/** Runs argv for a script; returns null when it ran (reply in ctx.client.out) or the error text. */
export function scriptCommand(ctx: CallContext, argv: string[]): string | null {
  const c = ctx.client;
  const cmd = lookup(c, argv);
  if (cmd === null) return 'Unknown Redis command called from script';
  if (!arityOk(cmd.spec, argv.length) || !cmd.handler) return 'Wrong number of args calling Redis command from script';
  const flags = cmd.spec.flagSet;
  if (flags.has('noscript')) return 'This Redis command is not allowed from script';
  if (ctx.readOnly && (cmd.spec.isWrite || MAY_REPLICATE.has(cmd.spec.name))) {
    return 'Write commands are not allowed from read-only scripts.';
  }
  if (cmd.spec.isWrite) {
    if (!ctx.wrote) {
      const s = c.server;
      if (s.role === 'replica' && s.config.get<boolean>('replica-read-only')) return `-${Err.readonlyReplica}`;
      if (ctx.oomAtStart && flags.has('denyoom')) return `-${Err.oom}`;
    }
    ctx.wrote = true;
  }
  call(c, cmd, argv);
  return null;
}

/** Redis's lookupCommand: a container with a known subcommand resolves to it, else null. */
function lookup(c: Client, argv: string[]): NodeCommand | null {
  const commands = c.server.commandLookup;
  const cmd = commands.get(argv[0]) ?? commands.get(argv[0].toLowerCase());
  if (!cmd) return null;
  if (!cmd.subs || argv.length < 2) return cmd;
  return cmd.subs.get(argv[1].toLowerCase()) ?? null;
}
