/**
 * Write admission and acknowledgement for replication, consulted by dispatch only while
 * `server.replGate` is set (this node is a replica, or min-replicas-to-write / sync-replicas is
 * on), so a plain master pays one field check per command:
 * - replicas refuse writes from normal clients (-READONLY) and, with replica-serve-stale-data no,
 *   most commands while the master link is down (-MASTERDOWN);
 * - a master with min-replicas-to-write refuses writes without enough good replicas (-NOREPLICAS);
 * - with sync-replicas k the reply to a write is held until k replicas acknowledged its offset
 *   (sync-hold.ts).
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import type { NodeCommand } from '../commands/registry.js';
import { call, settle } from '../dispatch.js';
import type { Replication } from './replication.js';

export class ReplGate {
  constructor(private readonly repl: Replication) {}

  /** Replies with the error and returns true when the command must not run. */
  rejects(c: Client, cmd: NodeCommand): boolean {
    if (c.isMasterLink) return false;
    const s = c.server;
    const cfg = s.config;
    const write = isWrite(c, cmd);
    if (s.role === 'replica') {
      if (!cfg.get<boolean>('replica-serve-stale-data') && !this.repl.linkUp && !cmd.spec.flagSet.has('stale')) {
        return reject(c, cmd, Err.masterDown);
      }
      if (write && cfg.get<boolean>('replica-read-only')) return reject(c, cmd, Err.readonlyReplica);
      return false;
    }
    const min = cfg.get<number>('min-replicas-to-write');
    const maxLag = cfg.get<number>('min-replicas-max-lag');
    if (write && min > 0 && maxLag > 0 && this.repl.master.goodReplicas(maxLag) < min) {
      return reject(c, cmd, Err.noReplicas);
    }
    return false;
  }

  /** Runs a top-level command; with sync-replicas its reply waits for the replicas' ACKs. */
  call(c: Client, cmd: NodeCommand, argv: string[]): void {
    const s = c.server;
    const eligible = s.role === 'master' && !c.isMasterLink && c.outputClass !== 'replica';
    const holds = this.repl.holds;
    if (!eligible || (s.config.get<number>('sync-replicas') === 0 && !holds.has(c))) {
      call(c, cmd, argv);
      settle(s);
      return;
    }
    holds.run(c, () => {
      call(c, cmd, argv);
      settle(s);
    });
  }
}

/** A write command, or EXEC of a transaction that queued one (as Redis flags it). */
function isWrite(c: Client, cmd: NodeCommand): boolean {
  if (cmd.spec.isWrite) return true;
  return cmd.spec.name === 'exec' && c.multi !== null && c.multi.queue.some((q) => q.cmd.spec.isWrite);
}

function reject(c: Client, cmd: NodeCommand, err: string): boolean {
  cmd.stats.rejected++;
  c.out.error(err);
  return true;
}
