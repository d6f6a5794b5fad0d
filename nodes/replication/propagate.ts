/**
 * What the node propagates to replicas and the AOF, as Redis 7.0's also_propagate: every op a
 * top-level command produces (its own argv, a handler's rewrite of it, DELs of keys it found
 * expired, pops served to blocked clients) is collected and emitted once the command is done as
 * `server.emit('propagate', dbId, argv)` — one op alone, several wrapped in MULTI … EXEC so
 * replicas apply them atomically. Listeners (replication, AOF) receive final argv in order.
 *
 * Handlers rewrite nondeterministic or relative commands with `replace(...)` (SET EX → SET PXAT,
 * SPOP → SREM …) and add extra ops with `also(...)`. Nothing is collected while nobody listens,
 * so the GET/SET hot path pays one field check.
 */
import type { EventEmitter } from 'node:events';

const EMPTY: string[] = [];

export class Propagation {
  /** True while someone listens to 'propagate' (replication with a backlog, the AOF). */
  active = false;
  /** Pending ops as parallel arrays reused across commands: no allocation per write. */
  private readonly dbs: number[] = [];
  private readonly argvs: string[][] = [];
  private count = 0;
  /** Set by the running handler: what to propagate instead of its own argv. */
  private replacement: string[][] | null = null;
  private flushQueued = false;
  private readonly flushSoon = () => {
    this.flushQueued = false;
    this.flush();
  };

  constructor(private readonly server: EventEmitter) {
    server.on('newListener', (ev: string) => {
      if (ev === 'propagate') this.active = true;
    });
    server.on('removeListener', (ev: string) => {
      if (ev === 'propagate') this.active = server.listenerCount('propagate') > 0;
    });
    // A master deletes expired and evicted keys for its replicas (which never expire keys).
    const del = (db: { id: number }, key: string) => this.also(db.id, ['DEL', key]);
    server.on('expired', del);
    server.on('evicted', del);
  }

  /** Handler API: propagate these commands instead of the one being run ([] = nothing). */
  replace(...argvs: string[][]): void {
    if (this.active) this.replacement = argvs;
  }

  /**
   * Adds an op now, outside the running command's own argv: a served blocked pop, the DEL of an
   * expired or evicted key. Ops added outside any command (active expiry) go out this turn.
   */
  also(db: number, argv: string[]): void {
    if (!this.active) return;
    this.push(db, argv);
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.flushSoon);
    }
  }

  /** Called by the server after every command call (nested ones too) while active. */
  afterCall(db: number, argv: string[], wrote: boolean): void {
    const r = this.replacement;
    if (r !== null) {
      this.replacement = null;
      for (const a of r) this.push(db, a);
    } else if (wrote) {
      this.push(db, argv);
    }
  }

  private push(db: number, argv: string[]): void {
    this.dbs[this.count] = db;
    this.argvs[this.count] = argv;
    this.count++;
  }

  /** Emits what the finished top-level command produced. Listeners must not run commands. */
  flush(): void {
    const n = this.count;
    if (n === 0) return;
    this.count = 0;
    const { dbs, argvs, server } = this;
    if (n === 1) {
      server.emit('propagate', dbs[0], argvs[0]);
    } else {
      server.emit('propagate', dbs[0], ['MULTI']);
      for (let i = 0; i < n; i++) server.emit('propagate', dbs[i], argvs[i]);
      server.emit('propagate', dbs[n - 1], ['EXEC']);
    }
    // Drop references so large argvs are not kept alive until overwritten.
    argvs.fill(EMPTY, 0, n);
  }
}
