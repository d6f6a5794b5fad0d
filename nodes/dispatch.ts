/**
 * Runs one command for a client: lookup, arity and auth checks, the call, then the bookkeeping every
 * command shares (stats, slowlog, MONITOR, propagation to replicas and the AOF).
 */
import { performance } from 'node:perf_hooks';
import { arityOk } from '../lib/commands/table.js';
import { Err } from '../lib/errors.js';
import type { Client } from './client.js';
import type { NodeCommand } from './commands/registry.js';

export function execute(c: Client, argv: string[]): void {
  const s = c.server;
  const cmd = resolve(c, argv);
  if (!cmd) return;
  if (!c.authenticated && !cmd.spec.flagSet.has('no_auth')) {
    cmd.stats.rejected++;
    c.out.error(Err.noAuth);
    return;
  }
  const dirtyBefore = s.dirty;
  const errorsBefore = c.out.errors;
  c.lastCmd = cmd.spec.name;
  const t0 = performance.now();
  cmd.handler!(c, argv);
  const us = Math.round((performance.now() - t0) * 1000);
  cmd.stats.calls++;
  cmd.stats.usec += us;
  if (c.out.errors !== errorsBefore) cmd.stats.failed++;
  s.stats.totalCommands++;
  s.afterCommand(c, cmd, argv, us, s.dirty !== dirtyBefore);
  if (s.blocking.hasReady) s.blocking.serveReady();
}

/** Finds the command (and subcommand) or replies with Redis's error for why not. */
function resolve(c: Client, argv: string[]): NodeCommand | null {
  const commands = c.server.commands;
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
