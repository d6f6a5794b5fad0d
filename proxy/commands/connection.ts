/**
 * Commands the proxy answers for the session itself: AUTH and HELLO (the proxy's own password),
 * PING, ECHO, QUIT, RESET, SELECT (only db 0, as Redis Cluster), CLIENT over proxy sessions.
 */
import { Err } from '../../lib/errors.js';
import { CLIENT_NAME_ERR, HELLO_NOAUTH, parseHello, validClientName, writeHelloReply } from '../../lib/hello.js';
import { releaseWatch } from '../transaction.js';
import type { Session } from '../session.js';
import type { LocalHandler } from './table.js';

const VERSION = '7.0.15';

function stats(s: Session, name: string) {
  return s.server.command(name).stats;
}

function done(s: Session, name: string): void {
  s.endLocal(stats(s, name));
}

function passwordOk(s: Session, user: string | null, pass: string): boolean {
  return (user === null || user === 'default') && pass === s.server.opts.requirepass;
}

const auth: LocalHandler = (s, argv) => {
  const w = s.localReply();
  if (argv.length > 3) w.error('ERR syntax error');
  else if (s.server.opts.requirepass === '' && argv.length === 2) w.error(Err.authNoPassword);
  else if (!passwordOk(s, argv.length === 3 ? argv[1] : null, argv[argv.length - 1])) w.error(Err.wrongPass);
  else {
    s.authenticated = true;
    w.ok();
  }
  done(s, 'auth');
};

const hello: LocalHandler = (s, argv) => {
  const fail = (msg: string) => {
    s.localReply().error(msg);
    done(s, 'hello');
  };
  const req = parseHello(argv, s.resp);
  if (typeof req === 'string') return fail(req);
  if (req.auth) {
    if (!passwordOk(s, req.auth.user, req.auth.pass)) return fail(Err.wrongPass);
    s.authenticated = true;
  }
  if (!s.authenticated) return fail(HELLO_NOAUTH);
  if (req.setName !== undefined) s.name = req.setName;
  s.out.resp = req.proto;
  writeHelloReply(s.localReply(), { version: VERSION, proto: req.proto, id: s.id, mode: 'standalone', role: 'master' });
  done(s, 'hello');
};

const ping: LocalHandler = (s, argv) => {
  const w = s.localReply();
  if (argv.length > 2) w.error(Err.arity('ping'));
  else if (s.pubsub && s.pubsub.count > 0 && s.resp === 2) {
    w.array(2);
    w.bulk('pong');
    w.bulk(argv[1] ?? '');
  } else if (argv.length === 2) w.bulk(argv[1]);
  else w.simple('PONG');
  done(s, 'ping');
};

const echo: LocalHandler = (s, argv) => {
  s.localReply().bulk(argv[1]);
  done(s, 'echo');
};

const quit: LocalHandler = (s) => {
  s.localReply().ok();
  done(s, 'quit');
  s.closeAfterReply();
};

const reset: LocalHandler = (s) => {
  s.multi = null;
  releaseWatch(s);
  s.pubsub?.close();
  s.pubsub = null;
  s.name = '';
  s.out.resp = 2;
  s.authenticated = s.server.opts.requirepass === '';
  s.localReply().simple('RESET');
  done(s, 'reset');
};

const select: LocalHandler = (s, argv) => {
  const w = s.localReply();
  if (!/^-?\d+$/.test(argv[1])) w.error('ERR value is not an integer or out of range');
  else if (Number(argv[1]) !== 0) w.error('ERR SELECT is not allowed in cluster mode');
  else w.ok();
  done(s, 'select');
};

/** CLIENT LIST / INFO line for a session, with Redis's field names where they apply. */
export function clientLine(s: Session, now: number): string {
  const age = Math.floor((now - s.createdAt) / 1000);
  const idle = Math.floor((now - s.lastInteraction) / 1000);
  const flags = s.multi ? 'x' : s.pubsub && s.pubsub.count > 0 ? 'P' : 'N';
  const subs = s.pubsub ? s.pubsub.channels.size : 0;
  const psubs = s.pubsub ? s.pubsub.patterns.size : 0;
  const ssubs = s.pubsub ? s.pubsub.shards.size : 0;
  return `id=${s.id} addr=${s.addr} laddr=${s.laddr} fd=-1 name=${s.name} age=${age} idle=${idle} flags=${flags} db=0 sub=${subs} psub=${psubs} ssub=${ssubs} multi=${s.multi ? s.multi.queue.length : -1} qbuf=${s.parser.pending} qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r cmd=${s.lastCmd} user=default redir=-1 resp=${s.resp}`;
}

