/**
 * One connection to a backend server. Requests are written as raw RESP, queued per turn and sent in
 * one write; replies are framed (never decoded) and handed to the waiting targets in FIFO order.
 * The connection sends AUTH / HELLO 3 first when configured. When it fails every waiting request
 * gets an error at once, and the pool replaces it after a backoff.
 */
import net from 'node:net';
import { encodeCommand } from '../lib/resp/encode.js';
import { ReplyScanner, errorText } from '../lib/resp/reply-scanner.js';
import { scheduleFlush, type Flushable } from './flusher.js';

export interface ReplyTarget {
  /** A complete reply frame: a view of the read buffer, valid as long as it is referenced. */
  onReply(frame: Buffer): void;
  /** No reply will come (the connection failed); `message` is a full error text. */
  onFail(message: string): void;
}

export interface BackendOptions {
  resp: 2 | 3;
  password?: string;
  username?: string;
  connectTimeoutMs: number;
  /** Requests outstanding beyond which `overloaded` says new ones should fail fast. */
  maxInflight: number;
  /** Pub/Sub connections: every frame goes here instead of to a waiting request. */
  onPush?: (frame: Buffer) => void;
  /** Replica connections: READONLY first (cluster-mode replicas serve reads only after it). */
  readonly?: boolean;
  onClose?: (conn: BackendConn) => void;
}

/** Internal requests (AUTH, HELLO) whose errors make the connection unusable. */
class HandshakeStep implements ReplyTarget {
  constructor(private readonly conn: BackendConn, private readonly what: string, private readonly optional = false) {}
  onReply(frame: Buffer): void {
    const err = errorText(frame);
    if (err !== null && !this.optional) this.conn.fail(`${this.what} refused: ${err}`);
  }
  onFail(): void {}
}

export class BackendConn implements Flushable {
  flushQueued = false;
  private readonly sock: net.Socket;
  private readonly scanner: ReplyScanner;
  private waiting: ReplyTarget[] = [];
  private head = 0;
  private out: Buffer[] = [];
  connected = false;
  dead = false;
  /** Why it died (for the error given to requests that needed it). */
  reason = '';
  private connectTimer: NodeJS.Timeout | null;

  constructor(readonly addr: string, private readonly opts: BackendOptions) {
    const [host, port] = splitAddr(addr);
    this.scanner = new ReplyScanner((f) => this.onFrame(f));
    this.sock = net.connect({ host, port, noDelay: true });
    this.connectTimer = setTimeout(() => this.fail(`connect timeout after ${opts.connectTimeoutMs} ms`), opts.connectTimeoutMs);
    this.connectTimer.unref();
    this.sock.on('connect', () => {
      this.connected = true;
      if (this.connectTimer) clearTimeout(this.connectTimer);
      this.connectTimer = null;
    });
    this.sock.on('data', (chunk) => this.onData(chunk));
    this.sock.on('error', (e) => this.fail(e.message));
    this.sock.on('close', () => this.fail('connection closed'));
    if (opts.password !== undefined && opts.password !== '') {
      const args = opts.username ? ['AUTH', opts.username, opts.password] : ['AUTH', opts.password];
      this.send(encodeCommand(args), new HandshakeStep(this, 'AUTH'));
    }
    if (opts.resp === 3) this.send(encodeCommand(['HELLO', '3']), new HandshakeStep(this, 'HELLO 3'));
    // A plain (non-cluster) replica refuses READONLY but serves reads anyway: not fatal.
    if (opts.readonly) this.send(encodeCommand(['READONLY']), new HandshakeStep(this, 'READONLY', true));
  }

  /** When the oldest unanswered request was sent (or a reply last arrived), for stall detection. */
  progressAt = 0;

  /** Requests written and not yet answered. */
  get inflight(): number {
    return this.waiting.length - this.head;
  }

  /** Bounded in-flight per backend connection: callers fail new requests fast instead of queueing. */
  get overloaded(): boolean {
    return this.waiting.length - this.head >= this.opts.maxInflight;
  }

  overloadError(): string {
    return `ERR slotgate: backend ${this.addr} overloaded (${this.inflight} requests outstanding)`;
  }

  /** Queues a request; a dead connection fails it at once. */
  send(raw: Buffer, target: ReplyTarget | null): void {
    if (this.dead) {
      target?.onFail(this.errorMessage());
      return;
    }
    if (target) {
      if (this.waiting.length === this.head) this.progressAt = Date.now();
      this.waiting.push(target);
    }
    this.out.push(raw);
    if (this.out.length === 1) scheduleFlush(this);
  }

  flush(): void {
    if (this.dead || this.out.length === 0) return;
    const data = this.out.length === 1 ? this.out[0] : Buffer.concat(this.out);
    this.out = [];
    this.sock.write(data);
  }

  /** Bytes the socket could not send yet (backpressure signal). */
  get writeBacklog(): number {
    return this.sock.writableLength;
  }

  errorMessage(): string {
    return `ERR slotgate: backend ${this.addr} unavailable (${this.reason})`;
  }

  /** Ends the connection; waiting requests fail. */
  close(): void {
    this.fail('closed by proxy');
  }

  fail(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    this.reason = reason;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.sock.destroy();
    this.out = [];
    const waiting = this.waiting;
    const from = this.head;
    this.waiting = [];
    this.head = 0;
    const msg = this.errorMessage();
    for (let i = from; i < waiting.length; i++) waiting[i].onFail(msg);
    this.opts.onClose?.(this);
  }

  private onData(chunk: Buffer): void {
    // Progress is stamped per read, not per reply frame: one clock read for a whole batch.
    this.progressAt = Date.now();
    try {
      this.scanner.feed(chunk);
    } catch (e) {
      this.fail(`protocol error: ${(e as Error).message}`);
    }
  }

  private onFrame(frame: Buffer): void {
    if (this.opts.onPush && this.head === this.waiting.length) {
      this.opts.onPush(frame);
      return;
    }
    if (this.head === this.waiting.length) {
      // A reply nobody asked for: the stream is out of step, so nothing after it can be trusted.
      this.fail('unexpected reply');
      return;
    }
    const target = this.waiting[this.head];
    this.waiting[this.head++] = undefined as unknown as ReplyTarget;
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    target.onReply(frame);
  }
}

export function splitAddr(addr: string): [string, number] {
  const i = addr.lastIndexOf(':');
  return [addr.slice(0, i).replace(/^\[|\]$/g, ''), Number(addr.slice(i + 1))];
}

