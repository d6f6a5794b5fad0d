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

  send(data: Buffer): void {
    if (this.pending !== null) this.pending.push(data);
    else this.write(data);
  }

  write(data: Buffer | string): void {
    const c = this.client;
    if (c.closing) return;
    c.server.stats.netOutput += data.length;
    c.socket.write(data);
  }
}
