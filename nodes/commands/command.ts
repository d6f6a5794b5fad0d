/** COMMAND, COMMAND COUNT/INFO/DOCS/LIST/GETKEYS/GETKEYSANDFLAGS/HELP, answered from the table. */
import { keyPositions } from '../../lib/commands/keys.js';
import { arityOk, lookupCommand, type CommandSpec } from '../../lib/commands/table.js';
import { globMatch } from '../../lib/glob.js';
import type { Client } from '../client.js';
import { helpReply } from './connection.js';
import type { Handler, NodeCommand } from './registry.js';

/** Keys whose arrays Redis sends as status strings. */
const STATUS_KEYS = new Set(['flags', 'doc_flags']);

function writeInfo(c: Client, spec: CommandSpec, subs: Iterable<NodeCommand> | null): void {
  const out = c.out;
  out.array(10);
  out.bulk(spec.name);
  out.int(spec.arity);
  out.array(spec.flags.length);
  for (const f of spec.flags) out.simple(f);
  out.int(spec.firstKey);
  out.int(spec.lastKey);
  out.int(spec.step);
  out.array(spec.acl.length);
  for (const a of spec.acl) out.simple(a);
  out.value(spec.tips);
  out.array(spec.keySpecs.length);
  for (const ks of spec.keySpecs) out.value(ks, STATUS_KEYS);
  const list = subs ? [...subs] : [];
  out.array(list.length);
  for (const s of list) writeInfo(c, s.spec, null);
}

/** The node's command (or subcommand, "config|get") by name, only if the node implements it. */
function findNodeCommand(c: Client, name: string): NodeCommand | undefined {
  const [base, sub] = name.toLowerCase().split('|');
  const cmd = c.server.commands.get(base);
  if (!cmd || sub === undefined) return cmd;
  return cmd.subs?.get(sub);
}

function command(c: Client): void {
  const all = [...c.server.commands.values()];
  c.out.array(all.length);
  for (const cmd of all) writeInfo(c, cmd.spec, cmd.subs?.values() ?? null);
}

function commandInfo(c: Client, argv: string[]): void {
  if (argv.length === 2) return command(c);
  c.out.array(argv.length - 2);
  for (const name of argv.slice(2)) {
    const cmd = findNodeCommand(c, name);
    if (cmd) writeInfo(c, cmd.spec, cmd.subs?.values() ?? null);
    else c.out.nilArray();
  }
}

function writeDocs(c: Client, cmd: NodeCommand): void {
  const docs = { ...cmd.spec.docs } as Record<string, unknown>;
  const entries = Object.entries(docs);
  const subs = cmd.subs ? [...cmd.subs.values()] : [];
  c.out.map(entries.length + (subs.length ? 1 : 0));
  for (const [k, v] of entries) {
    c.out.bulk(k);
    if (STATUS_KEYS.has(k) && Array.isArray(v)) {
      c.out.array(v.length);
      for (const f of v) c.out.simple(String(f));
    } else {
      c.out.value(v, STATUS_KEYS);
    }
  }
  if (subs.length) {
    c.out.bulk('subcommands');
    c.out.map(subs.length);
    for (const s of subs) {
      c.out.bulk(s.spec.name);
      writeDocs(c, s);
    }
  }
}

function commandDocs(c: Client, argv: string[]): void {
  const names = argv.length > 2 ? argv.slice(2) : [...c.server.commands.keys()];
  const found = names.map((n) => [n, findNodeCommand(c, n)] as const).filter(([, cmd]) => cmd);
  c.out.map(found.length);
  for (const [, cmd] of found) {
    c.out.bulk(cmd!.spec.name);
    writeDocs(c, cmd!);
  }
}

function commandList(c: Client, argv: string[]): void {
  const names: string[] = [];
  for (const cmd of c.server.commands.values()) {
    names.push(cmd.spec.name);
    for (const s of cmd.subs?.values() ?? []) names.push(s.spec.name);
  }
  if (argv.length === 2) return c.out.bulks(names);
  if (argv.length !== 5 || argv[2].toLowerCase() !== 'filterby') return c.out.error('ERR syntax error');
  const kind = argv[3].toLowerCase();
  const val = argv[4];
  let keep: (name: string) => boolean;
  if (kind === 'pattern') keep = (n) => globMatch(val, n, true);
  else if (kind === 'aclcat') keep = (n) => findNodeCommand(c, n)?.spec.acl.includes(`@${val.toLowerCase()}`) ?? false;
  else if (kind === 'module') keep = () => false;
  else return c.out.error('ERR syntax error');
  c.out.bulks(names.filter(keep));
}

function commandGetkeys(c: Client, argv: string[], withFlags: boolean): void {
  const args = argv.slice(2);
  const spec = resolveSpec(args);
  if (!spec) return c.out.error('ERR Invalid command specified');
  if (!arityOk(spec, args.length)) return c.out.error('ERR Invalid number of arguments specified for command');
  const pos = keyPositions(spec, args);
  if (pos === null) return c.out.error('ERR Invalid arguments specified for command');
  if (pos.length === 0) return c.out.error('ERR The command has no key arguments');
  c.out.array(pos.length);
  for (const p of pos) {
    if (!withFlags) {
      c.out.bulk(args[p]);
      continue;
    }
    c.out.array(2);
    c.out.bulk(args[p]);
    const flags = spec.keySpecs[0]?.flags ?? [];
    c.out.array(flags.length);
    for (const f of flags) c.out.simple(f);
  }
}

function resolveSpec(args: string[]): CommandSpec | undefined {
  const spec = lookupCommand(args[0]);
  if (spec?.subcommands && args.length > 1) return spec.subcommands.get(args[1].toLowerCase());
  return spec;
}

export const commandHandlers: Record<string, Handler> = {
  command,
  'command|count': (c) => c.out.int(c.server.commands.size),
  'command|info': commandInfo,
  'command|docs': commandDocs,
  'command|list': commandList,
  'command|getkeys': (c, argv) => commandGetkeys(c, argv, false),
  'command|getkeysandflags': (c, argv) => commandGetkeys(c, argv, true),
  'command|help': (c) => helpReply(c, [
    'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    '(no subcommand)', '    Return details about all Redis commands.',
    'COUNT', '    Return the total number of commands in this Redis server.',
    'LIST', '    Return a list of all commands in this Redis server.',
    'INFO [<command-name> ...]', '    Return details about multiple Redis commands.',
    '    If no command names are given, documentation details for all',
    '    commands are returned.',
    'DOCS [<command-name> ...]', '    Return documentation details about multiple Redis commands.',
    '    If no command names are given, documentation details for all',
    '    commands are returned.',
    'GETKEYS <full-command>', '    Return the keys from a full Redis command.',
    'GETKEYSANDFLAGS <full-command>', '    Return the keys and the access flags from a full Redis command.',
    'HELP', '    Prints this help.',
  ]),
};
