/**
 * One client connection to the proxy. Requests are framed (keeping their original bytes), looked up
 * in the command table and routed; replies, forwarded or local, go back strictly in request order
 * through a FIFO of Pending slots and leave in one write per event-loop turn.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { arityOk } from '../lib/commands/table.js';
import { Err } from '../lib/errors.js';
import { ProtocolError, RequestParser } from '../lib/resp/parser.js';
import { isSharedReadView } from '../lib/net/shared-read.js';
import { ReplyWriter } from '../lib/resp/writer.js';
import { scheduleFlush, type Flushable } from './flusher.js';
import { Pending, type ReplySink } from './pending.js';
import type { BackendConn } from './backend.js';
import type { ProxyCommand } from './commands/table.js';
import type { ProxyServer } from './server.js';
import { route } from './router.js';
import type { TxState } from './transaction.js';
import { queueInMulti, TX_CONTROL } from './transaction.js';
import type { PubSubState } from './pubsub.js';
import { SUBSCRIBED_OK } from './pubsub.js';

/** Reading pauses while this many replies are outstanding (bounded memory per session). */
const MAX_INFLIGHT = 10000;
/** Reading pauses while this many reply bytes wait for a slow client. */
const OUTPUT_HIGH_WATER = 8 * 1024 * 1024;

export class Session implements ReplySink, Flushable {
  flushQueued = false;
  readonly out = new ReplyWriter();
  readonly parser: RequestParser;
  readonly addr: string;
  readonly laddr: string;
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  name = '';
  authenticated: boolean;
  lastCmd = 'NULL';
  closed = false;
  /** MULTI in progress (queued locally, sent whole at EXEC). */
  multi: TxState | null = null;
  /** Private connection holding this session's WATCHes, pinned to one server. */
  watch: { conn: BackendConn; slot: number } | null = null;
  pubsub: PubSubState | null = null;
  /** Private connections for blocking commands, by server. */
  readonly blockingConns = new Map<string, BackendConn>();
  /** A blocking command in flight: later commands wait for it, as on one Redis. */
  private held: Pending | null = null;
  private backlog: [string[], Buffer | null][] = [];
  private head: Pending | null = null;
  private tail: Pending | null = null;
  private inflight = 0;
  private paused = false;
  private closeAfterFlush = false;

  constructor(readonly server: ProxyServer, readonly sock: Socket, readonly id: number) {
    this.addr = `${sock.remoteAddress}:${sock.remotePort}`;
    this.laddr = `${sock.localAddress}:${sock.localPort}`;
    this.authenticated = server.opts.requirepass === '';
    this.parser = new RequestParser((argv, raw) => this.onCommand(argv, raw), server.parserLimits, true);
    // Reads arrive through onData, wired by the server (the shared read buffer, lib/net/shared-read.ts).
    sock.on('drain', () => this.maybeResume());
    sock.on('error', () => this.close());
    sock.on('close', () => this.close());
  }

  get resp(): 2 | 3 {
    return this.out.resp;
  }

  /** A read from the socket; `chunk` may be a view of the shared read buffer, valid only during the call. */
  onData(chunk: Buffer): void {
    this.lastInteraction = Date.now();
    this.server.stats.bytesIn += chunk.length;
    try {
      this.parser.feed(chunk);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      this.localReply().error(`ERR ${e.message}`);
      this.endLocal(this.server.protocolStats);
      this.closeAfterFlush = true;
      this.sock.pause();
    }
  }

  onCommand(argv: string[], raw: Buffer | null): void {
    if (this.closed) return;
    // The request's bytes outlive this read (queued for a backend, kept for a MOVED retry): a
    // view of the shared read buffer would be overwritten by the next read.
    if (raw !== null && isSharedReadView(raw)) raw = Buffer.from(raw);
    if (this.held !== null || this.paused) {
      this.backlog.push([argv, raw]);
      return;
    }
    this.execute(argv, raw);
  }

  /**
   * A bug in one command's handling must not take the proxy down for everyone: the session gets
   * an error and is closed (its reply order can no longer be trusted), the others go on.
   */
  private execute(argv: string[], raw: Buffer | null): void {
    try {
      this.dispatch(argv, raw);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      this.server.log.warning(`Internal error in '${argv[0]}' for session ${this.addr}: ${err.stack ?? err.message}`);
      this.localReply().error(`ERR slotgate proxy internal error in '${argv[0]}': ${err.message}`);
      this.endLocal(this.server.unknownStats);
      this.closeAfterFlush = true;
      this.sock.pause();
    }
  }

  private dispatch(argv: string[], raw: Buffer | null): void {
    const cmd = this.resolve(argv);
    if (cmd === null) return;
    this.lastCmd = cmd.spec.name;
    if (!this.authenticated && !cmd.spec.flagSet.has('no_auth')) return this.fail(cmd, Err.noAuth);
    if (this.pubsub !== null && this.resp === 2 && this.pubsub.count > 0 && !SUBSCRIBED_OK.has(cmd.spec.parent?.name ?? cmd.spec.name)) {
      return this.fail(cmd, `ERR Can't execute '${cmd.spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`);
    }
    if (this.multi !== null && !TX_CONTROL.has(cmd.spec.name)) return queueInMulti(this, cmd, argv);
    route(this, cmd, argv, raw);
  }

