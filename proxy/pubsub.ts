/**
 * Pub/Sub through the proxy, cluster-wide: a channel lives on its slot's master, so PUBLISH from any
 * proxy and SUBSCRIBE from any proxy meet on the same server. A subscribed session holds one private
 * connection per server it listens on; patterns are subscribed on every master (a matching channel
 * may live anywhere). The proxy answers the (un)subscribe confirmations itself, with the session's
 * own counts, and forwards message / pmessage / smessage frames from the servers unchanged.
 *
 * Subscriptions follow the table: when a slot moves to another group, or a group gets a new master
 * (failover), or a server connection drops, `reconcile` subscribes again where the channel now
 * lives and drops the old subscription, so a subscriber keeps hearing PUBLISHes sent by proxies
 * with the new table (messages published in the moment of the switch may be missed: Pub/Sub is
 * at-most-once, as on one Redis across a reconnect).
 */
import { Err } from '../lib/errors.js';
import { keySlot } from '../lib/slot/index.js';
import { encodeCommand } from '../lib/resp/encode.js';
import type { BackendConn } from './backend.js';
import type { ProxyCommand } from './commands/table.js';
import { Forward } from './forward.js';
import { Pending } from './pending.js';
import { ReplyWriter } from '../lib/resp/writer.js';
import { commandSlot, CROSS } from './router.js';
import type { Session } from './session.js';

/** What a RESP2 session may send while subscribed. */
export const SUBSCRIBED_OK = new Set(['subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset']);

type Kind = 'channel' | 'pattern' | 'shard';

export class PubSubState {
  readonly channels = new Map<string, string>(); // channel → server address
  readonly patterns = new Set<string>();
  readonly shards = new Map<string, string>();
  private readonly conns = new Map<string, BackendConn>();
  /** Per connection, in order: what to do when the server confirms our next (un)subscribe. */
  private readonly expected = new Map<BackendConn, (() => void)[]>();
  /** The masters the patterns are subscribed on. */
  private patternAddrs = new Set<string>();
  private retry: NodeJS.Timeout | null = null;
  private retryDelay = RESUBSCRIBE_DELAY_MS;
  private closed = false;

  constructor(private readonly s: Session) {}

  /** Subscriptions that count for RESP2 subscribed mode. */
  get count(): number {
    return this.channels.size + this.patterns.size + this.shards.size;
  }

  private conn(addr: string): BackendConn {
    let c = this.conns.get(addr);
    if (!c || c.dead) {
      c = this.s.server.pool.private(addr, this.s.resp, (frame) => this.onPush(c!, frame), (dead) => this.onClose(dead));
      this.conns.set(addr, c);
      this.expected.set(c, []);
    }
    return c;
  }

  /** Sends (P|S)(UN)SUBSCRIBE for one name to each server; `done` runs once all have confirmed. */
  send(addrs: string[], argv: string[], done: () => void): void {
    let left = addrs.length;
    if (left === 0) return done();
    for (const addr of addrs) {
      const c = this.conn(addr);
      this.expected.get(c)!.push(() => --left === 0 && done());
      c.send(encodeCommand(argv), null);
    }
  }

  /** Messages go to the client; the servers' confirmations complete our own. */
  private onPush(c: BackendConn, frame: Buffer): void {
    const kind = pushKind(frame);
    if (kind === 'message' || kind === 'pmessage' || kind === 'smessage') {
      this.s.localReply().rawBuf(frame);
      this.s.endLocal(this.s.server.pushStats);
    } else if (CONFIRMATIONS.has(kind)) {
      this.retryDelay = RESUBSCRIBE_DELAY_MS; // the server answers again
      this.expected.get(c)?.shift()?.();
    }
  }

