/**
 * A forwarded request that follows Redis Cluster redirections within bounds (DESIGN §5):
 * -MOVED: the table is stale; tell the server (it re-reads the store) and retry once at the named node;
 * -ASK: the key is mid-migration; send ASKING + the request once to the named node;
 * -TRYAGAIN: a multi-key request during a slot move; retry with backoff a few times.
 * Past a bound the client gets the backend's error as it is.
 */
import { errorText } from '../lib/resp/reply-scanner.js';
import { encodeCommand } from '../lib/resp/encode.js';
import type { BackendConn } from './backend.js';
import { DISCARD, Pending, type ReplySink } from './pending.js';
import type { CommandStats } from './stats.js';
import type { Session } from './session.js';

const MAX_REDIRECTS = 2;
const TRYAGAIN_DELAYS_MS = [5, 20, 50, 100, 200];
const ASKING = encodeCommand(['ASKING']);

export class Forward extends Pending {
  private redirects = 0;
  private tryAgains = 0;

  constructor(
    private readonly session: Session,
    sink: ReplySink,
    stats: CommandStats,
    argv: string[],
    private readonly raw: Buffer | null,
    private readonly slot: number,
    /** A private connection the request is bound to (blocking commands), else null: shared. */
    private readonly conn: BackendConn | null = null,
  ) {
    super(sink, stats, argv);
  }

  override onReply(frame: Buffer): void {
    // Only errors starting M, A or T can be redirections: one byte compare on the hot path.
    if (frame[0] === 45 && (frame[1] === 77 || frame[1] === 65 || frame[1] === 84) && this.redirect(frame)) return;
    this.complete(frame);
  }

  private bytes(): Buffer {
    return this.raw ?? encodeCommand(this.argv);
  }

  private redirect(frame: Buffer): boolean {
    const text = errorText(frame)!;
    const server = this.session.server;
    if (this.session.closed) return false;
    if (text.startsWith('TRYAGAIN')) {
      if (this.tryAgains >= TRYAGAIN_DELAYS_MS.length) return false;
      server.stats.tryAgain++;
      const delay = TRYAGAIN_DELAYS_MS[this.tryAgains++];
      setTimeout(() => this.retryRouted(), delay).unref();
      return true;
    }
    const m = /^(MOVED|ASK) (\d+) (\S+)$/.exec(text);
    if (!m || this.redirects >= MAX_REDIRECTS || this.conn !== null) return false;
    this.redirects++;
    const conn = server.pool.shared(m[3], this.session.resp, this.session.id);
    if (m[1] === 'MOVED') {
      server.stats.redirectsMoved++;
      server.tableStale(Number(m[2]), m[3]);
    } else {
      server.stats.redirectsAsk++;
      conn.send(ASKING, DISCARD);
    }
    conn.send(this.bytes(), this);
    return true;
  }

  /** After TRYAGAIN: route again by the current table (the move may have finished). */
  private retryRouted(): void {
    if (this.session.closed) return;
    const addr = this.slot >= 0 ? this.session.server.masterOf(this.slot) : this.session.server.anyMaster();
    if (addr === null) return this.onFail('CLUSTERDOWN Hash slot not served');
    this.session.server.pool.shared(addr, this.session.resp, this.session.id).send(this.bytes(), this);
  }
}
