/**
 * Reads the master's replies during the replica handshake and the snapshot transfer: lines, and
 * the snapshot payload in either form ($<len> or $EOF:<mark> … <mark>). Whatever follows is the
 * command stream, handed over with `rest()`.
 */
const EMPTY = Buffer.alloc(0);

export class LinkReader {
  private chunks: Buffer[] = [];
  private len = 0;
  private wake: (() => void) | null = null;
  private closed = false;
  /** Bytes received so far (INFO master_sync_read_bytes). */
  received = 0;

  push(b: Buffer): void {
    this.chunks.push(b);
    this.len += b.length;
    this.received += b.length;
    this.wake?.();
  }

  close(): void {
    this.closed = true;
    this.wake?.();
  }

  private async more(): Promise<void> {
    if (this.closed) throw new Error('connection lost');
    await new Promise<void>((r) => (this.wake = r));
    this.wake = null;
  }

  private flat(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? EMPTY;
  }

  private consume(n: number): void {
    const b = this.flat();
    this.chunks = n < b.length ? [b.subarray(n)] : [];
    this.len -= n;
  }

  /** The next line without its CRLF; empty lines are the master's keepalives. */
  async line(): Promise<string> {
    for (;;) {
      const b = this.flat();
      const i = b.indexOf(10);
      if (i >= 0) {
        const text = b.latin1Slice(0, i > 0 && b[i - 1] === 13 ? i - 1 : i);
        this.consume(i + 1);
        return text;
      }
      await this.more();
    }
  }

  async bytes(n: number): Promise<Buffer> {
    while (this.len < n) await this.more();
    const out = Buffer.from(this.flat().subarray(0, n));
    this.consume(n);
    return out;
  }

  /**
   * Diskless payload: everything up to the 40-byte mark. The master sends nothing after the mark
   * until we acknowledge, so the mark is always the tail of what we have read.
   */
  async untilMark(mark: string): Promise<Buffer> {
    const m = Buffer.from(mark, 'latin1');
    for (;;) {
      if (this.len >= m.length && this.tail(m.length).equals(m)) {
        const all = this.flat();
        const body = all.subarray(0, all.length - m.length);
        this.chunks = [];
        this.len = 0;
        return body;
      }
      await this.more();
    }
  }

  private tail(n: number): Buffer {
    const last = this.chunks[this.chunks.length - 1];
    if (last.length >= n) return last.subarray(last.length - n);
    return this.flat().subarray(this.len - n);
  }

  /** What arrived after the handshake/payload: the beginning of the command stream. */
  rest(): Buffer {
    const b = this.flat();
    this.chunks = [];
    this.len = 0;
    return b;
  }
}
