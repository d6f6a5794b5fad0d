/**
 * One script execution. The script runs in a fresh coroutine as `xpcall(f, handler)`, with a count
 * hook. Until `busy-reply-threshold` (lua-time-limit) passes, it runs to completion synchronously
 * (atomic, like any command). Past it, the hook yields back to JS and the script continues in
 * slices (setImmediate) while the server answers every other command BUSY — except SCRIPT KILL,
 * SHUTDOWN and the other `allow_busy` commands (dispatch checks `server.busyScript`). Inside
 * MULTI/EXEC a script never yields (the EXEC reply is being written): it runs to its end.
 */
import type { Client } from '../client.js';
import type { CallContext } from './script-call.js';
import { failureText, pushErrorTable } from './lua-errors.js';
import { writeLuaValue } from './to-resp.js';
import { LUA_OK, LUA_REGISTRYINDEX, LUA_YIELD, M, cstr, MASK_COUNT, MASK_LINE, pushBytes, raise, setField } from './wasm.js';

/** VM instructions between two time checks. */
export const HOOK_EVERY = 100_000;
/** Once busy, how long a slice runs before the event loop gets a turn. */
const SLICE_MS = 20;

export interface RunHost {
  readonly L: number;
  pushGlobals(): void;
  pushHandler(): void;
  timeLimitMs(): number;
  hookPtr: number;
  onBusy(run: ScriptRun): void;
  onDone(run: ScriptRun): void;
}

export class ScriptRun implements CallContext {
  readonly startedAt = Date.now();
  wrote = false;
  busy = false;
  killed = false;
  /** The caller disconnected while the script ran on: its reply is dropped. */
  callerGone = false;
  private sliceStart = this.startedAt;
  private thread = 0;
  private threadRef = 0;
  private nres: number;

  constructor(
    private readonly host: RunHost,
    readonly caller: Client,
    readonly client: Client,
    readonly sha: string,
    readonly readOnly: boolean,
    readonly oomAtStart: boolean,
    private readonly mayYield: boolean,
  ) {
    this.nres = M._malloc(8) as number;
  }

  /** Starts the function (registry ref) with KEYS/ARGV; true when it finished (reply written). */
  start(fnRef: number, keys: string[], args: string[]): boolean {
    const host = this.host;
    const L = host.L;
    host.pushGlobals();
    setArray(L, keys);
    setField(L, -2, 'KEYS');
    setArray(L, args);
    setField(L, -2, 'ARGV');
    M._lua_settop(L, -2);
    this.thread = M._lua_newthread(L) as number;
    this.threadRef = M._luaL_ref(L, LUA_REGISTRYINDEX) as number;
    const co = this.thread;
    M._lua_getglobal(co, cstr('xpcall'));
    M._lua_rawgeti(co, LUA_REGISTRYINDEX, BigInt(fnRef));
    host.pushHandler();
    M._lua_xmove(L, co, 1);
    M._lua_sethook(co, host.hookPtr, MASK_COUNT, HOOK_EVERY);
    return this.resume(2);
  }

  /** Continues after a yield; true when finished. */
  resume(nargs = 0): boolean {
    this.sliceStart = Date.now();
    const st = M._lua_resume(this.thread, this.host.L, nargs, this.nres) as number;
    if (st === LUA_YIELD) {
      if (!this.busy) {
        this.busy = true;
        this.host.onBusy(this);
      }
      return false;
    }
    this.finish(st);
    return true;
  }

  /** Called by the count hook of the running coroutine. */
  hook(L: number): void {
    if (this.killed) {
      // Fire on every line from now on, so a pcall in the script cannot swallow the kill.
      M._lua_sethook(L, this.host.hookPtr, MASK_LINE, 0);
      pushErrorTable(L, 'Script killed by user with SCRIPT KILL...');
      raise(L);
    }
    if (!this.mayYield || !M._lua_isyieldable(L)) return;
    const now = Date.now();
    if (this.busy ? now - this.sliceStart < SLICE_MS : now - this.startedAt < this.host.timeLimitMs()) return;
    M._lua_yieldk(L, 0, 0, 0);
  }

  private finish(status: number): void {
    const co = this.thread;
    const out = this.callerGone ? null : this.caller.out;
    if (out !== null) {
      if (status === LUA_OK && M._lua_toboolean(co, 1)) writeLuaValue(co, 2, out, this.client.out.resp);
      else out.error(failureText(co, status === LUA_OK ? 2 : -1, this.sha));
    }
    M._luaL_unref(this.host.L, LUA_REGISTRYINDEX, this.threadRef);
    M._free(this.nres);
    this.host.onDone(this);
  }
}

/** Pushes a Lua array of byte strings. */
function setArray(L: number, items: string[]): void {
  M._lua_createtable(L, items.length, 0);
  for (let i = 0; i < items.length; i++) {
    pushBytes(L, items[i]);
    M._lua_rawseti(L, -2, BigInt(i + 1));
  }
}
