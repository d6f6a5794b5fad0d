/**
 * The storage node: listens, accepts clients (maxclients, protected mode), owns the databases, the
 * command registry and the cron (active expiry, idle timeouts, output-buffer soft limits, stats).
 */
import { LoopDelay } from './loop-delay.js';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ConfigRegistry } from '../lib/config/registry.js';
import { Err } from '../lib/errors.js';
import { Logger, type LogLevel } from '../lib/log.js';
import { DEFAULT_LIMITS, type ParserLimits } from '../lib/resp/parser.js';
import { sharedReadSocket } from '../lib/net/shared-read.js';
import { BlockingManager } from './blocking.js';
import { WatchManager } from './transactions.js';
import { PubSub } from './pubsub.js';
import { Evictor } from './eviction.js';
import { Client } from './client.js';
import { buildRegistry, type NodeCommand } from './commands/registry.js';
import { allHandlers } from './commands/index.js';
import type { NodeConfigExtras } from './config.js';
import { Db, type KeyspaceHooks } from './keyspace/db.js';
import { ClusterState } from './cluster/state.js';
import { SlotIndex } from './cluster/slot-index.js';
import type { KeysInTransfer } from './cluster/transfer-hold.js';
import { ActiveExpirer } from './keyspace/expire.js';
import { Slowlog } from '../lib/slowlog.js';
import { ServerStats } from './stats.js';
import { parseOutputLimits, type OutputLimits } from './output-limits.js';
import { CowRegistry } from './persistence/cow.js';
import { Persistence } from './persistence/manager.js';
import { Propagation } from './replication/propagate.js';
import { Replication } from './replication/replication.js';
import type { ReplGate } from './replication/gate.js';
import { encodingLimits, ENCODING_PARAMS } from './types/encoding-limits.js';

export const VERSION = '7.0.15';
export const SLOTGATE_VERSION = '0.1.0';

export class NodeServer extends EventEmitter {
  readonly dbs: Db[];
  readonly clients = new Map<number, Client>();
  readonly stats = new ServerStats();
  readonly loopDelay = new LoopDelay();
  readonly slowlog = new Slowlog();
  readonly expirer = new ActiveExpirer();
  readonly monitors = new Set<Client>();
  readonly blocking = new BlockingManager();
  readonly watches = new WatchManager();
  readonly pubsub = new PubSub();
  readonly evictor: Evictor;
  /** Running snapshots' copy-on-write (nodes/persistence/cow.ts). */
  readonly cow: CowRegistry;
  /** Snapshot file, AOF, save points, MISCONF (nodes/persistence/manager.ts). */
  readonly persistence: Persistence;
  /**
   * Set while the AOF holds bytes not yet written (and, under appendfsync always, fsynced): client
   * replies wait for the end-of-turn flush, which first runs `beforeReplies` (the AOF write).
   */
  holdReplies = false;
  beforeReplies: (() => void) | null = null;
  readonly runId = randomBytes(20).toString('hex');
  readonly startedAt = Date.now();
  readonly log: Logger;
  /** Slot ownership and peers when `cluster-enabled yes`, else null (plain Redis-compatible server). */
  readonly cluster: ClusterState | null = null;
  /**
   * 'replica' while REPLICAOF/SLAVEOF points at a master (kept by nodes/replication/); read by the
   * cluster routing (replicas answer MOVED unless READONLY) and by write rejection (-READONLY).
   */
  role: 'master' | 'replica' = 'master';
  /** What write commands propagate to replicas and the AOF (nodes/replication/propagate.ts). */
  readonly propagation = new Propagation(this);
  readonly replication: Replication;
  /** True while a replica runs a command from its master's stream (see KeyspaceHooks.expiryNow). */
  applyingMasterStream = false;
  /** Set while replication must admit or hold commands (replica, min-replicas, sync-replicas). */
  replGate: ReplGate | null = null;
  /** Cluster MIGRATE: keys being transferred (commands touching them wait), or null when none. */
  keysInTransfer: KeysInTransfer | null = null;
  /** A script past busy-reply-threshold still running (nodes/scripting/): others get BUSY. */
  busyScript: { readonly sha: string } | null = null;
  commands: Map<string, NodeCommand>;
  /**
   * Dispatch lookup: the same commands under lower- and upper-case names, so the common spellings
   * (redis-cli and most clients send "SET" or "set") resolve without allocating a lowered copy.
   */
  commandLookup: Map<string, NodeCommand>;
  /** Changes since the last save (INFO rdb_changes_since_last_save; drives propagation). */
  dirty = 0;
  lastSave = Math.floor(Date.now() / 1000);
  port = 0;
  /** DEBUG SET-ACTIVE-EXPIRE: tests turn the background expiry cycle off to observe lazy expiry. */
  activeExpire = true;
  /** Read on every command: cached here instead of a config lookup per call. */
  private slowlogThreshold: number;
  /** LFU tuning while an LFU maxmemory-policy is selected, else null (read on every key access). */
  private lfuParams: { logFactor: number; decayTime: number } | null = null;
  private sockets: net.Server[] = [];
  private nextClientId = 1;
  private cron?: NodeJS.Timeout;
  private pendingFlush = new Set<Client>();
  private flushScheduled = false;
  private outputLimits: OutputLimits;
  private stopping = false;

