/**
 * Script errors as Redis 7.0 represents them: a table {err='CODE message', source=…, line=…}.
 * redis.call failures and script runtime errors are raised as such tables; the message handler
 * adds where the script was; the caller's error reply is "<err> script: <sha>, on <source>:<line>."
 */
import { M, T, frameAt, getField, pop, pushBytes, pushInt, setField, toBytes } from './wasm.js';

/**
 * Pushes {err=…} like Redis's luaPushError: "-CODE msg" keeps its code, text without a leading
 * '-' gets "ERR "; a trailing CR/LF is trimmed.
 */
export function pushErrorTable(L: number, text: string): void {
  let final: string;
  if (text.startsWith('-')) {
    const sp = text.indexOf(' ');
    final = sp < 0 ? `ERR ${text.slice(1)}` : `${text.slice(1, sp)} ${text.slice(sp + 1)}`;
  } else {
    final = `ERR ${text}`;
  }
  M._lua_createtable(L, 0, 1);
  pushBytes(L, final.replace(/[\r\n]+$/, ''));
  setField(L, -2, 'err');
}

/** Raises a runtime error "<where>msg" positioned at the calling Lua code (luaL_error). */
export function raiseWithPosition(L: number, msg: string): never {
  M._luaL_where(L, 1);
  const where = toBytes(L, -1);
  pop(L);
  pushBytes(L, where + msg);
  M._lua_error(L);
  throw new Error('unreachable');
}

/**
 * xpcall's message handler (Redis's __redis__err__handler): turns any error value into an error
 * table and records the source and line of the script code that failed (skipping a C function
 * such as redis.call or error itself).
 */
export function messageHandler(L: number): number {
  let frame = frameAt(L, 1);
  if (frame && frame.what === 'C') frame = frameAt(L, 2);
  if (M._lua_type(L, 1) !== T.TABLE) {
    M._luaL_tolstring(L, 1, 0);
    const msg = as51(toBytes(L, -1));
    M._lua_settop(L, 0);
    M._lua_createtable(L, 0, 3);
    pushBytes(L, `ERR ${msg}`);
    setField(L, -2, 'err');
  } else {
    M._lua_settop(L, 1);
  }
  if (frame) {
    pushBytes(L, frame.source);
    setField(L, -2, 'source');
    pushInt(L, frame.line);
    setField(L, -2, 'line');
  }
  return 1;
}

/** The reply for a failed script: the error table at idx (or any value) → Redis's error text. */
export function failureText(L: number, idx: number, sha: string): string {
  if (M._lua_type(L, idx) !== T.TABLE) {
    const msg = M._lua_type(L, idx) === T.STRING ? toBytes(L, idx) : 'execution failure';
    return `ERR Error running script ${sha}, ${msg.slice(0, 100)}`;
  }
  idx = M._lua_absindex(L, idx) as number;
  const err = getField(L, idx, 'err') === T.STRING ? toBytes(L, -1) : '';
  const hasSource = getField(L, idx, 'source') === T.STRING;
  const source = hasSource ? toBytes(L, -1) : '';
  const hasLine = getField(L, idx, 'line') !== T.NIL;
  const line = hasLine ? toBytes(L, -1) : '';
  pop(L, 3);
  return hasSource && hasLine ? `${err} script: ${sha}, on ${source}:${line}.` : err;
}

/**
 * Lua 5.4 messages in Lua 5.1's words (what Redis scripts and their tests see): "near <eof>" is
 * quoted, and variable info comes first: "attempt to index local 't' (a nil value)".
 */
export function as51(msg: string): string {
  return msg
    .replace(/(^|[^'])<eof>(?!')/g, "$1'<eof>'")
    .replace(/attempt to (.+?) an? (\w+) value \((local|global|field|upvalue|method|constant) '([^']*)'\)/, "attempt to $1 $3 '$4' (a $2 value)");
}
