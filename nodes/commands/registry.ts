/**
 * Joins the shared command table (lib/commands) with the node's handlers. Only commands with a
 * handler exist on the node (COMMAND lists them); rename-command renames or disables entries.
 */
import { commandTable, type CommandSpec } from '../../lib/commands/table.js';
import type { Client } from '../client.js';
import type { CommandStats } from '../stats.js';

export type Handler = (c: Client, argv: string[]) => void;

export interface NodeCommand {
  spec: CommandSpec;
  handler: Handler | null;
  /** For container commands (CONFIG, CLIENT …): subcommand name → command. */
  subs: Map<string, NodeCommand> | null;
  stats: CommandStats;
}

function stats(): CommandStats {
  return { calls: 0, usec: 0, rejected: 0, failed: 0 };
}

/** Builds the dispatch map. Handler keys are Redis's full names: "get", "config|get". */
export function buildRegistry(handlers: Record<string, Handler>, renames: ReadonlyMap<string, string>): Map<string, NodeCommand> {
  const out = new Map<string, NodeCommand>();
  for (const [name, spec] of commandTable) {
    let subs: Map<string, NodeCommand> | null = null;
    if (spec.subcommands) {
      subs = new Map();
      for (const [sub, subSpec] of spec.subcommands) {
        const h = handlers[subSpec.name];
        if (h) subs.set(sub, { spec: subSpec, handler: h, subs: null, stats: stats() });
      }
      if (subs.size === 0) continue;
    } else if (!handlers[name]) {
      continue;
    }
    out.set(name, { spec, handler: handlers[name] ?? null, subs, stats: stats() });
  }
  for (const name of Object.keys(handlers)) {
    const base = name.split('|')[0];
    if (!commandTable.has(base)) throw new Error(`handler for ${name} has no entry in the command table`);
  }
  for (const [from, to] of renames) {
    const cmd = out.get(from);
    if (!cmd) continue;
    out.delete(from);
    if (to !== '') out.set(to, cmd);
  }
  return out;
}
