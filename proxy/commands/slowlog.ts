/**
 * SLOWLOG at the proxy: requests whose proxy-measured latency (arrival to reply) reached
 * `slowlog-log-slower-than` µs, with Redis's entry layout and subcommands.
 */
import type { LocalHandler } from './table.js';

interface Entry {
  id: number;
  time: number;
  us: number;
  argv: string[];
  addr: string;
  name: string;
}

const MAX_ARGS = 32;
const MAX_ARG_LEN = 128;

export class ProxySlowlog {
  private entries: Entry[] = [];
  private nextId = 0;
  constructor(public maxLen: number) {}

  add(argv: string[], us: number, s: { addr: string; name: string }): void {
    const args = argv.slice(0, argv.length > MAX_ARGS ? MAX_ARGS - 1 : MAX_ARGS).map((a) =>
      a.length > MAX_ARG_LEN ? `${a.slice(0, MAX_ARG_LEN)}... (${a.length - MAX_ARG_LEN} more bytes)` : a,
    );
    if (argv.length > MAX_ARGS) args.push(`... (${argv.length - MAX_ARGS + 1} more arguments)`);
    this.entries.unshift({ id: this.nextId++, time: Math.floor(Date.now() / 1000), us, argv: args, addr: s.addr, name: s.name });
    if (this.entries.length > this.maxLen) this.entries.length = this.maxLen;
  }

  get length(): number {
    return this.entries.length;
  }

  get(n: number): Entry[] {
    return this.entries.slice(0, n);
  }

  reset(): void {
    this.entries = [];
  }
}

const get: LocalHandler = (s, argv) => {
  const cmd = s.server.command('slowlog|get');
  let n = 10;
  if (argv.length === 3) {
    if (!/^-?\d+$/.test(argv[2])) return s.fail(cmd, 'ERR value is not an integer or out of range');
    n = Number(argv[2]);
    if (n < -1) return s.fail(cmd, 'ERR count should be greater than or equal to -1');
    if (n === -1) n = Infinity;
  }
  const w = s.localReply();
  const entries = s.server.slowlog.get(n);
  w.array(entries.length);
  for (const e of entries) {
    w.array(6);
    w.int(e.id);
    w.int(e.time);
    w.int(e.us);
    w.bulks(e.argv);
    w.bulk(e.addr);
    w.bulk(e.name);
  }
  s.endLocal(cmd.stats);
};

export const slowlogHandlers: Record<string, LocalHandler> = {
  'slowlog|get': get,
  'slowlog|len': (s) => {
    s.localReply().int(s.server.slowlog.length);
    s.endLocal(s.server.command('slowlog|len').stats);
  },
  'slowlog|reset': (s) => {
    s.server.slowlog.reset();
    s.localReply().ok();
    s.endLocal(s.server.command('slowlog|reset').stats);
  },
};
