/**
 * The replica side: connects to the master, performs the handshake (handshake.ts), loads the
 * snapshot of a full resync or continues from the backlog, then applies the command stream through the normal
 * dispatch as the master client. Applied bytes are relayed unchanged to this node's own replicas.
 * Acknowledges its offset every second and right after applying data (once per event-loop turn),
 * which is what WAIT and sync-replicas wait for. A lost link is retried until REPLICAOF NO ONE.
 */
import net from 'node:net';
import { RequestParser } from '../../lib/resp/parser.js';
import type { Client } from '../client.js';
import { execute } from '../dispatch.js';
import type { NodeServer } from '../server.js';
import { encodeCommand } from '../../lib/resp/encode.js';
import { handshake } from './handshake.js';
import { LinkReader } from './link-reader.js';
import type { MasterSide } from './master-side.js';
import { loadSnapshot } from './snapshot-io.js';
import type { ReplStream } from './stream.js';

export type LinkStatus = 'connect' | 'connecting' | 'handshake' | 'sync' | 'connected';

const RETRY_MS = 250;

export class ReplicaSide {
  status: LinkStatus = 'connect';
  masterClient: Client | null = null;
  lastIo = Date.now();
  /** When the link last went down; 0 while it never was up (INFO prints -1). */
  downSince = 0;
  /** Bytes of stream read from the master (INFO slave_read_repl_offset). */
  readOffset = 0;
  private socket: net.Socket | null = null;
  private parser: RequestParser | null = null;
  private retry?: NodeJS.Timeout;
  private readonly ackTimer: NodeJS.Timeout;
  private ackQueued = false;
  private stopped = false;
  /** Stream bytes received while a busy script runs. */
  private held: Buffer[] = [];

  constructor(
    private readonly server: NodeServer,
    private readonly stream: ReplStream,
    private readonly master: MasterSide,
    readonly host: string,
    readonly port: number,
  ) {
    this.ackTimer = setInterval(() => this.sendAck(), 1000);
    this.ackTimer.unref();
    this.connect();
  }

  get linkUp(): boolean {
    return this.status === 'connected';
  }

  private connect(): void {
    if (this.stopped) return;
    this.status = 'connecting';
    const sock = net.connect({ host: this.host, port: this.port });
    this.socket = sock;
    sock.setNoDelay(true);
    const reader = new LinkReader();
    const onData = (b: Buffer) => {
      this.lastIo = Date.now();
      reader.push(b);
    };
    sock.on('data', onData);
    sock.on('error', () => sock.destroy());
    sock.on('close', () => {
      reader.close();
      this.linkLost(sock);
    });
    sock.once('connect', () => {
      this.sync(sock, reader, onData).catch((e: Error) => {
        this.server.log.warning(`MASTER <-> REPLICA sync with ${this.host}:${this.port} failed: ${e.message}`);
        sock.destroy();
      });
    });
  }

  private async sync(sock: net.Socket, reader: LinkReader, onData: (b: Buffer) => void): Promise<void> {
    this.status = 'handshake';
    const cfg = this.server.config;
    const pass = cfg.get<string>('masterauth');
    const s = this.stream;
    const r = await handshake(sock, reader, {
      listeningPort: this.server.port,
      auth: pass === '' ? null : { user: cfg.get<string>('masteruser'), pass },
      replid: s.replid,
      offset: s.offset,
      onFullSync: () => (this.status = 'sync'),
    });
    if (r.full) {
      loadSnapshot(this.server, r.data);
      s.resetTo(r.replid, r.offset);
      if (r.db >= 0 && r.db < this.server.dbs.length) s.applyDb = r.db;
      // Our replicas had another history: they must resync from us.
      this.master.disconnectAll();
      this.server.log.notice('MASTER <-> REPLICA sync: Finished with success');
    } else {
      this.continueWith(r.replid);
    }
    this.startStream(sock, reader, onData);
  }

  /** +CONTINUE [new replid]: a promoted master has a new id; ours becomes replid2. */
  private continueWith(replid: string | undefined): void {
    const s = this.stream;
    s.ensureBacklog();
    if (replid && replid !== s.replid) {
      s.replid2 = s.replid;
      s.secondOffset = s.offset + 1;
      s.replid = replid;
      this.master.disconnectAll();
    }
    this.server.log.notice('MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.');
  }

