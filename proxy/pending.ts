/**
 * A request's place in its session's reply order. Replies may complete out of order (different
 * backends); the session writes them to the client strictly in request order (research §5, lesson 4).
 */
import { performance } from 'node:perf_hooks';
import type { ReplyTarget } from './backend.js';
import type { CommandStats } from './stats.js';

export interface ReplySink {
  /** Called when `p` completes; the session drains its completed prefix. */
  completed(p: Pending): void;
}

export class Pending implements ReplyTarget {
  /** The reply bytes once complete. */
  data: Buffer | null = null;
  next: Pending | null = null;
  readonly t0 = performance.now();

  constructor(
    readonly sink: ReplySink,
    readonly stats: CommandStats,
    /** Kept for the proxy's SLOWLOG (a reference, no copy). */
    readonly argv: string[],
  ) {}

  complete(data: Buffer): void {
    if (this.data !== null) return; // a late second answer (e.g. after a failure) is ignored
    this.data = data;
    this.sink.completed(this);
  }

  onReply(frame: Buffer): void {
    this.complete(frame);
  }

  onFail(message: string): void {
    this.complete(errorFrame(message));
  }
}

export function errorFrame(message: string): Buffer {
  return Buffer.from(`-${message}\r\n`, 'latin1');
}

/** Ignores one reply (ASKING's +OK, MULTI's +OK and QUEUED inside a forwarded transaction). */
export const DISCARD: ReplyTarget = { onReply() {}, onFail() {} };
