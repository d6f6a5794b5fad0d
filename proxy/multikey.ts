/**
 * MGET, MSET, DEL, UNLINK, EXISTS, TOUCH over keys that live in several places: one sub-command per
 * target (per group for plain backends, per slot for cluster-mode nodes, which refuse multi-slot
 * commands), sent at once, and the replies merged in key order (research §5, lesson 5).
 */
import { Err } from '../lib/errors.js';
import { aggregateElements, integerReply } from '../lib/resp/reply-scanner.js';
import { keySlot } from '../lib/slot/index.js';
import { encodeCommand } from './backend.js';
import type { ProxyCommand } from './commands/table.js';
import { Forward } from './forward.js';
import { Pending, type ReplySink } from './pending.js';
import type { Session } from './session.js';

interface Part {
  addr: string;
  slot: number;
  /** Positions in argv of this part's keys. */
  keys: number[];
}

export function splitCommand(s: Session, cmd: ProxyCommand, argv: string[], raw: Buffer | null): void {
  const name = cmd.spec.name;
  const step = name === 'mset' ? 2 : 1;
  if (step === 2 && (argv.length - 1) % 2 !== 0) return s.fail(cmd, Err.arity(name));
  const server = s.server;
  const table = server.table;
  if (table === null) return s.fail(cmd, Err.clusterDown);
  const parts = new Map<number, Part>();
  for (let i = 1; i < argv.length; i += step) {
    const slot = keySlot(argv[i]);
    const addr = server.masterOf(slot);
    if (addr === null) return s.fail(cmd, Err.clusterDown);
    const target = table.splitBy === 'slot' ? slot : table.slotGroup[slot];
    let part = parts.get(target);
    if (!part) parts.set(target, (part = { addr, slot, keys: [] }));
    part.keys.push(i);
  }
  if (parts.size === 1) {
    // Every key in one place: forward the request as it came.
    const only = parts.values().next().value!;
    const f = new Forward(s, s, cmd.stats, argv, raw, only.slot);
    s.enqueue(f);
    server.pool.shared(only.addr, s.resp, s.id).send(raw ?? encodeCommand(argv), f);
    return;
  }
  const merged = new Merged(s, cmd, argv, [...parts.values()]);
  s.enqueue(merged);
  merged.send();
}

/** The client's reply slot for a split command; completes when every part has answered. */
class Merged extends Pending implements ReplySink {
  private readonly forwards: Forward[] = [];
  private left: number;

  constructor(private readonly s: Session, private readonly cmd: ProxyCommand, argv: string[], private readonly parts: Part[]) {
    super(s, cmd.stats, argv);
    this.left = parts.length;
  }

  send(): void {
    const step = this.cmd.spec.name === 'mset' ? 2 : 1;
    for (const part of this.parts) {
      const sub = [this.argv[0]];
      for (const k of part.keys) for (let j = 0; j < step; j++) sub.push(this.argv[k + j]);
      const f = new Forward(this.s, this, this.cmd.stats, sub, null, part.slot);
      this.forwards.push(f);
      this.s.server.pool.shared(part.addr, this.s.resp, this.s.id).send(encodeCommand(sub), f);
    }
  }

  completed(): void {
    if (--this.left > 0) return;
    const failed = this.forwards.find((f) => f.data![0] === 45 || f.data![0] === 33);
    if (failed) return this.complete(failed.data!);
    this.complete(this.merge());
  }

  private merge(): Buffer {
    switch (this.cmd.spec.name) {
      case 'mget':
        return this.mergeArrays();
      case 'mset':
        return Buffer.from('+OK\r\n');
      default: {
        let sum = 0;
        for (const f of this.forwards) sum += integerReply(f.data!);
        return Buffer.from(`:${sum}\r\n`);
      }
    }
  }

  /** MGET: each part's values put back at their keys' positions. */
  private mergeArrays(): Buffer {
    const n = this.argv.length - 1;
    const out: Buffer[] = new Array(n + 1);
    out[0] = Buffer.from(`*${n}\r\n`);
    this.parts.forEach((part, pi) => {
      const values = aggregateElements(this.forwards[pi].data!);
      part.keys.forEach((k, j) => (out[k] = values[j]));
    });
    return Buffer.concat(out);
  }
}
