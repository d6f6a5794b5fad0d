/**
 * The `redis` table scripts see: call / pcall, error_reply / status_reply, sha1hex, log and its
 * LOG_* levels, setresp, set_repl and its REPL_* flags (accepted; we always replicate effects),
 * replicate_commands, breakpoint / debug (no debugger: false / nil), REDIS_VERSION(_NUM).
 * Argument checks and their wording follow Redis 7.0's script_lua.c.
 */
import { createHash } from 'node:crypto';
import { formatDouble } from '../../lib/resp/double.js';
import type { LogLevel } from '../../lib/log.js';
import { pushErrorTable } from './lua-errors.js';
import type { LuaState } from './state.js';
import { M, RAISE, T, pushBytes, pushInt, setField, toBytes } from './wasm.js';

export interface RedisLibHost {
  /** Runs a command for the script: null when it ran (reply pushed on L), else the error text. */
  command(L: number, argv: string[]): string | null;
  setResp(n: 2 | 3): void;
  log(level: LogLevel, msg: string): void;
  version: string;
}

const LOG_LEVELS: LogLevel[] = ['debug', 'verbose', 'notice', 'warning'];
const LOG_NAMES = ['LOG_DEBUG', 'LOG_VERBOSE', 'LOG_NOTICE', 'LOG_WARNING'];
const REPL = { REPL_NONE: 0, REPL_AOF: 1, REPL_SLAVE: 2, REPL_REPLICA: 2, REPL_ALL: 3 };

/** Pushes the `redis` table. */
export function installRedisLib(s: LuaState, host: RedisLibHost): void {
  const L = s.L;
  M._lua_createtable(L, 0, 24);
  const fn = (name: string, body: (l: number) => number): void => {
    s.fn(body);
    setField(L, -2, name);
  };
  fn('call', (l) => redisCall(l, host, true));
  fn('pcall', (l) => redisCall(l, host, false));
  fn('error_reply', errorReply);
  fn('status_reply', statusReply);
  fn('sha1hex', sha1hex);
  fn('log', (l) => log(l, host));
  fn('setresp', (l) => setResp(l, host));
  fn('set_repl', setRepl);
  fn('replicate_commands', (l) => (M._lua_pushboolean(l, 1), 1));
  fn('breakpoint', (l) => (M._lua_pushboolean(l, 0), 1));
  fn('debug', () => 0);
  LOG_NAMES.forEach((name, i) => {
    pushInt(L, i);
    setField(L, -2, name);
  });
  for (const [name, v] of Object.entries(REPL)) {
    pushInt(L, v);
    setField(L, -2, name);
  }
  pushBytes(L, host.version);
  setField(L, -2, 'REDIS_VERSION');
  const [maj, min, patch] = host.version.split('.').map(Number);
  pushInt(L, (maj << 16) | (min << 8) | patch);
  setField(L, -2, 'REDIS_VERSION_NUM');
}

/** An error table for redis.call to raise, or redis.pcall to return. */
function callError(L: number, text: string, raise: boolean): number {
  pushErrorTable(L, text);
  return raise ? RAISE : 1;
}

function redisCall(L: number, host: RedisLibHost, raise: boolean): number {
  const argc = M._lua_gettop(L) as number;
  if (argc === 0) return callError(L, 'Please specify at least one argument for this redis lib call', raise);
  const argv: string[] = new Array(argc);
  for (let i = 1; i <= argc; i++) {
    const t = M._lua_type(L, i);
    if (t === T.STRING) argv[i - 1] = toBytes(L, i);
    else if (t === T.NUMBER) argv[i - 1] = M._lua_isinteger(L, i) ? String(M._lua_tointegerx(L, i, 0)) : formatDouble(M._lua_tonumberx(L, i, 0) as number);
    else return callError(L, 'Lua redis lib command arguments must be strings or integers', raise);
  }
  const err = host.command(L, argv);
  if (err !== null) return callError(L, err, raise);
  // An error reply was pushed as {err=…}: redis.call raises it, redis.pcall returns it.
  if (raise && M._lua_type(L, -1) === T.TABLE && hasErrField(L)) return RAISE;
  return 1;
}

function hasErrField(L: number): boolean {
  pushBytes(L, 'err');
  const t = M._lua_rawget(L, -2);
  M._lua_settop(L, -2);
  return t === T.STRING;
}

function oneString(L: number): boolean {
  return M._lua_gettop(L) === 1 && M._lua_type(L, 1) === T.STRING;
}

function errorReply(L: number): number {
  if (!oneString(L)) return callError(L, 'wrong number or type of arguments', false);
  const msg = toBytes(L, 1);
  pushErrorTable(L, msg.startsWith('-') ? msg : `-${msg}`);
  return 1;
}

function statusReply(L: number): number {
  if (!oneString(L)) return callError(L, 'wrong number or type of arguments', false);
  M._lua_createtable(L, 0, 1);
  M._lua_pushvalue(L, 1);
  setField(L, -2, 'ok');
  return 1;
}

function sha1hex(L: number): number {
  if (M._lua_gettop(L) !== 1) return callError(L, 'wrong number of arguments', true);
  const s = M._lua_type(L, 1) === T.STRING || M._lua_type(L, 1) === T.NUMBER ? toBytes(L, 1) : '';
  pushBytes(L, createHash('sha1').update(s, 'latin1').digest('hex'));
  return 1;
}

function log(L: number, host: RedisLibHost): number {
  const argc = M._lua_gettop(L) as number;
  if (argc < 2) return callError(L, 'redis.log() requires two arguments or more.', true);
  if (M._lua_type(L, 1) !== T.NUMBER) return callError(L, 'First argument must be a number (log level).', true);
  const level = Number(M._lua_tonumberx(L, 1, 0));
  if (!(level >= 0 && level <= 3)) return callError(L, 'Invalid debug level.', true);
  const parts: string[] = [];
  for (let i = 2; i <= argc; i++) {
    const t = M._lua_type(L, i);
    if (t === T.STRING || t === T.NUMBER) parts.push(toBytes(L, i));
  }
  host.log(LOG_LEVELS[Math.trunc(level)], parts.join(' '));
  return 0;
}

function setResp(L: number, host: RedisLibHost): number {
  if (M._lua_gettop(L) !== 1) return callError(L, 'redis.setresp() requires one argument.', true);
  const n = Number(M._lua_tonumberx(L, 1, 0));
  if (n !== 2 && n !== 3) return callError(L, 'RESP version must be 2 or 3.', true);
  host.setResp(n);
  return 0;
}

function setRepl(L: number): number {
  if (M._lua_gettop(L) !== 1) return callError(L, 'redis.set_repl() requires one argument.', true);
  const flags = Number(M._lua_tonumberx(L, 1, 0));
  if (!(flags >= 0 && flags <= 3)) return callError(L, 'Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.', true);
  return 0;
}
