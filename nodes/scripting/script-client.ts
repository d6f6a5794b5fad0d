/**
 * The client scripts run their commands as (Redis's "lua" client): a real Client over a socket
 * stand-in that never does I/O, so every handler works unchanged and writes its reply into this
 * client's ReplyWriter, from which redis.call reads it back. Not listed in CLIENT LIST.
 */
import type { Socket } from 'node:net';
import { Client } from '../client.js';
import type { NodeServer } from '../server.js';

const noop = (): void => {};

function nullSocket(): Socket {
  const s = {
    remoteAddress: undefined, remotePort: undefined, localAddress: undefined, localPort: undefined,
    writableLength: 0, setNoDelay: noop, setKeepAlive: noop, on: () => s, once: () => s,
    pause: noop, resume: noop, write: () => true, end: noop, destroy: noop,
  };
  return s as unknown as Socket;
}

export function createScriptClient(server: NodeServer): Client {
  const c = new Client(server, nullSocket(), 0);
  (c as { addr: string }).addr = 'lua';
  c.authenticated = true;
  // Blocking commands are refused in scripts (noscript); if one ran it would act as timed out.
  c.inExec = true;
  return c;
}