  constructor(
    readonly config: ConfigRegistry,
    readonly extras: NodeConfigExtras,
  ) {
    super();
    this.log = new Logger(config.get<LogLevel>('loglevel'), 'M', config.get<string>('logfile'));
    config.onChange('loglevel', (v) => (this.log.level = v as LogLevel));
    const hooks = this.keyspaceHooks();
    this.dbs = Array.from({ length: config.get<number>('databases') }, (_, i) => new Db(i, hooks));
    this.cow = new CowRegistry(this.dbs);
    this.persistence = new Persistence(this);
    if (config.get<boolean>('cluster-enabled')) {
      this.cluster = new ClusterState(() => ({ host: this.announceHost(), port: this.port }));
      this.dbs[0].slotIndex = new SlotIndex();
    }
    this.commands = buildRegistry(allHandlers, extras.renames);
    this.commandLookup = new Map();
    for (const [name, cmd] of this.commands) {
      this.commandLookup.set(name, cmd);
      this.commandLookup.set(name.toUpperCase(), cmd);
    }
    this.outputLimits = parseOutputLimits(config.get<string[]>('client-output-buffer-limit'));
    config.onChange('client-output-buffer-limit', (v) => (this.outputLimits = parseOutputLimits(v as string[])));
    config.onChange('hz', () => this.startCron());
    for (const [param, key] of Object.entries(ENCODING_PARAMS)) {
      encodingLimits[key] = config.get<number>(param);
      config.onChange(param, (v) => (encodingLimits[key] = v as number));
    }
    this.evictor = new Evictor(this);
    this.replication = new Replication(this);
    this.slowlogThreshold = config.get<number>('slowlog-log-slower-than');
    const updateLfu = () => {
      this.lfuParams = config.get<string>('maxmemory-policy').endsWith('lfu')
        ? { logFactor: config.get<number>('lfu-log-factor'), decayTime: config.get<number>('lfu-decay-time') }
        : null;
    };
    updateLfu();
    for (const p of ['maxmemory-policy', 'lfu-log-factor', 'lfu-decay-time']) config.onChange(p, updateLfu);
    config.onChange('slowlog-log-slower-than', (v) => (this.slowlogThreshold = v as number));
  }

  private keyspaceHooks(): KeyspaceHooks {
    return {
      modified: (db, key) => this.keyModified(db, key),
      expired: (db, key) => {
        this.stats.expiredKeys++;
        this.emit('expired', db, key);
      },
      emptied: (db) => {
        if (this.watches.count > 0) this.watches.touchAll(db);
      },
      now: () => Date.now(),
      expiryNow: () => (this.applyingMasterStream ? 0 : Date.now()),
      // Replicas wait for their master's DEL (reads still treat expired keys as missing).
      mayExpire: () => this.role === 'master',
      // Asked on every key access: answered from a field the config listeners keep current.
      lfu: () => this.lfuParams,
    };
  }

  /** Every write to a key passes here (Redis: signalModifiedKey). Cheap when nobody listens. */
  keyModified(db: Db, key: string): void {
    if (this.blocking.count > 0) this.blocking.signal(db, key);
    if (this.watches.count > 0) this.watches.touch(db, key);
  }

  /** The address other nodes and clients reach this one at: the first bind address. */
  private announceHost(): string {
    const first = this.config.get<string[]>('bind')[0] ?? '127.0.0.1';
    const host = normalizeBind(first.replace(/^-/, ''));
    return host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  }