  /** Finds the command (and subcommand), or replies Redis's error for why not. */
  private resolve(argv: string[]): ProxyCommand | null {
    const commands = this.server.commands;
    let cmd = commands.get(argv[0]) ?? commands.get(argv[0].toLowerCase());
    if (!cmd) {
      this.localReply().error(Err.unknownCommand(argv[0], argv.slice(1)));
      this.endLocal(this.server.unknownStats);
      if (this.multi) this.multi.aborted = true;
      return null;
    }
    if (cmd.subs && (argv.length >= 2 || !cmd.handler)) {
      if (argv.length < 2) return this.reject(cmd, Err.arity(cmd.spec.name));
      const sub = cmd.subs.get(argv[1].toLowerCase());
      if (!sub) return this.reject(cmd, Err.unknownSubcommand(argv[1], cmd.spec.name));
      cmd = sub;
    }
    if (!arityOk(cmd.spec, argv.length)) return this.reject(cmd, Err.arity(cmd.spec.name));
    return cmd;
  }

  private reject(cmd: ProxyCommand, msg: string): null {
    this.fail(cmd, msg);
    if (this.multi) this.multi.aborted = true;
    return null;
  }

  // ── replies ───────────────────────────────────────────────────────────────────────────────

  /** Takes a reply slot in request order. */
  enqueue(p: Pending): Pending {
    if (this.tail === null) this.head = this.tail = p;
    else this.tail = this.tail.next = p;
    if (++this.inflight >= MAX_INFLIGHT) this.pause();
    return p;
  }

  /** The writer for a local reply: the output itself when nothing is outstanding, else a scratch. */
  localReply(): ReplyWriter {
    const w = this.head === null ? this.out : this.scratch;
    w.resp = this.out.resp;
    this.errorMark = w.errors;
    return w;
  }

  private readonly scratch = new ReplyWriter();
  private errorMark = 0;

  /** Ends a local reply written to localReply(). */
  endLocal(stats: ProxyCommand['stats']): void {
    if (this.head === null) {
      stats.calls++;
      if (this.out.errors !== this.errorMark) stats.errors++;
      scheduleFlush(this);
      return;
    }
    const data = this.scratch.take();
    const p = this.enqueue(new Pending(this, stats, []));
    p.complete(data === null ? Buffer.alloc(0) : Buffer.from(data));
  }

  /** Replies an error for a command (counted against it). */
  fail(cmd: ProxyCommand, msg: string): void {
    this.localReply().error(msg);
    this.endLocal(cmd.stats);
  }

  completed(p: Pending): void {
    if (p !== this.head || this.closed) return;
    const threshold = this.server.slowlogThresholdUs;
    const now = performance.now();
    let q: Pending | null = p;
    while (q !== null && q.data !== null) {
      this.out.rawBuf(q.data);
      const st = q.stats;
      st.calls++;
      if (q.data[0] === 45) st.errors++;
      const us = (now - q.t0) * 1000;
      st.observe(us / 1e6);
      if (threshold >= 0 && us >= threshold && q.argv.length > 0) this.server.slowlog.add(q.argv, Math.round(us), this.addr, this.name, this.server.opts.slowlogMaxLen);
      if (q === this.held) this.held = null;
      this.inflight--;
      q = q.next;
    }
    this.head = q;
    if (q === null) this.tail = null;
    scheduleFlush(this);
    if (this.held === null && (this.backlog.length > 0 || this.paused)) this.maybeResume();
  }

  /** Later commands wait until `p` (a blocking command) is answered. */
  hold(p: Pending): void {
    this.held = p;
  }

  flush(): void {
    if (this.closed) return;
    const data = this.out.take();
    if (data !== null) {
      this.server.stats.bytesOut += data.length;
      if (!this.sock.write(data) && this.sock.writableLength > OUTPUT_HIGH_WATER) this.pause();
    }
    // Closed once our end is out, not when the peer closes: a paused socket (after a protocol
    // error) reads nothing, so the peer's close would never be seen.
    if (this.closeAfterFlush && this.head === null) this.sock.end(() => this.sock.destroy());
  }

  // ── flow control ──────────────────────────────────────────────────────────────────────────

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.sock.pause();
  }

  private maybeResume(): void {
    if (this.closed || this.closeAfterFlush) return;
    if (this.inflight >= MAX_INFLIGHT / 2 || this.sock.writableLength > OUTPUT_HIGH_WATER) return;
    // Commands read before the pause run first, in order, until one holds the session again.
    while (this.backlog.length > 0 && this.held === null) {
      const [argv, raw] = this.backlog.shift()!;
      this.execute(argv, raw);
      if (this.inflight >= MAX_INFLIGHT) return;
    }
    if (this.held === null && this.paused) {
      this.paused = false;
      this.sock.resume();
    }
  }

  /** Replies still outstanding. */
  get busy(): boolean {
    return this.head !== null;
  }

  /** QUIT: reply, then close once everything before it is out. */
  closeAfterReply(): void {
    this.closeAfterFlush = true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sock.destroy();
    // Replies still due from shared connections arrive and are dropped (completed() checks closed).
    for (const c of this.blockingConns.values()) c.close();
    this.blockingConns.clear();
    this.watch?.conn.close();
    this.watch = null;
    this.pubsub?.close();
    this.server.removeSession(this);
  }
}
