/**
 * A raw RESP connection for protocol tests: send exact bytes, read decoded replies (via the
 * redis-parser library) or raw bytes. Errors come back as `RespError` values, not exceptions.
 */
import net from 'node:net';
// @ts-expect-error redis-parser ships no types
import RedisParser from 'redis-parser';

export class RespError {
  constructor(readonly message: string) {}
  toString(): string { return this.message; }
}

export type Reply = string | number | null | RespError | Reply[] | Buffer;

export class RawClient {
  private replies: Reply[] = [];
  private waiters: (() => void)[] = [];
  private rawBuf = Buffer.alloc(0);
  closed = false;
  private parser: { execute(b: Buffer): void };

  private constructor(readonly socket: net.Socket, buffers: boolean) {
    this.parser = new RedisParser({
      returnBuffers: buffers,
      returnReply: (r: Reply) => this.push(r),
      returnError: (e: Error) => this.push(new RespError(e.message)),
      returnFatalError: (e: Error) => this.push(new RespError(`FATAL ${e.message}`)),
    });
    socket.on('data', (d) => {
      this.rawBuf = Buffer.concat([this.rawBuf, d]);
      this.parser.execute(d);
      this.wake();
    });
    socket.on('close', () => { this.closed = true; this.wake(); });
    socket.on('error', () => {});
  }

  static connect(port: number, opts: { buffers?: boolean; host?: string } = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, opts.host ?? '127.0.0.1');
      s.once('connect', () => resolve(new RawClient(s, opts.buffers ?? false)));
      s.once('error', reject);
    });
  }

  private push(r: Reply): void {
    this.replies.push(r);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private waitChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out waiting for reply')), timeoutMs);
      this.waiters.push(() => { clearTimeout(t); resolve(); });
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends a command as a RESP multibulk. */
  send(...args: (string | Buffer | number)[]): void {
    const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
    for (const a of args) {
      const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'latin1');
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
    }
    this.socket.write(Buffer.concat(parts));
  }

  async reply(timeoutMs = 5000): Promise<Reply> {
    while (this.replies.length === 0) {
      if (this.closed) throw new Error('connection closed');
      await this.waitChange(timeoutMs);
    }
    this.rawBuf = Buffer.alloc(0);
    return this.replies.shift()!;
  }

  async call(...args: (string | Buffer | number)[]): Promise<Reply> {
    this.send(...args);
    return this.reply();
  }

  /** Waits until the raw bytes received (since the last reply() call) satisfy `done`. */
  async rawUntil(done: (b: Buffer) => boolean, timeoutMs = 5000): Promise<Buffer> {
    while (!done(this.rawBuf)) {
      if (this.closed) break;
      await this.waitChange(timeoutMs);
    }
    return this.rawBuf;
  }

  /** Resolves once the server has closed the connection. */
  async waitClosed(timeoutMs = 5000): Promise<void> {
    while (!this.closed) await this.waitChange(timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }
}
