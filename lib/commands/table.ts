/**
 * The command table: one record per Redis command (name, arity, flags, legacy key positions, key
 * specs, docs). It drives the node's dispatch and COMMAND replies, and the proxy's routing.
 * The data is Redis 7.0's own COMMAND INFO / COMMAND DOCS output (scripts/gen-command-table.py),
 * so arities and key positions match the reference exactly.
 */
import raw from './redis-commands.json' with { type: 'json' };
import { slotgateSubcommands } from './slotgate-commands.js';

export interface KeySpec {
  flags: string[];
  begin_search:
    | { type: 'index'; spec: { index: number } }
    | { type: 'keyword'; spec: { keyword: string; startfrom: number } }
    | { type: 'unknown'; spec: Record<string, never> };
  find_keys:
    | { type: 'range'; spec: { lastkey: number; keystep: number; limit: number } }
    | { type: 'keynum'; spec: { keynumidx: number; firstkey: number; keystep: number } }
    | { type: 'unknown'; spec: Record<string, never> };
}

interface RawCommand {
  name: string;
  arity: number;
  flags: string[];
  firstKey: number;
  lastKey: number;
  step: number;
  acl: string[];
  tips: string[];
  keySpecs: KeySpec[];
  docs: Record<string, unknown>;
  subcommands?: RawCommand[];
}

export interface CommandSpec extends Readonly<Omit<RawCommand, 'subcommands'>> {
  /** Full name as Redis reports it: "get", "config|get". */
  readonly name: string;
  readonly flagSet: ReadonlySet<string>;
  readonly subcommands?: ReadonlyMap<string, CommandSpec>;
  readonly parent?: CommandSpec;
  /** Shorthands for the hot path. */
  readonly isWrite: boolean;
  readonly hasKeys: boolean;
}

function build(r: RawCommand, parent?: CommandSpec): CommandSpec {
  const spec: CommandSpec = {
    ...r,
    flagSet: new Set(r.flags),
    parent,
    isWrite: r.flags.includes('write'),
    hasKeys: r.keySpecs.length > 0,
    subcommands: undefined,
  };
  if (r.subcommands) {
    const subs = new Map<string, CommandSpec>();
    const extra = (slotgateSubcommands[r.name] ?? []) as unknown as RawCommand[];
    for (const s of [...r.subcommands, ...extra]) subs.set(s.name.slice(s.name.indexOf('|') + 1), build(s, spec));
    (spec as { subcommands?: Map<string, CommandSpec> }).subcommands = subs;
  }
  return spec;
}

export const commandTable: ReadonlyMap<string, CommandSpec> = new Map(
  (raw as RawCommand[]).map((r) => [r.name, build(r)]),
);

/** Looks a command up by its (any-case) name. */
export function lookupCommand(name: string): CommandSpec | undefined {
  return commandTable.get(name) ?? commandTable.get(name.toLowerCase());
}

/** Arity check as Redis does it: positive = exact, negative = at least. */
export function arityOk(spec: CommandSpec, argc: number): boolean {
  return spec.arity > 0 ? argc === spec.arity : argc >= -spec.arity;
}
