/**
 * A server's scripting engine: the Lua state, the script cache (SHA1 → compiled function), the
 * script client, and the one script that may be running. EVAL/EVALSHA/SCRIPT handlers call in.
 */
import { createHash } from 'node:crypto';
import { Err } from '../../lib/errors.js';
import type { Client } from '../client.js';
import { settle } from '../dispatch.js';
import type { NodeServer } from '../server.js';
import { as51, messageHandler } from './lua-errors.js';
import { installRedisLib } from './redis-lib.js';
import { ScriptRun } from './run.js';
import { scriptCommand } from './script-call.js';
import { parseShebang } from './shebang.js';
import { createScriptClient } from './script-client.js';
import { LuaState } from './state.js';
import { ReplyReader } from './to-lua.js';
import { LUA_REGISTRYINDEX, M, loadChunk, toBytes } from './wasm.js';

const engines = new WeakMap<NodeServer, ScriptEngine>();

/** The engine of a server, created on first use. */
export function scriptingOf(server: NodeServer): ScriptEngine {
  let e = engines.get(server);
  if (!e) {
    e = new ScriptEngine(server);
    engines.set(server, e);
    server.once('stopped', () => e!.close());
  }
  return e;
}

export function sha1hex(body: string): string {
  return createHash('sha1').update(body, 'latin1').digest('hex');
}

export class ScriptEngine {
  private state!: LuaState;
  private handlerRef = 0;
  /** SHA1 → the compiled function (registry ref) and its shebang flags (null: none). */
  private readonly scripts = new Map<string, { ref: number; flags: Set<string> | null }>();
  /**
   * Body → SHA1 of the scripts cached: EVAL sends the body every time, and hashing it again cost
   * about 5% of an EVAL's CPU (crypto's createHash/update/digest per call); a Map lookup does not.
   */
  private readonly shaByBody = new Map<string, string>();
  private readonly client: Client;
  private readonly reader = new ReplyReader();
  private readonly hookPtr: number;
  current: ScriptRun | null = null;
  private closed = false;

  constructor(private readonly server: NodeServer) {
    this.client = createScriptClient(server);
    this.hookPtr = M.addFunction((L: number) => this.current?.hook(L), 'vii');
    this.reset();
  }

  /** A new Lua state (start, SCRIPT FLUSH): Redis also drops the whole VM on flush. */
  private reset(): void {
    this.state?.close();
    this.scripts.clear();
    this.shaByBody.clear();
    this.state = new LuaState((s) => installRedisLib(s, {
      command: (L, argv) => this.command(L, argv),
      setResp: (n) => (this.client.out.resp = n),
      log: (level, msg) => this.server.log.log(level, msg),
      version: '7.0.15',
    }));
    this.state.fn(messageHandler);
    this.handlerRef = M._luaL_ref(this.state.L, LUA_REGISTRYINDEX) as number;
  }

  /** Server stopped: a busy script is abandoned (its next slice never runs), then the VM goes. */
  close(): void {
    this.closed = true;
    this.current = null;
    this.state.close();
    M.removeFunction(this.hookPtr);
  }

  get scriptCount(): number {
    return this.scripts.size;
  }

  has(sha: string): boolean {
    return this.scripts.has(sha);
  }

  flagsOf(sha: string): Set<string> | null {
    return this.scripts.get(sha)?.flags ?? null;
  }

  /** Compiles and caches a body; returns its SHA1, or the compile error reply. */
  load(body: string): { sha: string } | { error: string } {
    const known = this.shaByBody.get(body);
    if (known !== undefined) return { sha: known };
    const sha = sha1hex(body);
    if (this.scripts.has(sha)) return { sha };
    const shebang = parseShebang(body);
    if ('error' in shebang) return shebang;
    const L = this.state.L;
    if (loadChunk(L, shebang.code, '@user_script') !== 0) {
      const msg = toBytes(L, -1);
      M._lua_settop(L, -2);
      return { error: `ERR Error compiling script (new function): ${as51(msg)}` };
    }
    this.scripts.set(sha, { ref: M._luaL_ref(L, LUA_REGISTRYINDEX) as number, flags: shebang.flags });
    this.shaByBody.set(body, sha);
    return { sha };
  }

  flush(): void {
    this.reset();
  }

  /** Runs a cached script for `c` (the reply is written now, or when a busy script ends). */
  run(c: Client, sha: string, keys: string[], args: string[], readOnly: boolean): void {
    const fnRef = this.scripts.get(sha)!.ref;
    const s = this.server;
    const lc = this.client;
    lc.db = c.db;
    lc.out.resp = 2;
    const oomAtStart = s.config.get<number>('maxmemory') > 0 && !s.evictor.enforce();
    const run = new ScriptRun(this.runHost(), c, lc, sha, readOnly, oomAtStart, !c.inExec);
    this.current = run;
    if (run.start(fnRef, keys, args)) return;
    // Busy: the caller waits like a blocked client; its next commands queue behind the script.
    c.blocked = { cancel: () => (run.callerGone = true) };
    setImmediate(() => this.continue(run));
  }

  private continue(run: ScriptRun): void {
    if (this.closed) return;
    if (!run.resume()) {
      setImmediate(() => this.continue(run));
      return;
    }
    // The script was the top-level command: propagate its writes and wake blocked clients now.
    settle(this.server);
    const c = run.caller;
    if (run.callerGone) return;
    c.blocked = null;
    c.resume();
  }

  /** SCRIPT KILL: the reply for the requesting client. */
  kill(): string | null {
    const run = this.current;
    if (run === null || !run.busy) return Err.notBusy;
    if (run.wrote) return Err.unkillable;
    run.killed = true;
    return null;
  }

  private command(L: number, argv: string[]): string | null {
    const run = this.current!;
    const err = scriptCommand(run, argv);
    if (err !== null) return err;
    const reply = this.client.out.take();
    this.reader.push(L, reply ?? Buffer.from('+OK\r\n'));
    return null;
  }

  private runHost() {
    const state = this.state;
    return {
      L: state.L,
      hookPtr: this.hookPtr,
      pushGlobals: () => state.pushReal(),
      pushHandler: () => M._lua_rawgeti(state.L, LUA_REGISTRYINDEX, BigInt(this.handlerRef)),
      timeLimitMs: () => this.server.config.get<number>('busy-reply-threshold'),
      onBusy: (run: ScriptRun) => {
        this.server.busyScript = run;
        this.server.log.warning(`Slow script detected: still in execution after ${Date.now() - run.startedAt} milliseconds. You can try killing the script using the SCRIPT KILL command. Script name is: ${run.sha}.`);
      },
      onDone: (run: ScriptRun) => {
        if (run.busy) this.server.busyScript = null;
        this.current = null;
        this.client.db = this.server.dbs[0];
      },
    };
  }
}
