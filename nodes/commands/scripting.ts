/** EVAL EVALSHA EVAL_RO EVALSHA_RO and SCRIPT LOAD|EXISTS|FLUSH|KILL|HELP (engine: nodes/scripting/). */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { scriptingOf } from '../scripting/engine.js';
import { parseInt64 } from './args.js';
import type { Handler } from './registry.js';

/** Keys count check, in Redis's order: integer, not above the arguments, not negative. */
function numkeysOf(c: Client, argv: string[]): number | null {
  const n = parseInt64(argv[2]);
  if (n === null) {
    c.out.error(Err.notInteger);
    return null;
  }
  if (n > argv.length - 3) {
    c.out.error(Err.scriptNumkeysTooMany);
    return null;
  }
  if (n < 0) {
    c.out.error(Err.scriptNumkeysNegative);
    return null;
  }
  return Number(n);
}

function evalGeneric(c: Client, argv: string[], bySha: boolean, readOnly: boolean): void {
  // EVALSHA: a wrong-length SHA can't match; Redis answers before looking at numkeys.
  if (bySha && argv[1].length !== 40) return c.out.error(Err.noScript);
  const numkeys = numkeysOf(c, argv);
  if (numkeys === null) return;
  const engine = scriptingOf(c.server);
  let sha: string;
  if (bySha) {
    sha = argv[1].toLowerCase();
    if (!engine.has(sha)) return c.out.error(Err.noScript);
  } else {
    const loaded = engine.load(argv[1]);
    if ('error' in loaded) return c.out.error(loaded.error);
    sha = loaded.sha;
  }
  const flags = engine.flagsOf(sha);
  // A shebang script that may write is refused up front when over maxmemory (unless allow-oom).
  if (flags !== null && !flags.has('no-writes') && !flags.has('allow-oom') && !c.server.evictor.enforce()) {
    return c.out.error(Err.oom);
  }
  const keys = argv.slice(3, 3 + numkeys);
  const args = argv.slice(3 + numkeys);
  engine.run(c, sha, keys, args, readOnly || (flags?.has('no-writes') ?? false));
}

function scriptLoad(c: Client, argv: string[]): void {
  const loaded = scriptingOf(c.server).load(argv[2]);
  if ('error' in loaded) return c.out.error(loaded.error);
  c.out.bulk(loaded.sha);
}

function scriptExists(c: Client, argv: string[]): void {
  const engine = scriptingOf(c.server);
  c.out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) c.out.int(engine.has(argv[i].toLowerCase()) ? 1 : 0);
}

function scriptFlush(c: Client, argv: string[]): void {
  const mode = argv.length === 3 ? argv[2].toLowerCase() : 'sync';
  if (argv.length > 3 || (mode !== 'sync' && mode !== 'async')) return c.out.error(Err.scriptFlushOption);
  scriptingOf(c.server).flush();
  c.out.ok();
}

function scriptKill(c: Client): void {
  const err = scriptingOf(c.server).kill();
  if (err !== null) return c.out.error(err);
  c.out.ok();
}

const HELP = [
  'SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'DEBUG (YES|SYNC|NO)',
  '    Set the debug mode for subsequent scripts executed.',
  'EXISTS <sha1> [<sha1> ...]',
  '    Return information about the existence of the scripts in the script cache.',
  'FLUSH [ASYNC|SYNC]',
  '    Flush the Lua scripts cache. Very dangerous on replicas.',
  '    When called without the optional mode argument, the behavior is determined by the',
  '    lazyfree-lazy-user-flush configuration directive. Valid modes are:',
  '    * ASYNC: Asynchronously flush the scripts cache.',
  '    * SYNC: Synchronously flush the scripts cache.',
  'KILL',
  '    Kill the currently executing Lua script.',
  'LOAD <script>',
  '    Load a script into the scripts cache without executing it.',
  'HELP',
  '    Prints this help.',
];

function scriptHelp(c: Client): void {
  c.out.array(HELP.length);
  for (const line of HELP) c.out.simple(line);
}

export const scriptingHandlers: Record<string, Handler> = {
  eval: (c, argv) => evalGeneric(c, argv, false, false),
  evalsha: (c, argv) => evalGeneric(c, argv, true, false),
  eval_ro: (c, argv) => evalGeneric(c, argv, false, true),
  evalsha_ro: (c, argv) => evalGeneric(c, argv, true, true),
  'script|load': scriptLoad,
  'script|exists': scriptExists,
  'script|flush': scriptFlush,
  'script|kill': scriptKill,
  'script|help': scriptHelp,
};