  parserLimits(): ParserLimits {
    return { ...DEFAULT_LIMITS, maxBulkLen: this.config.get<number>('proto-max-bulk-len') };
  }

  /** Binds every `bind` address on `port` (port 0: the first gets a free port, the rest share it). */
  async start(): Promise<void> {
    const binds = this.config.get<string[]>('bind');
    let port = this.config.get<number>('port');
    for (const raw of binds) {
      const optional = raw.startsWith('-');
      const host = normalizeBind(optional ? raw.slice(1) : raw);
      try {
        const srv = await this.listenOn(host, port);
        this.sockets.push(srv);
        port = (srv.address() as net.AddressInfo).port;
      } catch (e) {
        if (optional) continue;
        throw new Error(`Could not create server TCP listening socket ${host}:${port}: ${(e as Error).message}`);
      }
    }
    if (this.sockets.length === 0) throw new Error('Failed listening on any bind address');
    this.port = port;
    this.startCron();
    this.replication.start();
    this.log.notice(`Ready to accept connections tcp on port ${port}`);
  }

  private listenOn(host: string, port: number): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      // pauseOnConnect: accept() moves each socket onto the shared read buffer before it reads.
      const srv = net.createServer({ noDelay: true, pauseOnConnect: true }, (sock) => this.accept(sock));
      srv.maxConnections = 65535;
      srv.once('error', reject);
      srv.listen({ host, port, backlog: this.config.get<number>('tcp-backlog') }, () => {
        srv.removeListener('error', reject);
        srv.on('error', (e) => this.log.warning(`Accept error: ${e.message}`));
        resolve(srv);
      });
    });
  }

  private accept(accepted: net.Socket): void {
    if (this.stopping) {
      accepted.destroy();
      return;
    }
    let client: Client | null = null;
    // Until a Client exists (or when refused below), what arrives is dropped.
    const sock = sharedReadSocket(accepted, (chunk) => client?.onData(chunk));
    if (sock === null) return;
    sock.on('error', () => sock.destroy());
    if (this.clients.size >= this.config.get<number>('maxclients')) {
      this.stats.rejectedConnections++;
      sock.end(`-${Err.maxClients}\r\n`);
      return;
    }
    if (this.protectedModeDenies(sock)) {
      this.stats.rejectedConnections++;
      sock.end(`-${Err.protectedMode}\r\n`);
      return;
    }
    const keepalive = this.config.get<number>('tcp-keepalive');
    if (keepalive > 0) sock.setKeepAlive(true, keepalive * 1000);
    client = this.adoptClient(sock);
    this.stats.totalConnections++;
  }

  /** A client on a socket (accepted, or the replica's link to its master). */
  adoptClient(sock: net.Socket): Client {
    const c = new Client(this, sock, this.nextClientId++);
    this.clients.set(c.id, c);
    return c;
  }

  /** Redis 7: protected mode refuses non-loopback clients while the default user has no password. */
  protectedModeDenies(sock: Pick<net.Socket, 'remoteAddress'>): boolean {
    if (!this.config.get<boolean>('protected-mode') || this.config.get<string>('requirepass') !== '') return false;
    return !isLoopback(sock.remoteAddress ?? '');
  }

  removeClient(c: Client): void {
    this.clients.delete(c.id);
    this.monitors.delete(c);
    this.pubsub.removeAll(c);
    this.pendingFlush.delete(c);
    this.emit('clientClosed', c);
  }

  /** Flushes a client's replies at the end of this event-loop turn (replies caused by others). */
  scheduleFlush(c: Client): void {
    this.pendingFlush.add(c);
    this.scheduleFlushTurn();
  }

  /** Schedules the end-of-turn flush (also used by the AOF to write before held replies leave). */
  scheduleFlushTurn(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      if (this.beforeReplies !== null) this.beforeReplies();
      const list = [...this.pendingFlush];
      this.pendingFlush.clear();
      for (const cl of list) cl.flush();
    });
  }

  /** Shared per-command bookkeeping after a call (see dispatch.ts). */
  afterCommand(c: Client, cmd: NodeCommand, argv: string[], us: number, dirtied: boolean): void {
    const threshold = this.slowlogThreshold;
    if (threshold >= 0 && us >= threshold && !cmd.spec.flagSet.has('skip_slowlog')) {
      this.slowlog.add(argv, us, c.addr, c.name, this.config.get<number>('slowlog-max-len'));
    }
    if (this.monitors.size > 0 && !cmd.spec.flagSet.has('skip_monitor') && !cmd.spec.flagSet.has('admin')) {
      this.feedMonitors(c, argv);
    }
    if (this.propagation.active) this.propagation.afterCall(c.db.id, argv, dirtied && cmd.spec.isWrite);
  }

  private feedMonitors(c: Client, argv: string[]): void {
    const t = Date.now() / 1000;
    const line = `+${t.toFixed(6)} [${c.db.id} ${c.addr}] ${argv.map(quoteArg).join(' ')}\r\n`;
    for (const m of this.monitors) {
      if (m === c) continue;
      m.out.raw(line);
      this.scheduleFlush(m);
    }
  }

  outputLimitExceeded(c: Client): boolean {
    const cls = this.outputLimits[c.outputClass];
    const used = c.outputBytes;
    if (cls.hard > 0 && used >= cls.hard) return true;
    if (cls.soft > 0 && used >= cls.soft) {
      if (c.softLimitSince === 0) c.softLimitSince = Date.now();
      else if (Date.now() - c.softLimitSince >= cls.softSeconds * 1000) return true;
    } else {
      c.softLimitSince = 0;
    }
    return false;
  }

  private startCron(): void {
    if (this.cron) clearInterval(this.cron);
    const hz = Math.min(500, Math.max(1, this.config.get<number>('hz')));
    const period = Math.max(2, Math.floor(1000 / hz));
    this.cron = setInterval(() => this.tick(period), period);
    this.cron.unref();
  }

  private tick(period: number): void {
    const now = Date.now();
    // Slow cycle budget: a quarter of the tick, as Redis's ACTIVE_EXPIRE_CYCLE_SLOW_TIME_PERC.
    // No expiry while a busy script runs in slices: the dataset must not change under it.
    if (this.activeExpire && this.role === 'master' && this.busyScript === null) this.expirer.cycle(this.dbs, () => Date.now(), Math.max(1, period / 4));
    this.stats.sample(now);
    this.closeIdleClients(now);
  }

  private closeIdleClients(now: number): void {
    const timeout = this.config.get<number>('timeout');
    for (const c of this.clients.values()) {
      const replLink = c.isMasterLink || c.outputClass === 'replica';
      if (timeout > 0 && !c.blocked && !c.monitor && !replLink && now - c.lastInteraction > timeout * 1000) {
        this.log.verbose(`Closing idle client ${c.addr}`);
        c.close();
      } else if (c.softLimitSince && this.outputLimitExceeded(c)) {
        c.close();
      }
    }
  }

  /** CONFIG RESETSTAT. */
  resetStats(): void {
    this.stats.reset();
    this.loopDelay.reset();
    for (const cmd of this.commands.values()) {
      for (const c of [cmd, ...(cmd.subs?.values() ?? [])]) Object.assign(c.stats, { calls: 0, usec: 0, rejected: 0, failed: 0 });
    }
  }

  /** Stops listening, closes every client, clears timers. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.cron) clearInterval(this.cron);
    this.loopDelay.stop();
    this.evictor.stop();
    this.persistence.stop();
    this.replication.stop();
    // close() waits for open connections to end, so drop the clients before awaiting it.
    const closed = this.sockets.map((l) => new Promise<void>((r) => l.close(() => r())));
    for (const c of [...this.clients.values()]) c.close();
    await Promise.all(closed);
    this.emit('stopped');
  }
}

function normalizeBind(h: string): string {
  if (h === '*') return '0.0.0.0';
  if (h === '::*') return '::';
  return h;
}

export function isLoopback(addr: string): boolean {
  return addr.startsWith('127.') || addr === '::1' || addr.startsWith('::ffff:127.');
}

/** MONITOR quotes each argument, escaping as redis-cli's repr does. */
function quoteArg(a: string): string {
  let out = '"';
  for (let i = 0; i < a.length; i++) {
    const ch = a.charCodeAt(i);
    if (ch === 34 || ch === 92) out += '\\' + a[i];
    else if (ch === 10) out += '\\n';
    else if (ch === 13) out += '\\r';
    else if (ch === 9) out += '\\t';
    else if (ch < 32 || ch > 126) out += '\\x' + ch.toString(16).padStart(2, '0');
    else out += a[i];
  }
  return out + '"';
}
