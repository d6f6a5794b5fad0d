/**
 * Pub/Sub registry: channel → subscribers, pattern → subscribers, shard channel → subscribers.
 * Messages are written straight into each subscriber's reply buffer (a RESP3 push or a RESP2
 * array) and flushed at the end of the event-loop turn.
 */
import { globMatch } from '../lib/glob.js';
import type { Client } from './client.js';

export type Kind = 'channel' | 'pattern' | 'shard';

export class PubSub {
  readonly channels = new Map<string, Set<Client>>();
  readonly patterns = new Map<string, Set<Client>>();
  readonly shards = new Map<string, Set<Client>>();
  /** Per client: what it holds, by kind (for UNSUBSCRIBE without arguments and disconnects). */
  private held = new Map<Client, Record<Kind, Set<string>>>();

  private table(kind: Kind): Map<string, Set<Client>> {
    return kind === 'channel' ? this.channels : kind === 'pattern' ? this.patterns : this.shards;
  }

  subscriptions(c: Client, kind: Kind): Set<string> {
    return this.held.get(c)?.[kind] ?? new Set();
  }

  /** Adds a subscription; false when the client already had it. */
  add(c: Client, kind: Kind, name: string): boolean {
    let h = this.held.get(c);
    if (!h) this.held.set(c, (h = { channel: new Set(), pattern: new Set(), shard: new Set() }));
    if (h[kind].has(name)) return false;
    h[kind].add(name);
    const t = this.table(kind);
    let subs = t.get(name);
    if (!subs) t.set(name, (subs = new Set()));
    subs.add(c);
    this.recount(c);
    return true;
  }

  remove(c: Client, kind: Kind, name: string): boolean {
    const h = this.held.get(c);
    if (!h || !h[kind].delete(name)) return false;
    const t = this.table(kind);
    const subs = t.get(name);
    subs?.delete(c);
    if (subs && subs.size === 0) t.delete(name);
    this.recount(c);
    return true;
  }

  removeAll(c: Client): void {
    const h = this.held.get(c);
    if (!h) return;
    for (const kind of ['channel', 'pattern', 'shard'] as Kind[]) {
      for (const name of [...h[kind]]) this.remove(c, kind, name);
    }
    this.held.delete(c);
  }

  /** Subscriptions a client has of the kinds that count for its subscribed state. */
  private recount(c: Client): void {
    const h = this.held.get(c)!;
    c.subscriptionCount = h.channel.size + h.pattern.size + h.shard.size;
    c.outputClass = c.subscriptionCount > 0 ? 'pubsub' : 'normal';
  }

  /** The count Redis reports in (un)subscribe replies: channels + patterns (shard kept apart). */
  countFor(c: Client, kind: Kind): number {
    const h = this.held.get(c);
    if (!h) return 0;
    return kind === 'shard' ? h.shard.size : h.channel.size + h.pattern.size;
  }

  publish(channel: string, message: string, schedule: (c: Client) => void): number {
    let n = 0;
    for (const c of this.channels.get(channel) ?? []) {
      c.out.push(3);
      c.out.bulk('message');
      c.out.bulk(channel);
      c.out.bulk(message);
      schedule(c);
      n++;
    }
    for (const [pattern, subs] of this.patterns) {
      if (!globMatch(pattern, channel)) continue;
      for (const c of subs) {
        c.out.push(4);
        c.out.bulk('pmessage');
        c.out.bulk(pattern);
        c.out.bulk(channel);
        c.out.bulk(message);
        schedule(c);
        n++;
      }
    }
    return n;
  }

  publishShard(channel: string, message: string, schedule: (c: Client) => void): number {
    let n = 0;
    for (const c of this.shards.get(channel) ?? []) {
      c.out.push(3);
      c.out.bulk('smessage');
      c.out.bulk(channel);
      c.out.bulk(message);
      schedule(c);
      n++;
    }
    return n;
  }
}
