/**
 * Keys in transfer (DESIGN §4 step 2): MIGRATE is asynchronous I/O, so between reading a key's
 * value and deleting it after the target's acknowledgement the key must not change. Commands that
 * touch a held key are parked (the client stops, like a blocked client) and run again, in arrival
 * order, when a transfer ends; commands on other keys keep being served.
 *
 * `server.keysInTransfer` is non-null only while some transfer runs, so dispatch pays a single
 * field test otherwise.
 */
import { keyPositions } from '../../lib/commands/keys.js';
import type { Client } from '../client.js';
import type { NodeCommand } from '../commands/registry.js';
import type { Db } from '../keyspace/db.js';
import type { NodeServer } from '../server.js';

interface Parked {
  c: Client;
  cancelled: boolean;
}

export class KeysInTransfer {
  /** Db → key → number of transfers holding it. */
  private held = new Map<Db, Map<string, number>>();
  private parked: Parked[] = [];

  get idle(): boolean {
    return this.held.size === 0;
  }

  hold(db: Db, keys: readonly string[]): void {
    let m = this.held.get(db);
    if (!m) this.held.set(db, (m = new Map()));
    for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  }

  /** Ends a hold and lets every parked client try again (still-held keys park it again, in order). */
  release(db: Db, keys: readonly string[]): void {
    const m = this.held.get(db);
    if (m) {
      for (const k of keys) {
        const n = (m.get(k) ?? 1) - 1;
        if (n > 0) m.set(k, n);
        else m.delete(k);
      }
      if (m.size === 0) this.held.delete(db);
    }
    const waiting = this.parked;
    this.parked = [];
    for (const p of waiting) {
      if (p.cancelled) continue;
      p.c.blocked = null;
      p.c.resume();
    }
  }

  isHeld(db: Db, key: string): boolean {
    return this.held.get(db)?.has(key) === true;
  }

  /** Parks the client when the command (or EXEC's queue) touches a held key; true if parked. */
  mustWait(c: Client, cmd: NodeCommand, argv: string[]): boolean {
    const m = this.held.get(c.db);
    if (!m) return false;
    const touches =
      cmd.spec.name === 'exec'
        ? (c.multi?.queue ?? []).some((q) => touchesHeld(m, q.cmd, q.argv))
        : touchesHeld(m, cmd, argv);
    if (!touches) return false;
    const p: Parked = { c, cancelled: false };
    this.parked.push(p);
    c.park(argv, () => (p.cancelled = true));
    return true;
  }
}

function touchesHeld(m: Map<string, number>, cmd: NodeCommand, argv: readonly string[]): boolean {
  if (!cmd.spec.hasKeys) return false;
  const positions = keyPositions(cmd.spec, argv);
  return positions !== null && positions.some((i) => m.has(argv[i]));
}

/** Starts holding keys for one transfer; returns the function that ends the hold. */
export function holdKeys(server: NodeServer, db: Db, keys: readonly string[]): () => void {
  const hold = (server.keysInTransfer ??= new KeysInTransfer());
  hold.hold(db, keys);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    hold.release(db, keys);
    if (hold.idle && server.keysInTransfer === hold) server.keysInTransfer = null;
  };
}
