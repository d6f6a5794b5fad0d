/**
 * One Lua state set up as Redis 7.0's script environment: the libraries Redis exposes (base,
 * table, string, math, coroutine, bit, cjson, redis), without io/os/package/debug/utf8/print/
 * dofile/loadfile, plus Lua 5.1 names scripts still use (unpack, math.pow, table.getn, gcinfo).
 * Globals are read-only: the globals table scripts see is an empty proxy whose writes fail with
 * "Attempt to modify a readonly table" and whose missing names fail with "Script attempted to
 * access nonexistent global variable"; library tables are read-only proxies too.
 */
import { BIT_LIB_SOURCE } from './bit-lib.js';
import { installCjson } from './cjson.js';
import { raiseWithPosition } from './lua-errors.js';
import {
  LUA_REGISTRYINDEX, M, cstr, guard, loadChunk, pop, pushFunction, setField, setGlobal, toBytes,
} from './wasm.js';

const LUA_RIDX_GLOBALS = 2n;
const REMOVED = ['io', 'os', 'package', 'debug', 'utf8', 'require', 'dofile', 'loadfile', 'print', 'warn'];
const PROTECTED_LIBS = ['redis', 'string', 'table', 'math', 'coroutine', 'bit', 'cjson'];
/**
 * Lua 5.1 names; Redis 7.0's pcall, which hands the script the `err` string of an error table
 * (redis.call raises tables) instead of the table.
 */
const COMPAT_SOURCE = `
local rawpcall, pack, tunpack, type, rawget, load = pcall, table.pack, table.unpack, type, rawget, load
pcall = function(f, ...)
  local r = pack(rawpcall(f, ...))
  if not r[1] and type(r[2]) == 'table' and type(rawget(r[2], 'err')) == 'string' then return false, rawget(r[2], 'err') end
  return tunpack(r, 1, r.n)
end
loadstring = function(s, name) return load(s, name, 't') end
unpack = table.unpack
math.pow = function(x, y) return x ^ y end
math.mod = math.fmod
table.getn = function(t) return #t end
gcinfo = function() return math.floor(collectgarbage('count')) end
`;

export class LuaState {
  readonly L: number;
  /** Registry reference of the real globals table (KEYS/ARGV are set there). */
  readonly globalsRef: number;
  private readonly fnPtrs: number[] = [];

  /** `installRedis` pushes the `redis` table onto the stack. */
  constructor(installRedis: (s: LuaState) => void) {
    const L = (this.L = M._luaL_newstate() as number);
    M._luaL_openlibs(L);
    installRedis(this);
    setGlobal(L, 'redis');
    installCjson(this);
    setGlobal(L, 'cjson');
    this.runSetup(BIT_LIB_SOURCE, 'bit');
    setGlobal(L, 'bit');
    for (const name of REMOVED) {
      M._lua_pushnil(L);
      setGlobal(L, name);
    }
    M._lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    this.globalsRef = M._luaL_ref(L, LUA_REGISTRYINDEX) as number;
    this.protect();
  }

  /** Registers a JS function as a C function of this state (released by close()). */
  fn(body: (L: number) => number): void {
    this.fnPtrs.push(pushFunction(this.L, (L) => guard(L, () => body(L))));
  }

  /** Runs setup Lua code (not user code); leaves its one result on the stack. */
  private runSetup(source: string, name: string): void {
    const L = this.L;
    if (loadChunk(L, source, `=${name}`) !== 0) throw new Error(toBytes(L, -1));
    if (M._lua_pcallk(L, 0, 1, 0, 0, 0) !== 0) throw new Error(toBytes(L, -1));
  }

  private protect(): void {
    const L = this.L;
    this.runSetup(COMPAT_SOURCE, 'compat');
    pop(L);
    this.pushReal();
    for (const lib of PROTECTED_LIBS) {
      M._lua_getfield(L, -1, cstr(lib));
      this.pushProxy(-1);
      M._lua_rotate(L, -2, 1);
      pop(L);
      setField(L, -2, lib);
    }
    // The real globals raise on missing names; scripts reach them through a read-only proxy.
    M._lua_createtable(L, 0, 1);
    this.fn((l) => raiseWithPosition(l, `Script attempted to access nonexistent global variable '${toBytes(l, 2)}'`));
    setField(L, -2, '__index');
    M._lua_setmetatable(L, -2);
    this.pushProxy(-1);
    M._lua_pushvalue(L, -1);
    setField(L, -3, '_G');
    M._lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    pop(L);
  }

  /** Pushes an empty table reading through to the table at idx and refusing writes. */
  private pushProxy(idx: number): void {
    const L = this.L;
    const target = M._lua_absindex(L, idx) as number;
    M._lua_createtable(L, 0, 0);
    M._lua_createtable(L, 0, 3);
    M._lua_pushvalue(L, target);
    setField(L, -2, '__index');
    this.fn((l) => raiseWithPosition(l, 'Attempt to modify a readonly table'));
    setField(L, -2, '__newindex');
    M._lua_pushboolean(L, 0);
    setField(L, -2, '__metatable');
    M._lua_setmetatable(L, -2);
  }

  /** Pushes the real globals table. */
  pushReal(): void {
    M._lua_rawgeti(this.L, LUA_REGISTRYINDEX, BigInt(this.globalsRef));
  }

  close(): void {
    M._lua_close(this.L);
    for (const p of this.fnPtrs) M.removeFunction(p);
  }
}
