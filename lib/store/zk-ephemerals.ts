import { isStoreError } from './errors.js';
import type { ZkConn } from './zk-conn.js';

/**
 * The ephemeral nodes this process created through one ZooKeeperStore, with their latest data,
 * so that a new session can put them back after the old one expired.
 */
export class EphemeralRegistry {
  /** Full (chrooted) path → latest data. */
  private readonly nodes = new Map<string, Buffer>();

  add(full: string, data: Buffer): void {
    this.nodes.set(full, data);
  }

  /** Records new data for a node we own; ignores nodes that are not ours. */
  update(full: string, data: Buffer): void {
    if (this.nodes.has(full)) this.nodes.set(full, data);
  }

  remove(full: string): void {
    this.nodes.delete(full);
  }

  async recreateAll(conn: ZkConn, oldSession: string, stopped: () => boolean): Promise<void> {
    for (const [full, data] of [...this.nodes]) {
      if (stopped()) return;
      await this.recreate(conn, full, data, oldSession);
    }
  }

  /** Puts back one node; a copy still held by our dead session is replaced. */
  private async recreate(conn: ZkConn, full: string, data: Buffer, oldSession: string): Promise<void> {
    try {
      await conn.create(full, data, true, false);
      return;
    } catch (e) {
      if (!isStoreError(e, 'NODE_EXISTS')) return;
    }
    const owner = (await conn.exists(full).catch(() => null))?.ephemeralOwner.toString('hex');
    if (owner === conn.sessionId) return; // already ours
    if (owner !== oldSession) {
      // Someone else holds it now (e.g. another coordinator took the lock): it is not ours any more.
      this.nodes.delete(full);
      return;
    }
    await conn.remove(full, -1).catch(() => {});
    await conn.create(full, data, true, false).catch(() => this.nodes.delete(full));
  }
}