  /**
   * A dead server connection: its pending confirmations complete (the client is not left hanging),
   * and the subscriptions it carried are made again after a pause, 0.5 s doubling to 5 s while the
   * server stays away (on a new master once the table says so, else on the same server once back).
   */
  private onClose(c: BackendConn): void {
    const waiting = this.expected.get(c) ?? [];
    this.expected.delete(c);
    for (const w of waiting) w();
    if (this.closed || this.retry !== null) return;
    // Backs off while the server stays down (every subscribed session retries on its own).
    const delay = this.retryDelay;
    this.retryDelay = Math.min(RESUBSCRIBE_MAX_DELAY_MS, delay * 2);
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.closed && !this.s.closed) this.reconcile();
    }, delay);
    this.retry.unref();
  }

  /** Patterns go to every master. */
  subscribePattern(name: string, done: () => void): void {
    const masters = this.s.server.masters();
    for (const a of masters) this.patternAddrs.add(a);
    this.send(masters, ['PSUBSCRIBE', name], done);
  }

  /** Moves every subscription to where the current table puts it (see the module comment). */
  reconcile(): void {
    const server = this.s.server;
    const live = (addr: string) => {
      const c = this.conns.get(addr);
      return c !== undefined && !c.dead;
    };
    const moves: [string, string, string][] = []; // [old addr, unsubscribe verb, name]
    for (const [map, sub, unsub] of [[this.channels, 'SUBSCRIBE', 'UNSUBSCRIBE'], [this.shards, 'SSUBSCRIBE', 'SUNSUBSCRIBE']] as const) {
      for (const [name, addr] of map) {
        const now = server.masterOf(keySlot(name));
        if (now === null || (now === addr && live(addr))) continue;
        map.set(name, now);
        this.send([now], [sub, name], noop);
        if (now !== addr) moves.push([addr, unsub, name]);
      }
    }
    const masters = new Set(server.masters());
    if (this.patterns.size > 0) {
      for (const addr of masters) {
        if (this.patternAddrs.has(addr) && live(addr)) continue;
        for (const p of this.patterns) this.send([addr], ['PSUBSCRIBE', p], noop);
      }
      for (const addr of this.patternAddrs) if (!masters.has(addr)) for (const p of this.patterns) moves.push([addr, 'PUNSUBSCRIBE', p]);
    }
    this.patternAddrs = this.patterns.size > 0 ? masters : new Set();
    // A server left with nothing of ours: close its connection (that drops the rest on the server);
    // else unsubscribe what moved away from it.
    const used = new Set([...this.channels.values(), ...this.shards.values(), ...this.patternAddrs]);
    for (const [addr, c] of [...this.conns]) {
      if (used.has(addr)) continue;
      this.conns.delete(addr);
      c.close();
    }
    for (const [addr, verb, name] of moves) if (live(addr)) this.send([addr], [verb, name], noop);
  }

  close(): void {
    this.closed = true;
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    for (const c of this.conns.values()) c.close();
    this.conns.clear();
  }
}

const RESUBSCRIBE_DELAY_MS = 500;
const RESUBSCRIBE_MAX_DELAY_MS = 5000;
const noop = (): void => {};

const CONFIRMATIONS = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe']);

/** The first element of a push/array frame (`message`, `subscribe` …), read without decoding. */
function pushKind(frame: Buffer): string {
  const lf = frame.indexOf(10);
  if (lf < 0 || frame[lf + 1] !== 36) return '';
  const lf2 = frame.indexOf(10, lf + 1);
  const len = Number(frame.latin1Slice(lf + 2, lf2 - 1));
  return frame.latin1Slice(lf2 + 1, lf2 + 1 + len);
}

function state(s: Session): PubSubState {
  return (s.pubsub ??= new PubSubState(s));
}

/** Our confirmation frame, with the session's own count. */
function confirmation(resp: 2 | 3, kind: string, name: string | null, count: number): Buffer {
  const w = new ReplyWriter();
  w.resp = resp;
  if (resp === 3) w.push(3);
  else w.array(3);
  w.bulk(kind);
  w.bulk(name);
  w.int(count);
  return Buffer.from(w.take()!);
}

/**
 * Replies the confirmation once the servers confirmed (so a PUBLISH sent after it is seen), or at
 * once when there was nothing to send.
 */
function confirm(s: Session, cmd: ProxyCommand, frame: Buffer, send?: (done: () => void) => void): void {
  const p = s.enqueue(new Pending(s, cmd.stats, []));
  if (send) send(() => p.complete(frame));
  else p.complete(frame);
}

