/**
 * The `cjson` library Redis ships (lua-cjson 2.1 defaults): encode / decode / null.
 * Strings are bytes: encoding passes bytes >= 0x80 through and escapes '/' as lua-cjson does;
 * decoding turns \uXXXX escapes into UTF-8 bytes. Numbers encode with "%.14g"; decoded numbers
 * become integers when integral (Lua 5.4) — the same reply either way.
 */
import type { LuaState } from './state.js';
import { M, RAISE, T, pushBytes, pushInt, setField, toBytes } from './wasm.js';

const MAX_DEPTH = 1000;

export function installCjson(s: LuaState): void {
  const L = s.L;
  M._lua_createtable(L, 0, 3);
  s.fn((l) => {
    if (M._lua_gettop(l) !== 1) return fail(l, 'bad argument #1 to \'encode\' (expected 1 argument)');
    pushBytes(l, encode(l, 1, 0));
    return 1;
  });
  setField(L, -2, 'encode');
  s.fn((l) => {
    if (M._lua_gettop(l) !== 1) return fail(l, 'bad argument #1 to \'decode\' (expected 1 argument)');
    let v: unknown;
    try {
      v = JSON.parse(toBytes(l, 1));
    } catch {
      return fail(l, 'Expected value but found invalid token at character 1');
    }
    pushJson(l, v, 0);
    return 1;
  });
  setField(L, -2, 'decode');
  M._lua_pushlightuserdata(L, 0);
  setField(L, -2, 'null');
}

function fail(L: number, msg: string): number {
  pushBytes(L, msg);
  return RAISE;
}

function encode(L: number, idx: number, depth: number): string {
  idx = M._lua_absindex(L, idx) as number;
  switch (M._lua_type(L, idx) as number) {
    case T.STRING: return quote(toBytes(L, idx));
    case T.NUMBER: return encodeNumber(L, idx);
    case T.BOOLEAN: return M._lua_toboolean(L, idx) ? 'true' : 'false';
    case T.NIL: return 'null';
    case T.LIGHTUSERDATA: if (M._lua_touserdata(L, idx) === 0) return 'null'; break;
    case T.TABLE:
      if (depth >= MAX_DEPTH) throw new Error('Cannot serialise, excessive nesting (1001)');
      return encodeTable(L, idx, depth + 1);
  }
  const name = (M._lua_typename as (L: number, t: number) => number)(L, M._lua_type(L, idx) as number);
  throw new Error(`Cannot serialise ${readName(name)}: type not supported`);
}

function readName(p: number): string {
  let s = '';
  for (let i = p; M.HEAPU8[i] !== 0; i++) s += String.fromCharCode(M.HEAPU8[i]);
  return s;
}

function encodeNumber(L: number, idx: number): string {
  const d = M._lua_isinteger(L, idx) ? Number(M._lua_tointegerx(L, idx, 0)) : (M._lua_tonumberx(L, idx, 0) as number);
  if (!Number.isFinite(d)) throw new Error('Cannot serialise number: must not be NaN or Inf');
  return g14(d);
}

