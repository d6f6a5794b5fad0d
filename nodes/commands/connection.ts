/** Connection commands: PING ECHO QUIT HELLO AUTH SELECT RESET, and CLIENT's subcommands. */
import { CLIENT_NAME_ERR, HELLO_NOAUTH, parseHello, validClientName, writeHelloReply } from '../../lib/hello.js';
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { VERSION } from '../server.js';
import { parseIntArg } from './args.js';
import type { Handler } from './registry.js';

function ping(c: Client, argv: string[]): void {
  if (argv.length > 2) return c.out.error(Err.arity('ping'));
  // RESP2 subscribed mode answers PING as a push-style array.
  if (c.subscriptionCount > 0 && c.out.resp === 2) {
    c.out.array(2);
    c.out.bulk('pong');
    c.out.bulk(argv.length === 2 ? argv[1] : '');
    return;
  }
  if (argv.length === 2) c.out.bulk(argv[1]);
  else c.out.simple('PONG');
}

function quit(c: Client): void {
  c.out.ok();
  c.closeAfterReply = true;
}

/** Checks a password for a user; only the `default` user exists. */
function passwordOk(c: Client, user: string, pass: string): boolean {
  const required = c.server.config.get<string>('requirepass');
  return user === 'default' && (required === '' || pass === required);
}

function auth(c: Client, argv: string[]): void {
  if (argv.length > 3) return c.out.error(Err.syntax);
  if (argv.length === 2 && c.server.config.get<string>('requirepass') === '') return c.out.error(Err.authNoPassword);
  const [user, pass] = argv.length === 3 ? [argv[1], argv[2]] : ['default', argv[1]];
  if (!passwordOk(c, user, pass)) {
    c.server.log.verbose(`auth failed for ${c.addr}`);
    return c.out.error(Err.wrongPass);
  }
  c.authenticated = true;
  c.out.ok();
}

function hello(c: Client, argv: string[]): void {
  const req = parseHello(argv, c.out.resp);
  if (typeof req === 'string') return c.out.error(req);
  if (req.auth) {
    if (!passwordOk(c, req.auth.user, req.auth.pass)) return c.out.error(Err.wrongPass);
    c.authenticated = true;
  }
  if (!c.authenticated) return c.out.error(HELLO_NOAUTH);
  if (req.setName !== undefined) c.name = req.setName;
  c.out.resp = req.proto;
  const cluster = c.server.config.get<boolean>('cluster-enabled');
  writeHelloReply(c.out, { version: VERSION, proto: req.proto, id: c.id, mode: cluster ? 'cluster' : 'standalone', role: 'master' });
}

function select(c: Client, argv: string[]): void {
  const idx = parseIntArg(argv[1]);
  if (idx === null) return c.out.error(Err.notInteger);
  if (c.server.config.get<boolean>('cluster-enabled') && idx !== 0) {
    return c.out.error('ERR SELECT is not allowed in cluster mode');
  }
  if (idx < 0 || idx >= c.server.dbs.length) return c.out.error(Err.dbIndexOutOfRange);
  c.db = c.server.dbs[idx];
  c.out.ok();
}

function reset(c: Client): void {
  c.db = c.server.dbs[0];
  c.name = '';
  c.out.resp = 2;
  c.replyMode = 'on';
  c.skipNext = false;
  if (c.monitor) {
    c.monitor = false;
    c.server.monitors.delete(c);
  }
  c.authenticated = c.server.config.get<string>('requirepass') === '';
  c.multi = null;
  c.server.watches.unwatchAll(c);
  c.server.pubsub.removeAll(c);
  c.server.emit('clientReset', c);
  c.out.simple('RESET');
}

const NAME_ERR = CLIENT_NAME_ERR;
const validName = validClientName;

function clientSetname(c: Client, argv: string[]): void {
  if (!validName(argv[2])) return c.out.error(NAME_ERR);
  c.name = argv[2];
  c.out.ok();
}

function clientList(c: Client, argv: string[]): void {
  let clients = [...c.server.clients.values()];
  for (let i = 2; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    if (opt === 'type' && i + 1 < argv.length) {
      const t = argv[++i].toLowerCase();
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(t)) return c.out.error(`ERR Unknown client type '${argv[i]}'`);
      clients = clients.filter((x) => clientType(x) === (t === 'slave' ? 'replica' : t));
    } else if (opt === 'id' && i + 1 < argv.length) {
      const ids = new Set<number>();
      for (i++; i < argv.length; i++) {
        const id = parseIntArg(argv[i]);
        if (id === null || id <= 0) return c.out.error('ERR Invalid client ID');
        ids.add(id);
      }
      clients = clients.filter((x) => ids.has(x.id));
    } else {
      return c.out.error(Err.syntax);
    }
  }
  const now = Date.now();
  c.out.verbatim(clients.map((x) => x.info(now) + '\n').join(''));
}

