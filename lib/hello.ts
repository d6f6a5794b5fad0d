/**
 * HELLO and client names, as Redis parses and answers them; shared by the node and the proxy (each
 * checks the password against its own configuration).
 */
import { Err } from './errors.js';
import type { ReplyWriter } from './resp/writer.js';

export const CLIENT_NAME_ERR = 'ERR Client names cannot contain spaces, newlines or special characters.';

export function validClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name.charCodeAt(i);
    if (ch < 33 || ch > 126) return false;
  }
  return true;
}

export interface HelloRequest {
  proto: 2 | 3;
  auth: { user: string; pass: string } | null;
  setName: string | undefined;
}

/** HELLO [protover [AUTH user pass] [SETNAME name]]: the request, or Redis's error text. */
export function parseHello(argv: readonly string[], currentProto: 2 | 3): HelloRequest | string {
  let proto: number = currentProto;
  let i = 1;
  if (argv.length > 1) {
    if (!/^-?\d{1,18}$/.test(argv[1])) return 'ERR Protocol version is not an integer or out of range';
    const v = Number(argv[1]);
    if (v < 2 || v > 3) return Err.noProto;
    proto = v;
    i = 2;
  }
  const req: HelloRequest = { proto: proto as 2 | 3, auth: null, setName: undefined };
  for (; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    const more = argv.length - i - 1;
    if (opt === 'auth' && more >= 2) {
      req.auth = { user: argv[i + 1], pass: argv[i + 2] };
      i += 2;
    } else if (opt === 'setname' && more >= 1) {
      req.setName = argv[++i];
      if (!validClientName(req.setName)) return CLIENT_NAME_ERR;
    } else {
      return `ERR Syntax error in HELLO option '${argv[i]}'`;
    }
  }
  return req;
}

export const HELLO_NOAUTH =
  'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time';

/** HELLO's reply map (written after the writer switched to the new protocol). */
export function writeHelloReply(w: ReplyWriter, f: { version: string; proto: number; id: number; mode: string; role: string }): void {
  w.map(7);
  w.bulk('server'); w.bulk('redis');
  w.bulk('version'); w.bulk(f.version);
  w.bulk('proto'); w.int(f.proto);
  w.bulk('id'); w.int(f.id);
  w.bulk('mode'); w.bulk(f.mode);
  w.bulk('role'); w.bulk(f.role);
  w.bulk('modules'); w.array(0);
}