/** printf("%.14g"). */
export function g14(d: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const t = Number.isInteger(d) && Math.abs(d) >= 1e14 && Math.abs(d) < 1e21 ? evenExponential(d) : d.toExponential(13);
  const at = t.indexOf('e');
  const exp = Number(t.slice(at + 1));
  const neg = d < 0 ? '-' : '';
  const digits = t.slice(0, at).replace('-', '').replace('.', '').replace(/0+$/, '');
  if (exp < -4 || exp >= 14) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${neg}${mant}e${exp < 0 ? '-' : '+'}${Math.abs(exp) < 10 ? '0' : ''}${Math.abs(exp)}`;
  }
  if (exp < 0) return `${neg}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return neg + digits + '0'.repeat(exp + 1 - digits.length);
  return `${neg}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/**
 * toExponential(13) for a large integer, rounding an exact tie to even as printf does (JS rounds
 * ties up): 123456789012345 → "1.2345678901234e+14".
 */
function evenExponential(d: number): string {
  const digits = BigInt(Math.abs(d)).toString();
  let head = BigInt(digits.slice(0, 14));
  const rest = digits.slice(14);
  const half = '5' + '0'.repeat(rest.length - 1);
  if (rest > half || (rest === half && (head & 1n) === 1n)) head++;
  let s = head.toString();
  let exp = digits.length - 1;
  if (s.length > 14) {
    s = s.slice(0, 14);
    exp++;
  }
  return `${d < 0 ? '-' : ''}${s[0]}.${s.slice(1)}e+${exp}`;
}

/** lua-cjson: an array when every key is a positive integer and it is not too sparse. */
function arrayLength(L: number, idx: number): number {
  let max = 0;
  let count = 0;
  M._lua_pushnil(L);
  while (M._lua_next(L, idx) !== 0) {
    M._lua_settop(L, -2);
    const isInt = M._lua_type(L, -1) === T.NUMBER && Number.isInteger(M._lua_tonumberx(L, -1, 0) as number);
    const k = isInt ? (M._lua_tonumberx(L, -1, 0) as number) : 0;
    if (k < 1) {
      M._lua_settop(L, -2);
      return -1;
    }
    max = Math.max(max, k);
    count++;
  }
  if (max > 10 && max > count * 2) throw new Error('Cannot serialise table: excessively sparse array');
  return max;
}

function encodeTable(L: number, idx: number, depth: number): string {
  const n = arrayLength(L, idx);
  if (n > 0) {
    const parts: string[] = [];
    for (let i = 1; i <= n; i++) {
      M._lua_rawgeti(L, idx, BigInt(i));
      parts.push(encode(L, -1, depth));
      M._lua_settop(L, -2);
    }
    return `[${parts.join(',')}]`;
  }
  const parts: string[] = [];
  M._lua_pushnil(L);
  while (M._lua_next(L, idx) !== 0) {
    const kt = M._lua_type(L, -2);
    let key: string;
    if (kt === T.STRING) key = quote(toBytes(L, -2));
    else if (kt === T.NUMBER) key = `"${encodeNumber(L, -2)}"`;
    else throw new Error('Cannot serialise table: table key must be a number or string');
    parts.push(`${key}:${encode(L, -1, depth)}`);
    M._lua_settop(L, -2);
  }
  return `{${parts.join(',')}}`;
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function quote(s: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${s.replace(/["\\/\x00-\x1f\x7f]/g, (ch) => ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}

/** A JSON.parse result → Lua (strings back to bytes: chars above 0xff came from \u escapes). */
function pushJson(L: number, v: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new Error('Found too many nested data structures (1001)');
  if (v === null) return M._lua_pushlightuserdata(L, 0);
  if (typeof v === 'string') return pushBytes(L, /[^\x00-\xff]/.test(v) ? Buffer.from(v, 'utf8').toString('latin1') : v);
  if (typeof v === 'number') return Number.isSafeInteger(v) ? pushInt(L, v) : M._lua_pushnumber(L, v);
  if (typeof v === 'boolean') return M._lua_pushboolean(L, v ? 1 : 0);
  if (Array.isArray(v)) {
    M._lua_createtable(L, v.length, 0);
    v.forEach((x, i) => {
      pushJson(L, x, depth + 1);
      M._lua_rawseti(L, -2, BigInt(i + 1));
    });
    return;
  }
  const entries = Object.entries(v as Record<string, unknown>);
  M._lua_createtable(L, 0, entries.length);
  for (const [k, x] of entries) {
    pushBytes(L, /[^\x00-\xff]/.test(k) ? Buffer.from(k, 'utf8').toString('latin1') : k);
    pushJson(L, x, depth + 1);
    M._lua_rawset(L, -3);
  }
}
