/**
 * MGET, MSET, DEL, UNLINK, EXISTS, TOUCH over keys that live in several places: one sub-command per
 * target (per group for plain backends, per slot for cluster-mode nodes, which refuse multi-slot
 * commands), sent at once, and the replies merged in key order (research §5, lesson 5).
 */
import { Err } from '../lib/errors.js';
import { aggregateElements, flatElementBounds, integerReply } from '../lib/resp/reply-scanner.js';
import { keySlot } from '../lib/slot/index.js';
import { encodeCommand } from '../lib/resp/encode.js';
import type { ProxyCommand } from './commands/table.js';
import { Forward } from './forward.js';
import { Pending, type ReplySink } from './pending.js';
import type { Session } from './session.js';

interface Part {
  /** Group id, or slot when the backends are cluster-mode nodes. */
  target: number;
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
  // Parts by target (group, or slot for cluster-mode nodes): usually a handful, found by a linear
  // search (cheaper than a Map for few), with a Map once there are many (keys over many slots);
  // the master is looked up once per part, not once per key.
  const parts: Part[] = [];
  let index: Map<number, Part> | null = null;
  const bySlot = table.splitBy === 'slot';
  for (let i = 1; i < argv.length; i += step) {
    const slot = keySlot(argv[i]);
    const target = bySlot ? slot : table.slotGroup[slot];
    let part = index !== null ? index.get(target) : findPart(parts, target);
    if (part === undefined) {
      const addr = server.masterOf(slot);
      if (addr === null) return s.fail(cmd, Err.clusterDown);
      parts.push((part = { target, addr, slot, keys: [] }));
      if (index !== null) index.set(target, part);
      else if (parts.length === LINEAR_PARTS) index = new Map(parts.map((p) => [p.target, p]));
    }
    part.keys.push(i);
  }
  if (parts.length === 1) {
    // Every key in one place: forward the request as it came.
    const only = parts[0];
    const f = new Forward(s, s, cmd.stats, argv, raw, only.slot);
    s.enqueue(f);
    server.pool.shared(only.addr, s.resp, s.id).send(raw ?? encodeCommand(argv), f);
    return;
  }
  const merged = new Merged(s, cmd, argv, parts);
  s.enqueue(merged);
  merged.send();
}

/** Parts searched linearly up to this many; a Map from then on. */
const LINEAR_PARTS = 8;

function findPart(parts: Part[], target: number): Part | undefined {
  for (let p = 0; p < parts.length; p++) if (parts[p].target === target) return parts[p];
  return undefined;
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

  /** MGET: each part's values put back at their keys' positions, copied once into the reply. */
  private mergeArrays(): Buffer {
    const n = this.argv.length - 1;
    const starts = new Int32Array(n + 1);
    const ends = new Int32Array(n + 1);
    const frames: Buffer[] = new Array(n + 1);
    const header = `*${n}\r\n`;
    let total = header.length;
    for (let pi = 0; pi < this.parts.length; pi++) {
      const frame = this.forwards[pi].data!;
      const keys = this.parts[pi].keys;
      if (!flatElementBounds(frame, keys, starts, ends)) return this.mergeArraysSlow();
      for (const k of keys) {
        frames[k] = frame;
        total += ends[k] - starts[k];
      }
    }
    const out = Buffer.allocUnsafe(total);
    let pos = out.latin1Write(header, 0);
    for (let k = 1; k <= n; k++) pos = copyBytes(frames[k], starts[k], ends[k], out, pos);
    return out;
  }

  /** Any reply shape the flat scan does not handle (never MGET's in practice): framed element by element. */
  private mergeArraysSlow(): Buffer {
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

/** Copies src[s, e) to dst at pos; small ranges in JS (a Buffer.copy call costs a typed-array view). */
function copyBytes(src: Buffer, s: number, e: number, dst: Buffer, pos: number): number {
  if (e - s <= 128) {
    for (let i = s; i < e; i++) dst[pos++] = src[i];
    return pos;
  }
  return pos + src.copy(dst, pos, s, e);
}
