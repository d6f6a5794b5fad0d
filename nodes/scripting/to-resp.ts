/**
 * A script's return value → the client's reply, as Redis 7.0's luaReplyToRedisReply converts it:
 * string → bulk; integer → integer; float → integer truncated toward zero; true → 1 (RESP3: #t);
 * false/nil → null; a table with `err` → error, `ok` → status, `double` → double, `big_number`,
 * `map`, `set`, `verbatim_string` → those RESP3 types; any other table → array up to the first nil.
 */
import type { ReplyWriter } from '../../lib/resp/writer.js';
import { M, T, cstr, getField, pop, toBytes } from './wasm.js';

/**
 * `scriptResp` is the script client's protocol (redis.setresp): Redis decides by it, not by the
 * caller's, whether a boolean becomes 1/null or a RESP3 boolean.
 */
export function writeLuaValue(L: number, idx: number, out: ReplyWriter, scriptResp: 2 | 3): void {
  idx = M._lua_absindex(L, idx) as number;
  switch (M._lua_type(L, idx) as number) {
    case T.STRING:
      return out.bulk(toBytes(L, idx));
    case T.BOOLEAN:
      if (scriptResp === 3) return out.bool(M._lua_toboolean(L, idx) !== 0);
      return M._lua_toboolean(L, idx) !== 0 ? out.int(1) : out.nil();
    case T.NUMBER:
      return out.int(luaNumberToInt(L, idx));
    case T.TABLE:
      return writeTable(L, idx, out, scriptResp);
    default:
      return out.nil();
  }
}

const TWO63 = 2 ** 63;

/**
 * Redis's Lua numbers are doubles cast to long long: integers beyond 2^53 lose precision the
 * same way here, and values outside the long long range give LLONG_MIN as x86's cast does.
 */
function luaNumberToInt(L: number, idx: number): number | bigint {
  const d = M._lua_isinteger(L, idx) ? Number(M._lua_tointegerx(L, idx, 0) as bigint) : (M._lua_tonumberx(L, idx, 0) as number);
  if (!(d >= -TWO63 && d < TWO63)) return -(2n ** 63n);
  return Number.isSafeInteger(Math.trunc(d)) ? Math.trunc(d) : BigInt(Math.trunc(d));
}

/** Looks at field `name` raw (Redis reads these fields without metamethods); leaves it on the stack and returns its type. */
function rawField(L: number, idx: number, name: string): number {
  M._lua_pushstring(L, cstr(name));
  return M._lua_rawget(L, idx) as number;
}

function writeTable(L: number, idx: number, out: ReplyWriter, scriptResp: 2 | 3): void {
  if (rawField(L, idx, 'err') === T.STRING) {
    const msg = toBytes(L, -1);
    pop(L);
    return out.error(msg);
  }
  pop(L);
  if (rawField(L, idx, 'ok') === T.STRING) {
    const msg = toBytes(L, -1).replace(/[\r\n]/g, ' ');
    pop(L);
    return out.simple(msg);
  }
  pop(L);
  if (rawField(L, idx, 'double') === T.NUMBER) {
    const d = M._lua_tonumberx(L, -1, 0) as number;
    pop(L);
    return out.double(d);
  }
  pop(L);
  if (rawField(L, idx, 'big_number') === T.STRING) {
    const s = toBytes(L, -1).replace(/[\r\n]/g, ' ');
    pop(L);
    return out.resp === 3 ? out.raw(`(${s}\r\n`) : out.bulk(s);
  }
  pop(L);
  if (rawField(L, idx, 'map') === T.TABLE) return writePairs(L, out, true, scriptResp);
  pop(L);
  if (rawField(L, idx, 'set') === T.TABLE) return writePairs(L, out, false, scriptResp);
  pop(L);
  if (rawField(L, idx, 'verbatim_string') === T.TABLE && writeVerbatim(L, out)) return;
  pop(L);
  writeArray(L, idx, out, scriptResp);
}

function writeArray(L: number, idx: number, out: ReplyWriter, scriptResp: 2 | 3): void {
  let n = 0;
  while ((M._lua_rawgeti(L, idx, BigInt(n + 1)) as number) !== T.NIL) {
    pop(L);
    n++;
  }
  pop(L);
  out.array(n);
  for (let i = 1; i <= n; i++) {
    M._lua_rawgeti(L, idx, BigInt(i));
    writeLuaValue(L, -1, out, scriptResp);
    pop(L);
  }
}

/** The table on top of the stack as a map (key → value) or a set (its keys); pops it. */
function writePairs(L: number, out: ReplyWriter, isMap: boolean, scriptResp: 2 | 3): void {
  const t = M._lua_gettop(L) as number;
  let n = 0;
  M._lua_pushnil(L);
  while (M._lua_next(L, t) !== 0) {
    n++;
    pop(L);
  }
  if (isMap) out.map(n);
  else out.set(n);
  M._lua_pushnil(L);
  while (M._lua_next(L, t) !== 0) {
    writeLuaValue(L, -2, out, scriptResp);
    if (isMap) writeLuaValue(L, -1, out, scriptResp);
    pop(L);
  }
  pop(L);
}

/** {verbatim_string={format='txt', string='…'}} on top; pops it when written. */
function writeVerbatim(L: number, out: ReplyWriter): boolean {
  const t = M._lua_gettop(L) as number;
  const okFormat = getField(L, t, 'format') === T.STRING;
  const okString = getField(L, t, 'string') === T.STRING;
  if (!okFormat || !okString) {
    pop(L, 2);
    return false;
  }
  const format = toBytes(L, -2);
  const s = toBytes(L, -1);
  pop(L, 3);
  if (out.resp === 3) out.raw(`=${s.length + 4}\r\n${format.slice(0, 3)}:${s}\r\n`);
  else out.bulk(s);
  return true;
}
