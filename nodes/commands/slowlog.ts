/** SLOWLOG GET/LEN/RESET/HELP. */
import type { Client } from '../client.js';
import { writeSlowlogEntries } from '../../lib/slowlog.js';
import { parseIntArg } from './args.js';
import { helpReply } from './connection.js';
import type { Handler } from './registry.js';

function slowlogGet(c: Client, argv: string[]): void {
  let count = 10;
  if (argv.length > 2) {
    const n = parseIntArg(argv[2]);
    if (n === null || n < -1) return c.out.error('ERR count should be greater than or equal to -1');
    count = n === -1 ? Infinity : n;
  }
  writeSlowlogEntries(c.out, c.server.slowlog.entries.slice(0, count));
}

export const slowlogHandlers: Record<string, Handler> = {
  'slowlog|get': slowlogGet,
  'slowlog|len': (c) => c.out.int(c.server.slowlog.entries.length),
  'slowlog|reset': (c) => {
    c.server.slowlog.reset();
    c.out.ok();
  },
  'slowlog|help': (c) => helpReply(c, [
    'SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'GET [<count>]', '    Return top <count> entries from the slowlog (default: 10, -1 mean all).',
    '    Entries are made of:', '    id, timestamp, time in microseconds, arguments array, client IP and port,',
    '    client name', 'LEN', '    Return the length of the slowlog.',
    'RESET', '    Reset the slowlog.', 'HELP', '    Prints this help.',
  ]),
};
