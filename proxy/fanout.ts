/**
 * Cluster-wide commands (DBSIZE, KEYS, FLUSHALL, RANDOMKEY, INFO keyspace, SCAN steps): one request
 * to each master, the replies combined by the caller once all have answered. An error from any
 * master is the reply.
 */
import { encodeCommand } from './backend.js';
import type { ProxyCommand } from './commands/table.js';
import { Pending, type ReplySink } from './pending.js';
import type { Session } from './session.js';
import type { ReplyTarget } from './backend.js';

export type Combine = (frames: Buffer[]) => Buffer;

class Part implements ReplyTarget {
  frame: Buffer | null = null;
  constructor(private readonly owner: FanOut) {}
  onReply(frame: Buffer): void {
    this.frame = frame;
    this.owner.partDone();
  }
  onFail(message: string): void {
    this.onReply(Buffer.from(`-${message}\r\n`));
  }
}

class FanOut extends Pending {
  private left: number;
  readonly parts: Part[];
  constructor(
    sink: ReplySink,
    cmd: ProxyCommand,
    argv: string[],
    n: number,
    private readonly combine: Combine,
    private readonly combineErrors: boolean,
  ) {
    super(sink, cmd.stats, argv);
    this.left = n;
    this.parts = Array.from({ length: n }, () => new Part(this));
  }
  partDone(): void {
    if (--this.left > 0) return;
    const frames = this.parts.map((p) => p.frame!);
    const err = this.combineErrors ? undefined : frames.find((f) => f[0] === 45);
    this.complete(err ?? this.combine(frames));
  }
}

/**
 * Sends `argv` to every master (or the given ones) and replies combine(frames) in order. With
 * `combineErrors` the combiner also sees error frames (SCRIPT KILL: one master's OK wins over the
 * others' NOTBUSY); otherwise the first error is the reply.
 */
export function fanOut(
  s: Session,
  cmd: ProxyCommand,
  argv: string[],
  combine: Combine,
  addrs = s.server.masters(),
  combineErrors = false,
): void {
  if (addrs.length === 0) return s.fail(cmd, 'CLUSTERDOWN Hash slot not served');
  const f = new FanOut(s, cmd, argv, addrs.length, combine, combineErrors);
  s.enqueue(f);
  const bytes = encodeCommand(argv);
  addrs.forEach((addr, i) => s.server.pool.shared(addr, s.resp, s.id).send(bytes, f.parts[i]));
}

/** A reply completed later by the caller (a multi-step command such as SCAN across groups). */
export function deferred(s: Session, cmd: ProxyCommand, argv: string[]): Pending {
  return s.enqueue(new Pending(s, cmd.stats, argv));
}
