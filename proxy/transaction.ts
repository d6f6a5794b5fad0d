/**
 * MULTI/EXEC through the proxy: commands are checked and queued locally (QUEUED, or an error that
 * makes EXEC answer EXECABORT, as Redis does), must all hash to one slot, and at EXEC go to that
 * slot's master as one contiguous MULTI … EXEC batch, so nothing interleaves. WATCH pins a private
 * connection to the watched keys' master; EXEC then runs there.
 */
import { Err } from '../lib/errors.js';
import { encodeCommand } from '../lib/resp/encode.js';
import type { BackendConn } from './backend.js';
import type { ProxyCommand } from './commands/table.js';
import { Forward } from './forward.js';
import { DISCARD } from './pending.js';
import { commandSlot, CROSS, NO_KEYS } from './router.js';
import type { LocalHandler } from './commands/table.js';
import type { Session } from './session.js';

export interface TxState {
  queue: string[][];
  aborted: boolean;
  /** The slot all queued keys hash to, or NO_KEYS so far. */
  slot: number;
}

/** Commands that act on the transaction itself instead of being queued. */
export const TX_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Not allowed inside MULTI at the proxy: they have no single backend to run on. */
const NOT_IN_MULTI = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe']);

export function queueInMulti(s: Session, cmd: ProxyCommand, argv: string[]): void {
  const tx = s.multi!;
  if (cmd.kind === 'unsupported' && !NOT_IN_MULTI.has(cmd.spec.name) && cmd.spec.name !== 'publish') {
    tx.aborted = true;
    return s.fail(cmd, `ERR slotgate proxy: '${cmd.spec.name.replace('|', ' ')}' is not supported through the proxy`);
  }
  if (NOT_IN_MULTI.has(cmd.spec.name) || cmd.spec.flagSet.has('no_multi')) {
    tx.aborted = true;
    return s.fail(cmd, 'ERR Command not allowed inside a transaction');
  }
  let slot = cmd.spec.name === 'publish' ? NO_KEYS : commandSlot(cmd, argv);
  if (cmd.kind === 'split' || cmd.kind === 'keyed' || cmd.kind === 'blocking') {
    if (slot === CROSS || (slot >= 0 && tx.slot >= 0 && slot !== tx.slot) || (slot >= 0 && s.watch && s.watch.slot !== slot)) {
      tx.aborted = true;
      return s.fail(cmd, Err.crossSlot);
    }
  } else {
    slot = NO_KEYS;
  }
  if (slot >= 0) tx.slot = slot;
  tx.queue.push(argv);
  s.localReply().simple('QUEUED');
  s.endLocal(cmd.stats);
}

const multi: LocalHandler = (s) => {
  const cmd = s.server.commands.get('multi')!;
  if (s.multi) return s.fail(cmd, 'ERR MULTI calls can not be nested');
  s.multi = { queue: [], aborted: false, slot: s.watch?.slot ?? NO_KEYS };
  s.localReply().ok();
  s.endLocal(cmd.stats);
};

const discard: LocalHandler = (s) => {
  const cmd = s.server.commands.get('discard')!;
  if (!s.multi) return s.fail(cmd, 'ERR DISCARD without MULTI');
  s.multi = null;
  releaseWatch(s);
  s.localReply().ok();
  s.endLocal(cmd.stats);
};

const exec: LocalHandler = (s, argv) => {
  const cmd = s.server.commands.get('exec')!;
  const tx = s.multi;
  if (!tx) return s.fail(cmd, 'ERR EXEC without MULTI');
  s.multi = null;
  if (tx.aborted) {
    releaseWatch(s);
    return s.fail(cmd, Err.execAbort);
  }
  const slot = tx.slot >= 0 ? tx.slot : 0;
  let conn: BackendConn;
  if (s.watch) {
    conn = s.watch.conn;
  } else {
    const addr = s.server.masterOf(slot);
    if (addr === null) return s.fail(cmd, Err.clusterDown);
    conn = s.server.pool.shared(addr, s.resp, s.id);
  }
  // One contiguous batch: no other session's command can come between MULTI and EXEC.
  const f = new Forward(s, s, cmd.stats, argv, null, slot, conn);
  s.enqueue(f);
  conn.send(encodeCommand(['MULTI']), DISCARD);
  for (const q of tx.queue) conn.send(encodeCommand(q), DISCARD);
  conn.send(encodeCommand(['EXEC']), f);
  if (s.watch) {
    s.watch = null;
    // The private connection goes once EXEC's reply is in (its WATCHes end with EXEC anyway).
    conn.send(encodeCommand(['QUIT']), DISCARD);
  }
};

const watch: LocalHandler = (s, argv) => {
  const cmd = s.server.commands.get('watch')!;
  if (s.multi) return s.fail(cmd, 'ERR WATCH inside MULTI is not allowed');
  const slot = commandSlot(cmd, argv);
  if (slot === CROSS || (s.watch && s.watch.slot !== slot)) return s.fail(cmd, Err.crossSlot);
  const addr = s.server.masterOf(slot);
  if (addr === null) return s.fail(cmd, Err.clusterDown);
  if (!s.watch) s.watch = { conn: s.server.pool.private(addr, s.resp), slot };
  const f = new Forward(s, s, cmd.stats, argv, null, slot, s.watch.conn);
  s.enqueue(f);
  s.watch.conn.send(encodeCommand(argv), f);
};

const unwatch: LocalHandler = (s) => {
  const cmd = s.server.commands.get('unwatch')!;
  releaseWatch(s);
  s.localReply().ok();
  s.endLocal(cmd.stats);
};

export function releaseWatch(s: Session): void {
  s.watch?.conn.close();
  s.watch = null;
}

export const transactionHandlers: Record<string, LocalHandler> = { multi, exec, discard, watch, unwatch };
