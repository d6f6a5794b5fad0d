/**
 * The replica's half of Redis's sync handshake: PING, AUTH (masterauth / masteruser), REPLCONF
 * listening-port and capa eof psync2, PSYNC <replid> <offset+1>; then, for +FULLRESYNC, the
 * snapshot payload in either form ($<len> or diskless $EOF:<mark> … <mark>).
 */
import type net from 'node:net';
import { encodeCommand } from '../../lib/resp/encode.js';
import type { LinkReader } from './link-reader.js';

export interface HandshakeOptions {
  listeningPort: number;
  auth: { user: string; pass: string } | null;
  /** Our history: the replication id and offset we can continue from. */
  replid: string;
  offset: number;
  /** Called when the master chose a full resync (the payload follows). */
  onFullSync(): void;
}

export type SyncStart =
  | { full: true; replid: string; offset: number; db: number; data: Buffer }
  | { full: false; replid: string | undefined };

export async function handshake(sock: net.Socket, reader: LinkReader, o: HandshakeOptions): Promise<SyncStart> {
  const ask = async (argv: string[]) => {
    sock.write(encodeCommand(argv));
    return reader.line();
  };
  const pong = await ask(['PING']);
  // An auth error here is expected when the master has a password: AUTH follows.
  if (pong.startsWith('-') && !/^-(NOAUTH|NOPERM)/.test(pong)) throw new Error(`PING: ${pong}`);
  if (o.auth) {
    const r = await ask(o.auth.user ? ['AUTH', o.auth.user, o.auth.pass] : ['AUTH', o.auth.pass]);
    if (r.startsWith('-')) throw new Error(`AUTH: ${r}`);
  }
  await ask(['REPLCONF', 'listening-port', String(o.listeningPort)]);
  await ask(['REPLCONF', 'capa', 'eof', 'capa', 'psync2']);
  sock.write(encodeCommand(['PSYNC', o.replid, String(o.offset + 1)]));
  const reply = await nonEmptyLine(reader);
  if (reply.startsWith('+FULLRESYNC')) {
    // A 4th word (slotgate's relaying replicas) is the stream's database at the snapshot point.
    const [, replid, offset, db] = reply.split(' ');
    o.onFullSync();
    const data = await readPayload(reader);
    return { full: true, replid, offset: Number(offset), db: Number(db ?? 0), data };
  }
  if (reply.startsWith('+CONTINUE')) return { full: false, replid: reply.split(' ')[1] };
  throw new Error(`unexpected reply to PSYNC: ${reply}`);
}

/** The master sends bare newlines as keepalives while it prepares the payload. */
async function nonEmptyLine(reader: LinkReader): Promise<string> {
  let line = '';
  while (line === '') line = await reader.line();
  return line;
}

async function readPayload(reader: LinkReader): Promise<Buffer> {
  const head = await nonEmptyLine(reader);
  if (!head.startsWith('$')) throw new Error(`bad payload header: ${head.slice(0, 64)}`);
  if (head.startsWith('$EOF:')) return reader.untilMark(head.slice(5));
  const len = Number(head.slice(1));
  if (!Number.isSafeInteger(len) || len < 0) throw new Error('bad payload length');
  return reader.bytes(len);
}
