/**
 * The proxy's view of the command table: for every command in lib/commands (Redis 7.0's own table),
 * how the proxy serves it. Routing is data, like the node's dispatch: the kind comes from the
 * table's flags and key specs plus the short lists below of commands the proxy answers itself.
 */
import { commandTable, type CommandSpec } from '../../lib/commands/table.js';
import type { CommandStats, ProxyStats } from '../stats.js';
import type { Session } from '../session.js';

export type LocalHandler = (s: Session, argv: string[]) => void;

/**
 * keyed: one slot's master (CROSSSLOT when keys span slots); split: keys split by slot/group and
 * the replies merged; local: answered by the proxy; blocking: a private connection, the session
 * waits; any: keyless, any master answers; unsupported: refused with one clear error.
 */
export type RouteKind = 'keyed' | 'split' | 'local' | 'blocking' | 'any' | 'pubsub' | 'unsupported';

export interface ProxyCommand {
  readonly spec: CommandSpec;
  readonly kind: RouteKind;
  readonly handler?: LocalHandler;
  readonly stats: CommandStats;
  /** > 0 when the command's only key is always at this index (GET, SET …): the fast path. */
  readonly keyIndex: number;
  readonly subs?: Map<string, ProxyCommand>;
}

/** Multi-key commands whose keys may live anywhere: split per target and merged. */
export const SPLIT = new Set(['mget', 'mset', 'del', 'unlink', 'exists', 'touch']);

/** Keyless commands any master can answer (no cluster-wide meaning to get wrong). */
const ANY = new Set(['time', 'lolwut', 'command', 'command|count', 'command|info', 'command|docs', 'command|list', 'command|getkeys', 'command|getkeysandflags', 'command|help']);

function fixedKeyIndex(spec: CommandSpec): number {
  if (spec.keySpecs.length !== 1) return 0;
  const ks = spec.keySpecs[0];
  if (ks.begin_search.type !== 'index' || ks.find_keys.type !== 'range') return 0;
  if (ks.find_keys.spec.lastkey !== 0) return 0;
  return ks.begin_search.spec.index;
}

/** Pub/Sub commands with proxy-side state (proxy/pubsub.ts). */
const PUBSUB = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe', 'publish']);

function kindOf(spec: CommandSpec, local: Record<string, LocalHandler>): RouteKind {
  if (local[spec.name]) return 'local';
  if (PUBSUB.has(spec.name)) return 'pubsub';
  if (SPLIT.has(spec.name)) return 'split';
  if (spec.flagSet.has('blocking')) return 'blocking';
  if (spec.hasKeys) return 'keyed';
  if (ANY.has(spec.name)) return 'any';
  return 'unsupported';
}

function build(spec: CommandSpec, local: Record<string, LocalHandler>, stats: ProxyStats): ProxyCommand {
  let subs: Map<string, ProxyCommand> | undefined;
  if (spec.subcommands) {
    subs = new Map();
    for (const [name, sub] of spec.subcommands) subs.set(name, build(sub, local, stats));
  }
  return {
    spec,
    kind: kindOf(spec, local),
    handler: local[spec.name],
    stats: stats.command(spec.name),
    keyIndex: fixedKeyIndex(spec),
    subs,
  };
}

/** Name → command, under lower- and upper-case names (the common spellings resolve without lowering). */
export function buildProxyCommands(local: Record<string, LocalHandler>, stats: ProxyStats): Map<string, ProxyCommand> {
  const out = new Map<string, ProxyCommand>();
  for (const spec of commandTable.values()) {
    const cmd = build(spec, local, stats);
    out.set(spec.name, cmd);
    out.set(spec.name.toUpperCase(), cmd);
  }
  return out;
}
