/**
 * Cluster-wide commands (DBSIZE, KEYS, FLUSHALL, RANDOMKEY, INFO keyspace, SCAN steps): one request
 * to each master, the replies combined by the caller once all have answered. An error from any
 * master is the reply.
 */
import { encodeCommand } from '../lib/resp/encode.js';
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

export interface FanOutOptions {
  /** The servers to ask (default: every master). */
  addrs?: string[];
  /**
   * The combiner also sees error frames (SCRIPT KILL: one master's OK wins over the others'
   * NOTBUSY); by default the first error is the reply.
   */
  combineErrors?: boolean;
}

/** Sends `argv` to every master (or `opts.addrs`) and replies combine(frames) in order. */
export function fanOut(s: Session, cmd: ProxyCommand, argv: string[], combine: Combine, opts: FanOutOptions = {}): void {
  const addrs = opts.addrs ?? s.server.masters();
  if (addrs.length === 0) return s.fail(cmd, 'CLUSTERDOWN Hash slot not served');
  const f = new FanOut(s, cmd, argv, addrs.length, combine, opts.combineErrors ?? false);
  s.enqueue(f);
  const bytes = encodeCommand(argv);
  addrs.forEach((addr, i) => s.server.pool.shared(addr, s.resp, s.id).send(bytes, f.parts[i]));
}

const OK = Buffer.from('+OK\r\n');

/** A command run on every master whose reply is +OK once all succeeded (FLUSHALL, SCRIPT FLUSH …). */
export const okFromEveryMaster = (name: string) => (s: Session, argv: string[]): void =>
  fanOut(s, s.server.command(name), argv, () => OK);

/** A reply completed later by the caller (a multi-step command such as SCAN across groups). */
export function deferred(s: Session, cmd: ProxyCommand, argv: string[]): Pending {
  return s.enqueue(new Pending(s, cmd.stats, argv));
}
