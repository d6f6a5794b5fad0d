/** MEMORY USAGE / STATS / DOCTOR / PURGE / MALLOC-STATS / HELP. */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { estimateBytes, fullGc } from '../eviction.js';
import { parseIntArg } from './args.js';
import { helpReply } from './connection.js';
import type { Handler } from './registry.js';

function usage(c: Client, argv: string[]): void {
  if (argv.length === 5 && argv[3].toLowerCase() === 'samples') {
    const n = parseIntArg(argv[4]);
    if (n === null || n < 0) return c.out.error(Err.notInteger);
  } else if (argv.length !== 3) {
    return c.out.error(Err.syntax);
  }
  const v = c.db.peek(argv[2]);
  if (v === undefined) return c.out.nil();
  c.out.int(estimateBytes(argv[2], v));
}

function stats(c: Client): void {
  const m = process.memoryUsage();
  const used = c.server.evictor.usedMemory();
  const keys = c.server.dbs.reduce((n, db) => n + db.size, 0);
  const fields: [string, number][] = [
    ['peak.allocated', m.rss],
    ['total.allocated', used],
    ['startup.allocated', 0],
    ['keys.count', keys],
    ['keys.bytes-per-key', keys ? Math.floor(used / keys) : 0],
    ['dataset.bytes', m.heapUsed],
    ['fragmentation', Number((m.rss / Math.max(1, used)).toFixed(2))],
  ];
  c.out.map(fields.length);
  for (const [k, v] of fields) {
    c.out.bulk(k);
    if (Number.isInteger(v)) c.out.int(v);
    else c.out.double(v);
  }
}

export const memoryHandlers: Record<string, Handler> = {
  'memory|usage': usage,
  'memory|stats': stats,
  'memory|doctor': (c) => c.out.verbatim('Hi Sam, I can\'t find any memory issue in your instance. I can only account for what occurs on this base.'),
  // Redis asks its allocator to return free pages; our equivalent is a full garbage collection.
  'memory|purge': (c) => {
    fullGc();
    c.out.ok();
  },
  'memory|malloc-stats': (c) => c.out.verbatim('Stats not supported for the current allocator'),
  'memory|help': (c) => helpReply(c, [
    'MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
    'DOCTOR', '    Return memory problems reports.',
    'MALLOC-STATS', '    Return internal statistics report from the memory allocator.',
    'PURGE', '    Attempt to purge dirty pages for reclamation by the allocator.',
    'STATS', '    Return information about the memory usage of the server.',
    'USAGE <key> [SAMPLES <count>]', '    Return memory in bytes used by <key> and its value. Nested values are',
    '    sampled up to <count> times (default: 5, 0 means sample all).',
    'HELP', '    Prints this help.',
  ]),
};
