/**
 * sync-replicas k: a client's reply to a write leaves only once k replicas acknowledged the
 * write's offset. Replies are kept per client in order as segments (a write's reply needs its
 * offset acknowledged; anything else just waits its turn), so a pipelining client keeps running
 * commands — many writes share one round trip to the replicas — while its replies stay in order
 * and other clients are not held at all. A write not acknowledged within sync-replicas-timeout
 * gets a NOREPLICAS error in place of its reply (it was applied here and still replicates).
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import type { NodeServer } from '../server.js';
import type { MasterSide } from './master-side.js';
import type { ReplStream } from './stream.js';

interface Segment {
  buf: Buffer;
  /** Offset the replicas must have acknowledged; 0 when it waits for nothing but its turn. */
  offset: number;
  deadline: number;
}

interface Hold {
  segs: Segment[];
  timer?: NodeJS.Timeout;
}

export class SyncHolds {
  private readonly holds = new Map<Client, Hold>();
  private pumpQueued = false;

  constructor(
    private readonly server: NodeServer,
    private readonly stream: ReplStream,
    private readonly master: MasterSide,
  ) {
    server.on('clientClosed', (c: Client) => this.drop(c));
  }

  has(c: Client): boolean {
    return this.holds.has(c);
  }

  private get k(): number {
    return this.server.config.get<number>('sync-replicas');
  }

  /** Runs one top-level command of `c` (via `run`) and holds its reply when it must wait. */
  run(c: Client, run: () => void): void {
    let h = this.holds.get(c);
    if (h) this.capture(c, h, 0); // output written outside commands (errors …) keeps its place
    const mark = c.out.length;
    const before = this.stream.offset;
    run();
    const offset = this.stream.offset !== before ? this.stream.offset : 0;
    if (h) {
      this.capture(c, h, offset);
    } else {
      if (offset === 0 || this.master.ackedCount(offset) >= this.k) return;
      h = this.start(c, mark, offset);
    }
    this.pump(c, h);
  }

  /** The first held write: earlier replies go out now; its reply (from `mark`) waits. */
  private start(c: Client, mark: number, offset: number): Hold {
    const h: Hold = { segs: [] };
    const taken = c.out.take();
    const all = taken ? Buffer.from(taken) : Buffer.alloc(0);
    if (mark > 0) this.write(c, all.subarray(0, mark));
    this.push(h, all.subarray(mark), offset);
    this.holds.set(c, h);
    c.replyHold = (bytes) => {
      this.push(h, Buffer.from(bytes), 0);
      this.pump(c, h);
    };
    return h;
  }

  private capture(c: Client, h: Hold, offset: number): void {
    const taken = c.out.take();
    if (taken || offset > 0) this.push(h, taken ? Buffer.from(taken) : Buffer.alloc(0), offset);
  }

  private push(h: Hold, buf: Buffer, offset: number): void {
    const deadline = Date.now() + this.server.config.get<number>('sync-replicas-timeout');
    h.segs.push({ buf, offset, deadline });
  }

  /** After replicas acknowledged more: every hold releases what it can (once per turn). */
  pumpAll(): void {
    if (this.pumpQueued || this.holds.size === 0) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      for (const [c, h] of [...this.holds]) this.pump(c, h);
    });
  }

  /** Sends the segments that may go, in order; arms a timer for the first that may not. */
  private pump(c: Client, h: Hold): void {
    const k = this.k;
    const now = Date.now();
    while (h.segs.length > 0) {
      const s = h.segs[0];
      if (s.offset > 0 && k > 0 && this.master.ackedCount(s.offset) < k) {
        if (now < s.deadline) break;
        if (s.buf.length > 0) this.write(c, `-${Err.syncReplicasTimeout(this.master.ackedCount(s.offset), k)}\r\n`);
      } else {
        this.write(c, s.buf);
      }
      h.segs.shift();
    }
    if (h.timer) clearTimeout(h.timer);
    h.timer = undefined;
    if (h.segs.length === 0) return this.drop(c);
    h.timer = setTimeout(() => this.pump(c, h), Math.max(1, h.segs[0].deadline - now));
  }

  private write(c: Client, data: Buffer | string): void {
    if (c.closing || data.length === 0) return;
    this.server.stats.netOutput += data.length;
    c.socket.write(data);
  }

  private drop(c: Client): void {
    const h = this.holds.get(c);
    if (!h) return;
    if (h.timer) clearTimeout(h.timer);
    this.holds.delete(c);
    c.replyHold = null;
  }
}