function clientType(c: Client): string {
  return c.isMasterLink ? 'master' : c.outputClass;
}

function clientKill(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    const target = [...c.server.clients.values()].find((x) => x.addr === argv[2]);
    if (!target) return c.out.error('ERR No such client');
    c.out.ok();
    killClient(c, target);
    return;
  }
  if (argv.length % 2 !== 0) return c.out.error(Err.syntax);
  const filters: ((x: Client) => boolean)[] = [];
  let skipMe = true;
  for (let i = 2; i < argv.length; i += 2) {
    const opt = argv[i].toLowerCase();
    const val = argv[i + 1];
    if (opt === 'id') {
      const id = parseIntArg(val);
      if (id === null || id <= 0) return c.out.error('ERR client-id should be greater than 0');
      filters.push((x) => x.id === id);
    } else if (opt === 'addr') filters.push((x) => x.addr === val);
    else if (opt === 'laddr') filters.push((x) => x.laddr === val);
    else if (opt === 'user') filters.push(() => val === 'default');
    else if (opt === 'type') {
      const t = val.toLowerCase();
      if (!['normal', 'master', 'replica', 'slave', 'pubsub'].includes(t)) return c.out.error(`ERR Unknown client type '${val}'`);
      filters.push((x) => clientType(x) === (t === 'slave' ? 'replica' : t));
    } else if (opt === 'skipme') {
      const v = val.toLowerCase();
      if (v !== 'yes' && v !== 'no') return c.out.error(Err.syntax);
      skipMe = v === 'yes';
    } else if (opt === 'maxage') {
      const age = parseIntArg(val);
      if (age === null) return c.out.error(Err.syntax);
      filters.push((x) => Date.now() - x.createdAt >= age * 1000);
    } else {
      return c.out.error(Err.syntax);
    }
  }
  const victims = [...c.server.clients.values()].filter((x) => !(skipMe && x === c) && filters.every((f) => f(x)));
  c.out.int(victims.length);
  for (const v of victims) killClient(c, v);
}

/** Killing yourself closes after this reply, as Redis does. */
function killClient(self: Client, target: Client): void {
  if (target === self) self.closeAfterReply = true;
  else target.close();
}

function clientReply(c: Client, argv: string[]): void {
  const mode = argv[2].toLowerCase();
  if (mode === 'on') {
    c.replyMode = 'on';
    c.skipNext = false;
    c.out.ok();
  } else if (mode === 'off') {
    c.replyMode = 'off';
  } else if (mode === 'skip') {
    if (c.replyMode === 'on') c.skipNext = true;
  } else {
    c.out.error(Err.syntax);
  }
}

function clientNoEvict(c: Client, argv: string[]): void {
  const v = argv[2].toLowerCase();
  if (v !== 'on' && v !== 'off') return c.out.error(Err.syntax);
  c.out.ok();
}

const CLIENT_HELP = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GETNAME', '    Return the name of the current connection.',
  'ID', '    Return the ID of the current connection.',
  'INFO', '    Return information about the current client connection.',
  'KILL <ip:port>', '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]', '    Kill connections. Options are: ID, ADDR, LADDR, TYPE, USER, SKIPME, MAXAGE.',
  'LIST [options ...]', '    Return information about client connections. Options: TYPE, ID.',
  'NO-EVICT (ON|OFF)', '    Protect current client connection from eviction.',
  'REPLY (ON|OFF|SKIP)', '    Control the replies sent to the current connection.',
  'SETNAME <name>', '    Assign the name <name> to the current connection.',
  'HELP', '    Prints this help.',
];

export const connectionHandlers: Record<string, Handler> = {
  ping,
  echo: (c, argv) => c.out.bulk(argv[1]),
  quit,
  auth,
  hello,
  select,
  reset,
  'client|id': (c) => c.out.int(c.id),
  'client|setname': clientSetname,
  'client|getname': (c) => c.out.bulk(c.name === '' ? null : c.name),
  'client|list': clientList,
  'client|info': (c) => c.out.verbatim(c.info(Date.now()) + '\n'),
  'client|kill': clientKill,
  'client|reply': clientReply,
  'client|no-evict': clientNoEvict,
  'client|help': (c) => helpReply(c, CLIENT_HELP),
};

/** HELP subcommands reply with an array of status lines. */
export function helpReply(c: Client, lines: readonly string[]): void {
  c.out.array(lines.length);
  for (const l of lines) c.out.simple(l);
}
