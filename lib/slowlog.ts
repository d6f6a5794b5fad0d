/**
 * SLOWLOG: commands slower than slowlog-log-slower-than microseconds, newest first, at most
 * slowlog-max-len entries, arguments trimmed as Redis trims them (32 args, 128 bytes each).
 * Shared by the node (execution time) and the proxy (arrival-to-reply time).
 */
import type { ReplyWriter } from './resp/writer.js';
export interface SlowlogEntry {
  id: number;
  time: number;
  durationUs: number;
  argv: string[];
  addr: string;
  name: string;
}

const MAX_ARGC = 32;
const MAX_ARGLEN = 128;

export class Slowlog {
  entries: SlowlogEntry[] = [];
  private nextId = 0;

  add(argv: readonly string[], durationUs: number, addr: string, name: string, maxLen: number): void {
    const args = argv.slice(0, argv.length > MAX_ARGC ? MAX_ARGC - 1 : MAX_ARGC).map((a) =>
      a.length > MAX_ARGLEN ? `${a.slice(0, MAX_ARGLEN)}... (${a.length - MAX_ARGLEN} more bytes)` : a,
    );
    if (argv.length > MAX_ARGC) args.push(`... (${argv.length - MAX_ARGC + 1} more arguments)`);
    this.entries.unshift({ id: this.nextId++, time: Math.floor(Date.now() / 1000), durationUs, argv: args, addr, name });
    if (this.entries.length > maxLen) this.entries.length = maxLen;
  }

  reset(): void {
    this.entries = [];
  }
}

/** SLOWLOG GET's reply: one 6-element array per entry, as Redis. */
export function writeSlowlogEntries(w: ReplyWriter, entries: readonly SlowlogEntry[]): void {
  w.array(entries.length);
  for (const e of entries) {
    w.array(6);
    w.int(e.id);
    w.int(e.time);
    w.int(e.durationUs);
    w.bulks(e.argv);
    w.bulk(e.addr);
    w.bulk(e.name);
  }
}