const clientList: LocalHandler = (s, argv) => {
  const w = s.localReply();
  const now = Date.now();
  let sessions = [...s.server.sessions.values()];
  if (argv.length >= 4 && argv[2].toLowerCase() === 'id') {
    const ids = new Set(argv.slice(3));
    sessions = sessions.filter((x) => ids.has(String(x.id)));
  } else if (argv.length === 4 && argv[2].toLowerCase() === 'type') {
    const type = argv[3].toLowerCase();
    if (!['normal', 'pubsub', 'master', 'replica', 'slave'].includes(type)) {
      w.error(`ERR Unknown client type '${argv[3]}'`);
      return done(s, 'client|list');
    }
    sessions = sessions.filter((x) => (type === 'pubsub') === !!(x.pubsub && x.pubsub.count > 0) && (type === 'normal' || type === 'pubsub'));
  } else if (argv.length !== 2) {
    w.error('ERR syntax error');
    return done(s, 'client|list');
  }
  w.verbatim(sessions.map((x) => clientLine(x, now) + '\n').join(''));
  done(s, 'client|list');
};

const clientKill: LocalHandler = (s, argv) => {
  const w = s.localReply();
  const sessions = [...s.server.sessions.values()];
  if (argv.length === 3) {
    const victim = sessions.find((x) => x.addr === argv[2]);
    if (!victim) w.error('ERR No such client');
    else {
      w.ok();
      if (victim === s) s.closeAfterReply();
      else victim.close();
    }
    return done(s, 'client|kill');
  }
  if ((argv.length - 2) % 2 !== 0) {
    w.error('ERR syntax error');
    return done(s, 'client|kill');
  }
  let matches = sessions;
  let skipme = true;
  for (let i = 2; i < argv.length; i += 2) {
    const f = argv[i].toLowerCase();
    const v = argv[i + 1];
    if (f === 'id') matches = matches.filter((x) => String(x.id) === v);
    else if (f === 'addr') matches = matches.filter((x) => x.addr === v);
    else if (f === 'laddr') matches = matches.filter((x) => x.laddr === v);
    else if (f === 'skipme') skipme = v.toLowerCase() !== 'no';
    else if (f === 'user') matches = matches.filter(() => v === 'default');
    else if (f === 'type') matches = matches.filter((x) => (v.toLowerCase() === 'pubsub') === !!(x.pubsub && x.pubsub.count > 0));
    else {
      w.error('ERR syntax error');
      return done(s, 'client|kill');
    }
  }
  let killed = 0;
  for (const x of matches) {
    if (x === s && skipme) continue;
    killed++;
    if (x === s) s.closeAfterReply();
    else x.close();
  }
  w.int(killed);
  done(s, 'client|kill');
};

const clientSetname: LocalHandler = (s, argv) => {
  const w = s.localReply();
  if (!validClientName(argv[2])) w.error(CLIENT_NAME_ERR);
  else {
    s.name = argv[2];
    w.ok();
  }
  done(s, 'client|setname');
};

const simple = (name: string, f: (s: Session) => void): LocalHandler => (s) => {
  f(s);
  done(s, name);
};

export const connectionHandlers: Record<string, LocalHandler> = {
  auth,
  hello,
  ping,
  echo,
  quit,
  reset,
  select,
  'client|list': clientList,
  'client|kill': clientKill,
  'client|setname': clientSetname,
  'client|getname': simple('client|getname', (s) => s.localReply().bulk(s.name === '' ? null : s.name)),
  'client|id': simple('client|id', (s) => s.localReply().int(s.id)),
  'client|info': simple('client|info', (s) => s.localReply().verbatim(clientLine(s, Date.now()) + '\n')),
  'client|setinfo': simple('client|setinfo', (s) => s.localReply().ok()),
};
