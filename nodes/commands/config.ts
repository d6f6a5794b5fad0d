/** CONFIG GET/SET/RESETSTAT/REWRITE/HELP over the node's ConfigRegistry. */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { helpReply } from './connection.js';
import type { Handler } from './registry.js';

function configGet(c: Client, argv: string[]): void {
  const pairs = c.server.config.match(argv.slice(2));
  c.out.map(pairs.length);
  for (const [k, v] of pairs) {
    c.out.bulk(k);
    c.out.bulk(v);
  }
}

function configSet(c: Client, argv: string[]): void {
  if (argv.length % 2 !== 0) return c.out.error(Err.arity('config|set'));
  const pairs: [string, string][] = [];
  for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i], argv[i + 1]]);
  const err = c.server.config.set(pairs);
  if (err) return c.out.error(err);
  c.out.ok();
}

function configResetstat(c: Client): void {
  c.server.resetStats();
  c.out.ok();
}

function configRewrite(c: Client): void {
  const err = c.server.config.rewrite();
  if (err) return c.out.error(err);
  c.server.log.notice('CONFIG REWRITE executed with success.');
  c.out.ok();
}

export const configHandlers: Record<string, Handler> = {
  'config|get': configGet,
  'config|set': configSet,
  'config|resetstat': configResetstat,
  'config|rewrite': configRewrite,
  'config|help': (c) => helpReply(c, [
    'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'GET <pattern>', '    Return parameters matching the glob-like <pattern> and their values.',
    'SET <directive> <value>', '    Set the configuration <directive> to <value>.',
    'RESETSTAT', '    Reset statistics reported by the INFO command.',
    'REWRITE', '    Rewrite the configuration file.',
    'HELP', '    Prints this help.',
  ]),
};