  /** From here on the socket carries the command stream, run as the master client. */
  private startStream(sock: net.Socket, reader: LinkReader, onData: (b: Buffer) => void): void {
    sock.removeListener('data', onData);
    const c = this.server.adoptClient(sock);
    // The Client listens for requests; the master link parses with offset accounting instead.
    sock.removeAllListeners('data');
    c.authenticated = true;
    c.isMasterLink = true;
    c.db = this.server.dbs[this.stream.applyDb] ?? c.db;
    this.masterClient = c;
    this.parser = new RequestParser((argv) => this.apply(c, argv), this.server.parserLimits());
    sock.on('data', (b: Buffer) => this.onStream(b));
    this.status = 'connected';
    this.readOffset = this.stream.offset;
    this.sendAck();
    const rest = reader.rest();
    if (rest.length > 0) this.onStream(rest);
  }

  private onStream(b: Buffer): void {
    this.lastIo = Date.now();
    this.readOffset += b.length;
    this.server.stats.netInput += b.length;
    if (this.server.busyScript !== null || this.held.length > 0) return this.holdWhileBusy(b);
    this.applyChunk(b);
  }

  /**
   * A script past its time limit runs in slices and admits only allow_busy commands: the
   * master's stream waits (unread, so TCP pushes back) until the script ends, as in Redis.
   */
  private holdWhileBusy(b: Buffer): void {
    this.held.push(b);
    if (this.held.length > 1) return;
    const sock = this.socket;
    sock?.pause();
    const retry = () => {
      if (this.socket !== sock || this.parser === null) return void (this.held = []);
      if (this.server.busyScript !== null) return void setTimeout(retry, 5);
      const chunks = this.held;
      this.held = [];
      for (const chunk of chunks) this.applyChunk(chunk);
      sock?.resume();
    };
    setTimeout(retry, 5);
  }

  private applyChunk(b: Buffer): void {
    try {
      this.parser?.feed(b);
    } catch (e) {
      this.server.log.warning(`Protocol error from master: ${(e as Error).message}`);
      this.socket?.destroy();
      return;
    }
    if (!this.ackQueued) {
      this.ackQueued = true;
      setImmediate(() => {
        this.ackQueued = false;
        this.sendAck();
      });
    }
  }

  private apply(c: Client, argv: string[]): void {
    this.server.applyingMasterStream = true;
    try {
      execute(c, argv);
    } finally {
      this.server.applyingMasterStream = false;
    }
    // The master only sends commands that took effect there; never let one wait here.
    if (c.blocked) {
      c.blocked.cancel();
      c.blocked = null;
    }
    c.out.discard();
    this.stream.applyDb = c.db.id;
    this.stream.feedRaw(encodeCommand(argv));
  }

  /** Drops a link the master has been silent on for longer than repl-timeout (it is retried). */
  checkTimeout(now: number, timeoutMs: number): void {
    if (this.socket && this.status !== 'connect' && now - this.lastIo > timeoutMs) {
      this.server.log.warning('MASTER timeout: no data nor PING received...');
      this.socket.destroy();
    }
  }

  /** REPLCONF ACK <offset> (also the answer to the master's REPLCONF GETACK). */
  sendAck(): void {
    if (this.status !== 'connected' || !this.socket || this.socket.destroyed) return;
    this.socket.write(encodeCommand(['REPLCONF', 'ACK', String(this.stream.offset)]));
  }

  private linkLost(sock: net.Socket): void {
    if (this.socket !== sock) return;
    this.socket = null;
    this.masterClient?.close();
    this.masterClient = null;
    this.parser = null;
    if (this.status === 'connected') this.downSince = Date.now();
    this.status = 'connect';
    if (!this.stopped) this.retry = setTimeout(() => this.connect(), RETRY_MS);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.ackTimer);
    if (this.retry) clearTimeout(this.retry);
    this.socket?.destroy();
    this.masterClient?.close();
    this.masterClient = null;
    this.socket = null;
    this.status = 'connect';
  }
}
