/**
 * SLOWLOG at the proxy: requests whose proxy-measured latency (arrival to reply) reached
 * `slowlog-log-slower-than` µs, in the node's format (lib/slowlog.ts).
 */
import { writeSlowlogEntries } from '../../lib/slowlog.js';
import type { LocalHandler } from './table.js';

const get: LocalHandler = (s, argv) => {
  const cmd = s.server.command('slowlog|get');
  let n = 10;
  if (argv.length === 3) {
    const v = /^-?\d+$/.test(argv[2]) ? Number(argv[2]) : NaN;
    if (Number.isNaN(v) || v < -1) return s.fail(cmd, 'ERR count should be greater than or equal to -1');
    n = v === -1 ? Infinity : v;
  }
  writeSlowlogEntries(s.localReply(), s.server.slowlog.entries.slice(0, n));
  s.endLocal(cmd.stats);
};

export const slowlogHandlers: Record<string, LocalHandler> = {
  'slowlog|get': get,
  'slowlog|len': (s) => {
    s.localReply().int(s.server.slowlog.entries.length);
    s.endLocal(s.server.command('slowlog|len').stats);
  },
  'slowlog|reset': (s) => {
    s.server.slowlog.reset();
    s.localReply().ok();
    s.endLocal(s.server.command('slowlog|reset').stats);
  },
};
