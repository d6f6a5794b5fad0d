/**
 * Where a request goes: its keys' slot → the owning group's master (DESIGN §5). Keyed commands
 * forward the client's original bytes; -MOVED / -ASK / -TRYAGAIN replies are followed within
 * bounds (Forward) so a client sees an error only when a bound is exceeded.
 */
import { keyPositions } from '../lib/commands/keys.js';
import { Err } from '../lib/errors.js';
import { keySlot } from '../lib/slot/index.js';
import { encodeCommand } from '../lib/resp/encode.js';
import type { BackendConn } from './backend.js';
import type { ProxyCommand } from './commands/table.js';
import { Forward } from './forward.js';
import { splitCommand } from './multikey.js';
import type { Session } from './session.js';
import { pubsubCommand } from './pubsub.js';

/** Slot of the request's keys: >= 0, NO_KEYS, or CROSS (keys in several slots). */
export const NO_KEYS = -1;
export const CROSS = -2;

export function commandSlot(cmd: ProxyCommand, argv: string[]): number {
  const ki = cmd.keyIndex;
  if (ki > 0 && ki < argv.length) return keySlot(argv[ki]);
  const positions = keyPositions(cmd.spec, argv);
  if (positions === null || positions.length === 0) return NO_KEYS;
  const slot = keySlot(argv[positions[0]]);
  for (let i = 1; i < positions.length; i++) if (keySlot(argv[positions[i]]) !== slot) return CROSS;
  return slot;
}

export function route(s: Session, cmd: ProxyCommand, argv: string[], raw: Buffer | null): void {
  switch (cmd.kind) {
    case 'keyed':
      return forwardKeyed(s, cmd, argv, raw);
    case 'local': {
      s.localReply();
      cmd.handler!(s, argv);
      return;
    }
    case 'split':
      return splitCommand(s, cmd, argv, raw);
    case 'blocking':
      return forwardBlocking(s, cmd, argv, raw);
    case 'any':
      return forwardAny(s, cmd, argv, raw);
    case 'pubsub':
      pubsubCommand(s, cmd, argv, raw);
      return;
    default:
      return s.fail(cmd, `ERR slotgate proxy: '${cmd.spec.name.replace('|', ' ')}' is not supported through the proxy`);
  }
}

function forwardKeyed(s: Session, cmd: ProxyCommand, argv: string[], raw: Buffer | null): void {
  let slot = commandSlot(cmd, argv);
  if (slot === CROSS) return s.fail(cmd, Err.crossSlot);
  // Keyless forms (EVAL with 0 keys, malformed key arguments): any master answers.
  if (slot === NO_KEYS) slot = 0;
  const server = s.server;
  if (server.opts.readFromReplicas && cmd.spec.flagSet.has('readonly')) {
    const replica = server.replicaOf(slot, s.id);
    if (replica !== null) return send(s, cmd, argv, raw, slot, server.pool.shared(replica, s.resp, s.id, true));
  }
  const addr = server.masterOf(slot);
  if (addr === null) return s.fail(cmd, Err.clusterDown);
  send(s, cmd, argv, raw, slot, server.pool.shared(addr, s.resp, s.id));
}

/** Forwards the request's bytes on `conn`, or fails it fast when the connection is overloaded. */
function send(s: Session, cmd: ProxyCommand, argv: string[], raw: Buffer | null, slot: number, conn: BackendConn): void {
  if (conn.overloaded) return s.fail(cmd, conn.overloadError());
  const f = new Forward(s, s, cmd.stats, argv, raw, slot);
  s.enqueue(f);
  conn.send(raw ?? encodeCommand(argv), f);
}

function forwardAny(s: Session, cmd: ProxyCommand, argv: string[], raw: Buffer | null): void {
  const addr = s.server.anyMaster();
  if (addr === null) return s.fail(cmd, Err.clusterDown);
  send(s, cmd, argv, raw, -1, s.server.pool.shared(addr, s.resp, s.id));
}

/** XREAD / XREADGROUP block only with BLOCK; everything flagged blocking otherwise always may. */
function mayBlock(cmd: ProxyCommand, argv: string[]): boolean {
  const name = cmd.spec.name;
  if (name !== 'xread' && name !== 'xreadgroup') return true;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i].toLowerCase();
    if (a === 'block') return true;
    if (a === 'streams') return false;
  }
  return false;
}

/**
 * A blocking command gets a private connection of the session's (one per server, kept while the
 * session lives) so it blocks nobody else, and the session runs nothing else until it returns.
 */
function forwardBlocking(s: Session, cmd: ProxyCommand, argv: string[], raw: Buffer | null): void {
  if (!mayBlock(cmd, argv) || s.multi !== null) return forwardKeyed(s, cmd, argv, raw);
  const slot = commandSlot(cmd, argv);
  if (slot === CROSS) return s.fail(cmd, Err.crossSlot);
  const addr = s.server.masterOf(slot === NO_KEYS ? 0 : slot);
  if (addr === null) return s.fail(cmd, Err.clusterDown);
  let conn = s.blockingConns.get(addr);
  if (!conn || conn.dead) {
    conn = s.server.pool.private(addr, s.resp);
    s.blockingConns.set(addr, conn);
  }
  const f = new Forward(s, s, cmd.stats, argv, raw, slot, conn);
  s.enqueue(f);
  s.hold(f);
  conn.send(raw ?? encodeCommand(argv), f);
}
