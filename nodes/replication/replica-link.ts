/**
 * One replica attached to this node (master side): its connection, where its full sync stands,
 * and the offset it last acknowledged (REPLCONF ACK). Stream bytes produced while its snapshot is
 * still being sent wait in `pending` and follow the snapshot in order.
 */
import type { Client } from '../client.js';
import type { StreamSink } from './stream.js';

export type LinkState = 'wait_bgsave' | 'send_bulk' | 'online';

export class ReplicaLink implements StreamSink {
  state: LinkState = 'wait_bgsave';
  ackOffset = 0;
  ackTime = Date.now();
  listeningPort = 0;
  capaEof = false;
  capaPsync2 = false;
  /** Attached with SYNC: such replicas never ACK, so they are not timed out. */
  legacy = false;
  /** Diskless sync: the stream starts after the replica's first ACK (it has loaded the snapshot). */
  startOnAck = false;
  private pending: Buffer[] | null = null;
  /** Stream bytes of this event-loop turn, written by flushBatch. */
  private batch: Buffer[] = [];

  constructor(readonly client: Client) {}

  get ip(): string {
    return this.client.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '';
  }

  /** Holds stream bytes until the snapshot is delivered. */
  holdStream(): void {
    this.pending = [];
  }

  /** Sends what was held and goes online. */
  releaseStream(): void {
    const held = this.pending ?? [];
    this.pending = null;
    this.state = 'online';
    for (const b of held) this.write(b);
  }

  /**
   * Stream bytes: batched and written once per event-loop turn (after the poll phase), so the
   * writes of many clients served in one turn leave in one write(2) — a write per propagated
   * command cost more than the commands themselves (profile in docs/BENCHMARKS.md).
   */
  send(data: Buffer): void {
    if (this.pending !== null) {
      this.pending.push(data);
      return;
    }
    this.batch.push(data);
    if (this.batch.length === 1) setImmediate(this.flushBatch);
  }

  private readonly flushBatch = (): void => {
    if (this.batch.length === 0) return;
    const parts = this.batch;
    this.batch = [];
    this.writeNow(parts.length === 1 ? parts[0] : Buffer.concat(parts));
  };

  /** Direct bytes (handshake replies, GETACK, the snapshot's framing): after any batched stream. */
  write(data: Buffer | string): void {
    this.flushBatch();
    this.writeNow(data);
  }

  private writeNow(data: Buffer | string): void {
    const c = this.client;
    if (c.closing) return;
    c.server.stats.netOutput += data.length;
    c.socket.write(data);
  }
}