function subscribe(s: Session, cmd: ProxyCommand, argv: string[], kind: Kind): void {
  const server = s.server;
  if (kind === 'shard' && commandSlot(cmd, argv) === CROSS) return s.fail(cmd, Err.crossSlot);
  const ps = state(s);
  const verb = argv[0].toLowerCase();
  for (const name of argv.slice(1)) {
    let send: ((done: () => void) => void) | undefined;
    if (kind === 'pattern') {
      if (!ps.patterns.has(name)) {
        ps.patterns.add(name);
        send = (done) => ps.subscribePattern(name, done);
      }
    } else {
      const map = kind === 'shard' ? ps.shards : ps.channels;
      if (!map.has(name)) {
        const addr = server.masterOf(keySlot(name));
        if (addr === null) return s.fail(cmd, Err.clusterDown);
        map.set(name, addr);
        send = (done) => ps.send([addr], [kind === 'shard' ? 'SSUBSCRIBE' : 'SUBSCRIBE', name], done);
      }
    }
    const count = kind === 'shard' ? ps.shards.size : ps.channels.size + ps.patterns.size;
    confirm(s, cmd, confirmation(s.resp, verb, name, count), send);
  }
}

function unsubscribe(s: Session, cmd: ProxyCommand, argv: string[], kind: Kind): void {
  const ps = state(s);
  const verb = argv[0].toLowerCase();
  const current = kind === 'pattern' ? [...ps.patterns] : [...(kind === 'shard' ? ps.shards : ps.channels).keys()];
  const names = argv.length > 1 ? argv.slice(1) : current;
  const count = () => (kind === 'shard' ? ps.shards.size : ps.channels.size + ps.patterns.size);
  if (names.length === 0) return confirm(s, cmd, confirmation(s.resp, verb, null, count()));
  for (const name of names) {
    let send: ((done: () => void) => void) | undefined;
    if (kind === 'pattern') {
      if (ps.patterns.delete(name)) send = (done) => ps.send(s.server.masters(), ['PUNSUBSCRIBE', name], done);
    } else {
      const map = kind === 'shard' ? ps.shards : ps.channels;
      const addr = map.get(name);
      if (addr !== undefined) {
        map.delete(name);
        send = (done) => ps.send([addr], [kind === 'shard' ? 'SUNSUBSCRIBE' : 'UNSUBSCRIBE', name], done);
      }
    }
    confirm(s, cmd, confirmation(s.resp, verb, name, count()), send);
  }
}

/** PUBLISH goes to the channel's slot master, where every proxy subscribes that channel. */
function publish(s: Session, cmd: ProxyCommand, argv: string[], raw: Buffer | null): void {
  const slot = keySlot(argv[1]);
  const addr = s.server.masterOf(slot);
  if (addr === null) return s.fail(cmd, Err.clusterDown);
  const f = new Forward(s, s, cmd.stats, argv, raw, slot);
  s.enqueue(f);
  s.server.pool.shared(addr, s.resp, s.id).send(raw ?? encodeCommand(argv), f);
}

const HANDLERS: Record<string, (s: Session, cmd: ProxyCommand, argv: string[], raw: Buffer | null) => void> = {
  subscribe: (s, c, a) => subscribe(s, c, a, 'channel'),
  psubscribe: (s, c, a) => subscribe(s, c, a, 'pattern'),
  ssubscribe: (s, c, a) => subscribe(s, c, a, 'shard'),
  unsubscribe: (s, c, a) => unsubscribe(s, c, a, 'channel'),
  punsubscribe: (s, c, a) => unsubscribe(s, c, a, 'pattern'),
  sunsubscribe: (s, c, a) => unsubscribe(s, c, a, 'shard'),
  publish,
};

/** Handles the Pub/Sub commands the table cannot route by itself; false when `cmd` is not one. */
export function pubsubCommand(s: Session, cmd: ProxyCommand, argv: string[], raw: Buffer | null): boolean {
  const h = HANDLERS[cmd.spec.name];
  if (!h) return false;
  h(s, cmd, argv, raw);
  return true;
}
