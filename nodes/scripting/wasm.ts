/**
 * The Lua VM: Lua 5.4 compiled to WebAssembly, from the `wasmoon` package, driven through its raw
 * C API (module._lua_*), not through wasmoon's high-level engine (which converts strings as UTF-8).
 *
 * Why wasmoon and not fengari (measured on this 2-core machine, Node 20, in-process, 20 000 calls
 * of a cached `return rcall('incr', KEYS[1])` with KEYS/ARGV set up per call and one JS callback):
 *   - call overhead: fengari 172k calls/s, wasmoon 147k calls/s (about equal; the server's own
 *     per-EVAL work dominates either way);
 *   - CPU loop (`for i=1,3e6 do x = x + i % 7 end`): fengari 159 ms, wasmoon 24 ms (6.6x);
 *   - time-limit hook + yield from the hook out of lua_resume: works in both (tested);
 *   - bytes: fengari strings are Uint8Array (natural); wasmoon needs copies through the WASM heap
 *     (done here with lua_pushlstring / lua_tolstring on raw pointers: binary-safe);
 *   - decisive: fengari's integers are 32-bit and wrap (2147483647 + 1 == -2147483648,
 *     100000 * 100000 == 1410065408), which silently breaks common scripts (ms timestamps, counters).
 *     Lua 5.4 has 64-bit integers and doubles; Redis's Lua 5.1 has doubles only, so results agree
 *     up to 2^53. Known 5.1 vs 5.4 differences: `tostring(10/2)` is "5.0", integer division `//`
 *     and bitwise operators exist, `unpack`/`loadstring`/`setfenv`/`getfenv` are not built in.
 * The WASM module loads asynchronously once per process (top-level await); creating a state per
 * server afterwards is synchronous.
 */
import { LuaFactory } from 'wasmoon';

/** The raw exports we use: C functions taking and returning numbers (lua_Integer is a BigInt). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CFn = (...args: any[]) => any;
export interface LuaModule {
  HEAPU8: Uint8Array;
  HEAP32: Int32Array;
  addFunction(fn: CFn, sig: string): number;
  removeFunction(ptr: number): void;
  [name: `_${string}`]: CFn;
}

const wasm = await new LuaFactory().getLuaModule();
export const M = wasm.module as unknown as LuaModule;

export const LUA_REGISTRYINDEX = -1001000;
export const LUA_OK = 0;
export const LUA_YIELD = 1;
export const LUA_ERRRUN = 2;
export const T = { NIL: 0, BOOLEAN: 1, LIGHTUSERDATA: 2, NUMBER: 3, STRING: 4, TABLE: 5, FUNCTION: 6 } as const;
export const MASK_COUNT = 8;
export const MASK_LINE = 4;

/** Scratch memory: a growable byte buffer for strings going in, and out-parameters. */
let scratch = M._malloc(4096) as number;
let scratchSize = 4096;
const lenOut = M._malloc(16) as number;
const cstrings = new Map<string, number>();

function reserve(n: number): number {
  if (n > scratchSize) {
    M._free(scratch);
    scratchSize = Math.max(n, scratchSize * 2);
    scratch = M._malloc(scratchSize) as number;
  }
  return scratch;
}

/** A NUL-terminated ASCII C string for a constant name, allocated once. */
export function cstr(s: string): number {
  let p = cstrings.get(s);
  if (p === undefined) {
    p = M._malloc(s.length + 1) as number;
    const heap = M.HEAPU8;
    for (let i = 0; i < s.length; i++) heap[p + i] = s.charCodeAt(i);
    heap[p + s.length] = 0;
    cstrings.set(s, p);
  }
  return p;
}

/** Pushes a byte string (one JS char per byte). */
export function pushBytes(L: number, s: string): void {
  const n = s.length;
  const p = reserve(n + 1);
  // Read HEAPU8 after reserve: malloc may grow memory and replace the view.
  const heap = M.HEAPU8;
  if (n < 64) {
    for (let i = 0; i < n; i++) heap[p + i] = s.charCodeAt(i);
  } else {
    Buffer.from(heap.buffer, p, n).latin1Write(s, 0);
  }
  M._lua_pushlstring(L, p, n);
}

/** The string at idx as a byte string (numbers are converted in place, as lua_tolstring does). */
export function toBytes(L: number, idx: number): string {
  const p = M._lua_tolstring(L, idx, lenOut) as number;
  if (p === 0) return '';
  const n = M.HEAP32[lenOut >> 2];
  const heap = M.HEAPU8;
  if (n < 32) {
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(heap[p + i]);
    return s;
  }
  return Buffer.from(heap.buffer, p, n).toString('latin1');
}

export function pop(L: number, n = 1): void {
  M._lua_settop(L, -n - 1);
}

export function pushInt(L: number, n: number | bigint): void {
  M._lua_pushinteger(L, BigInt(n));
}

export function getField(L: number, idx: number, name: string): number {
  return M._lua_getfield(L, idx, cstr(name)) as number;
}

export function setField(L: number, idx: number, name: string): void {
  M._lua_setfield(L, idx, cstr(name));
}

export function setGlobal(L: number, name: string): void {
  M._lua_setglobal(L, cstr(name));
}

/** Pushes a JS function as a C function (registered in the WASM table; see `release`). */
export function pushFunction(L: number, fn: (L: number) => number): number {
  const ptr = M.addFunction(fn, 'ii');
  M._lua_pushcclosure(L, ptr, 0);
  return ptr;
}

/**
 * Raises a Lua error with the value on top of the stack. lua_error longjmps: emscripten implements
 * that by throwing through our JS frame, so callers must not catch it (see `guard`).
 */
export function raise(L: number): never {
  M._lua_error(L);
  throw new Error('unreachable: lua_error returned');
}

/** A callback body returns this to raise the value it left on top of the stack. */
export const RAISE = -1;

/**
 * Runs a JS callback body; a JS exception (a bug, not a Lua error) becomes a Lua error instead of
 * unwinding the WASM stack. Lua errors are raised here, outside the try: lua_error longjmps, which
 * emscripten implements by throwing through our frame.
 */
export function guard(L: number, body: () => number): number {
  let result: number;
  try {
    result = body();
  } catch (e) {
    if (e === Infinity) throw e;
    pushBytes(L, e instanceof Error ? e.message : String(e));
    result = RAISE;
  }
  return result === RAISE ? raise(L) : result;
}

/** Loads a chunk (bytes) with a chunk name; returns the status (function or message on top). */
export function loadChunk(L: number, body: string, chunkname: string): number {
  const n = body.length;
  const p = M._malloc(n + 1) as number;
  Buffer.from(M.HEAPU8.buffer, p, n).latin1Write(body, 0);
  const st = M._luaL_loadbufferx(L, p, n, cstr(chunkname), 0) as number;
  M._free(p);
  return st;
}

/** Where a frame is: `source` and `currentline` of the function `level` levels up the stack. */
const debugInfo = M._malloc(256) as number;
export function frameAt(L: number, level: number): { what: string; source: string; line: number } | null {
  if (M._lua_getstack(L, level, debugInfo) === 0) return null;
  M._lua_getinfo(L, cstr('Sl'), debugInfo);
  const heap32 = M.HEAP32;
  const base = debugInfo >> 2;
  return { what: readCString(heap32[base + 3]), source: readCString(heap32[base + 4]), line: heap32[base + 6] };
}

function readCString(p: number): string {
  if (p === 0) return '';
  const heap = M.HEAPU8;
  let end = p;
  while (heap[end] !== 0) end++;
  return Buffer.from(heap.buffer, p, end - p).toString('latin1');
}
