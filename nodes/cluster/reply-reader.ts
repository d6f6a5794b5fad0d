/**
 * Reads the replies a MIGRATE target sends back. MIGRATE only needs to know, per command, whether it
 * succeeded and the error line when not, so each reply frame (found by the shared scanner,
 * lib/resp/reply-scanner.ts) is reduced to `{ error: string | null }`.
 */
import { ReplyScanner, errorText } from '../../lib/resp/reply-scanner.js';

export interface TargetReply {
  /** The error text without its leading '-', or null for any non-error reply. */
  error: string | null;
}

export class ReplyReader {
  private out: TargetReply[] = [];
  private readonly scanner = new ReplyScanner((frame) => this.out.push({ error: errorText(frame) }));

  /** Appends bytes; returns every complete reply now available, in order. Throws on garbage. */
  feed(chunk: Buffer): TargetReply[] {
    this.scanner.feed(chunk);
    const done = this.out;
    this.out = [];
    return done;
  }
}
