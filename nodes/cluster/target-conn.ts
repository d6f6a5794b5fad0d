/**
 * MIGRATE's connections to target instances: one cached connection per host:port, closed after
 * 10 s unused (Redis's MIGRATE_SOCKET_CACHE_TTL) or when the node stops. It remembers the database
 * last SELECTed so MIGRATE sends SELECT only when it changes. Requests are pipelined; replies are
 * matched in order. A request fails with an IoError when the socket fails or no byte arrives within
 * its timeout (MIGRATE's timeout is the longest idle time, not a deadline for the whole transfer).
 */
import net from 'node:net';
import type { NodeServer } from '../server.js';
import { ReplyReader, type TargetReply } from './reply-reader.js';

const CACHE_TTL_MS = 10_000;

export class IoError extends Error {
  constructor(
    readonly phase: 'connecting' | 'reading' | 'writing',
    readonly timedOut: boolean,
  ) {
    super(`${phase}${timedOut ? ' (timeout)' : ''}`);
  }
}

interface Pending {
  left: number;
  replies: TargetReply[];
  timeoutMs: number;
  resolve(r: TargetReply[]): void;
  reject(e: IoError): void;
}

export class TargetConn {
  /** Database selected on the target, or -1 when unknown (new connection, or after an error). */
  lastDb = -1;
  private readonly reader = new ReplyReader();
  private readonly pending: Pending[] = [];
  private writesInFlight = 0;
  private timer?: NodeJS.Timeout;
  private idleTimer?: NodeJS.Timeout;
  private dead = false;

  constructor(
    private readonly sock: net.Socket,
    private readonly onDead: () => void,
  ) {
    sock.on('data', (chunk) => this.onData(chunk));
    sock.on('error', () => this.fail(false));
    sock.on('close', () => this.fail(false));
    this.touch();
  }

  /** Sends commands in one write; resolves with one reply per command. */
  request(cmds: readonly (readonly string[])[], timeoutMs: number): Promise<TargetReply[]> {
    if (this.dead) return Promise.reject(new IoError('writing', false));
    this.touch();
    return new Promise((resolve, reject) => {
      this.pending.push({ left: cmds.length, replies: [], timeoutMs, resolve, reject });
      this.writesInFlight++;
      this.sock.write(encode(cmds), (err) => {
        this.writesInFlight--;
        if (err) this.fail(false);
      });
      if (!this.timer) this.arm();
    });
  }

  close(): void {
    this.fail(false);
  }

  private onData(chunk: Buffer): void {
    let replies: TargetReply[];
    try {
      replies = this.reader.feed(chunk);
    } catch {
      // Not RESP: nothing after this can be matched to our commands.
      return this.fail(false);
    }
    for (const r of replies) {
      const head = this.pending[0];
      if (!head) continue;
      head.replies.push(r);
      if (--head.left === 0) {
        this.pending.shift();
        head.resolve(head.replies);
      }
    }
    this.disarm();
    if (this.pending.length > 0) this.arm();
    this.touch();
  }

  /** The idle timeout of the oldest waiting request, restarted whenever bytes arrive. */
  private arm(): void {
    const head = this.pending[0];
    if (!head) return;
    this.timer = setTimeout(() => this.fail(true), head.timeoutMs);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close(), CACHE_TTL_MS);
    this.idleTimer.unref();
  }

  private fail(timedOut: boolean): void {
    if (this.dead) return;
    this.dead = true;
    this.disarm();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const phase = this.writesInFlight > 0 ? 'writing' : 'reading';
    for (const p of this.pending.splice(0)) p.reject(new IoError(phase, timedOut));
    this.sock.destroy();
    this.onDead();
  }
}

/** RESP multibulk of byte-string arguments (latin1: one char per byte). */
function encode(cmds: readonly (readonly string[])[]): Buffer {
  let s = '';
  for (const argv of cmds) {
    s += `*${argv.length}\r\n`;
    for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  }
  return Buffer.from(s, 'latin1');
}

const caches = new WeakMap<NodeServer, Map<string, TargetConn>>();

/** The cached connection to host:port, connecting (within timeoutMs) when there is none. */
export async function targetConn(server: NodeServer, host: string, port: number, timeoutMs: number): Promise<TargetConn> {
  let cache = caches.get(server);
  if (!cache) {
    const m = (cache = new Map());
    caches.set(server, m);
    server.once('stopped', () => {
      for (const conn of [...m.values()]) conn.close();
    });
  }
  const name = `${host}:${port}`;
  const cached = cache.get(name);
  if (cached) return cached;
  const sock = await connect(host, port, timeoutMs);
  const conn = new TargetConn(sock, () => {
    if (cache!.get(name) === conn) cache!.delete(name);
  });
  cache.set(name, conn);
  return conn;
}

/** Drops a cached connection (after an error, so the next MIGRATE reconnects and re-SELECTs). */
export function dropTargetConn(server: NodeServer, host: string, port: number): void {
  caches.get(server)?.get(`${host}:${port}`)?.close();
}

function connect(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new IoError('connecting', true));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      resolve(sock);
    });
    sock.once('error', () => {
      clearTimeout(timer);
      sock.destroy();
      reject(new IoError('connecting', false));
    });
  });
}
