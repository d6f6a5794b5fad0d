/**
 * REPLICAOF SLAVEOF PSYNC SYNC REPLCONF WAIT ROLE. The machinery is in nodes/replication/; these
 * handlers parse arguments and reply as Redis 7.0 does.
 */
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { parseIntArg } from './args.js';
import type { Handler } from './registry.js';

function replicaof(c: Client, argv: string[]): void {
  const repl = c.server.replication;
  if (argv[1].toLowerCase() === 'no' && argv[2].toLowerCase() === 'one') {
    repl.unsetMaster();
    return c.out.ok();
  }
  if (c.outputClass === 'replica') return c.out.error(Err.replicaofFromReplica);
  const port = parseIntArg(argv[2]);
  if (port === null || port < 0 || port > 65535) return c.out.error(Err.invalidMasterPort);
  if (!repl.setMaster(argv[1], port)) return c.out.simple('OK Already connected to specified master');
  c.out.ok();
}

/** PSYNC / SYNC from a replica; a replica without a live link to its own master refuses. */
function syncAllowed(c: Client): boolean {
  if (c.outputClass === 'replica') return false;
  const s = c.server;
  if (s.role === 'replica' && !s.replication.linkUp) {
    c.out.error(Err.noMasterLink);
    return false;
  }
  return true;
}

function psync(c: Client, argv: string[]): void {
  if (syncAllowed(c)) c.server.replication.master.psync(c, argv[1], argv[2]);
}

function sync(c: Client): void {
  if (syncAllowed(c)) c.server.replication.master.sync(c);
}

function replconf(c: Client, argv: string[]): void {
  if (argv.length % 2 === 0) return c.out.error(Err.syntax);
  const repl = c.server.replication;
  const link = repl.master.linkOf.bind(repl.master);
  for (let i = 1; i < argv.length; i += 2) {
    const opt = argv[i].toLowerCase();
    const val = argv[i + 1];
    if (opt === 'listening-port') {
      const port = parseIntArg(val);
      if (port === null) return c.out.error(Err.notInteger);
      link(c).listeningPort = port;
    } else if (opt === 'capa') {
      if (val.toLowerCase() === 'eof') link(c).capaEof = true;
      else if (val.toLowerCase() === 'psync2') link(c).capaPsync2 = true;
    } else if (opt === 'ack') {
      // ACKs are never answered; only a replica attached to us counts.
      const off = Number(val);
      if (c.outputClass === 'replica' && Number.isSafeInteger(off)) repl.master.ack(c, off);
      return;
    } else if (opt === 'getack') {
      if (c.isMasterLink) repl.replica?.sendAck();
      return;
    } else if (!['ip-address', 'rdb-only', 'rdb-filter-only'].includes(opt)) {
      return c.out.error(Err.replconfOption(argv[i]));
    }
  }
  c.out.ok();
}

function wait(c: Client, argv: string[]): void {
  const n = parseIntArg(argv[1]);
  if (n === null) return c.out.error(Err.notInteger);
  const t = /^-?\d+$/.test(argv[2]) ? Number(argv[2]) : NaN;
  if (!Number.isSafeInteger(t)) return c.out.error(Err.timeoutNotInteger);
  if (t < 0) return c.out.error(Err.timeoutNegative);
  c.server.replication.wait(c, n, t);
}

function role(c: Client): void {
  const s = c.server;
  const repl = s.replication;
  const rep = repl.replica;
  if (rep) {
    c.out.array(5);
    c.out.bulk('slave');
    c.out.bulk(rep.host);
    c.out.int(rep.port);
    c.out.bulk(rep.status);
    c.out.int(rep.linkUp ? repl.stream.offset : -1);
    return;
  }
  const links = [...repl.master.links.values()].filter((l) => l.state === 'online');
  c.out.array(3);
  c.out.bulk('master');
  c.out.int(repl.stream.offset);
  c.out.array(links.length);
  for (const l of links) c.out.bulks([l.ip, String(l.listeningPort), String(l.ackOffset)]);
}

export const replicationHandlers: Record<string, Handler> = {
  replicaof,
  slaveof: replicaof,
  psync,
  sync,
  replconf,
  wait,
  role,
};
