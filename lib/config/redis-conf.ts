/**
 * redis.conf-style configuration: one directive per line, arguments split as Redis splits them
 * (quotes and escapes), `#` comments, `include` files, and `--directive value …` command-line
 * overrides appended after the file, exactly as redis-server takes them.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { splitInlineArgs } from '../resp/inline.js';

export interface Directive {
  name: string;
  args: string[];
  /** Where it came from, for error messages: "redis.conf:12" or "command line". */
  origin: string;
}

export class ConfigError extends Error {}

export function parseConfigText(text: string, origin: string, depth = 0): Directive[] {
  const out: Directive[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `${origin}:${i + 1}`;
    const argv = splitInlineArgs(line);
    if (argv === null) throw new ConfigError(`${where}: Unbalanced quotes in configuration line`);
    if (argv.length === 0) continue;
    const name = argv[0].toLowerCase();
    if (name === 'include') {
      if (depth > 8) throw new ConfigError(`${where}: include nested too deeply`);
      for (const f of argv.slice(1)) out.push(...parseConfigFile(resolve(dirname(origin), f), depth + 1));
      continue;
    }
    out.push({ name, args: argv.slice(1), origin: where });
  }
  return out;
}

export function parseConfigFile(path: string, depth = 0): Directive[] {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch (e) {
    throw new ConfigError(`Fatal error, can't open config file '${path}': ${(e as Error).message}`);
  }
  return parseConfigText(text, path, depth);
}

/**
 * Parses `[file] [--name arg …]…` as redis-server does: each `--name` starts a directive whose
 * arguments are the following words up to the next `--name`. `-` as the file reads nothing.
 */
export function parseCommandLine(argv: readonly string[]): { file?: string; directives: Directive[] } {
  let i = 0;
  let file: string | undefined;
  if (argv.length > 0 && !argv[0].startsWith('--')) {
    file = argv[0];
    i = 1;
  }
  const directives: Directive[] = [];
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new ConfigError(`Unexpected argument '${a}': directives are --name value`);
    const d: Directive = { name: a.slice(2).toLowerCase(), args: [], origin: 'command line' };
    while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) d.args.push(argv[++i]);
    directives.push(d);
  }
  return { file, directives };
}
