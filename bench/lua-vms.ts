/**
 * bench:lua-vms — the two Lua VMs on npm that issue 3 asked us to weigh, side by side in one process:
 * fengari (Lua 5.3 written in JS) and wasmoon (Lua 5.4 compiled to WebAssembly, which the node
 * uses through its raw C API: nodes/scripting/wasm.ts). Both are driven the same way, through
 * their C-style APIs, with the workloads a Redis script server sees:
 *   - a CPU-bound loop in Lua;
 *   - the JS↔Lua boundary: Lua calling a JS function (think redis.call) with two byte strings and
 *     getting one back, many times;
 *   - one EVAL's set-up: fill KEYS and ARGV tables, call a cached function, read its result;
 *   - integer semantics scripts rely on (ms timestamps, counters past 2^31).
 * fengari is not a dependency of slotgate: this script installs it into a temp directory once.
 *
 *   npm run build && node dist/bench/lua-vms.js [--rounds 5]
 * Rounds alternate between the VMs; medians reported. Run it pinned: `taskset -c 1 node …`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { M, cstr, pushBytes, toBytes } from '../nodes/scripting/wasm.js';
import { machineLine, median, numArg } from './lib.js';

const ROUNDS = numArg('rounds', 5);
const CALLS = 200_000;
const EVALS = 100_000;
const LOOP = 'local x = 0 for i = 1, 3000000 do x = x + i % 7 end return x';
const CALLER = `local f = jsfn local r for i = 1, ${CALLS} do r = f('incr', 'counter:12345') end return r`;
const SCRIPT = "return jsfn('incr', KEYS[1])";

/** The operations both VMs provide, in C API terms. */
interface Vm {
  name: string;
  /** Compiles and runs `code` in a fresh state with `jsfn` installed; returns its result as text. */
  run(code: string): string;
  /** `n` EVAL-shaped calls of SCRIPT on one state (KEYS/ARGV set per call). */
  evals(n: number): void;
}

function loadFengari(): { lua: any; lauxlib: any; lualib: any; to_luastring: (s: string) => Uint8Array; to_jsstring: (b: Uint8Array) => string } {
  const dir = path.join(os.tmpdir(), 'slotgate-bench-fengari');
  if (!fs.existsSync(path.join(dir, 'node_modules', 'fengari'))) {
    fs.mkdirSync(dir, { recursive: true });
    process.stderr.write(`installing fengari into ${dir}\n`);
    execFileSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', 'fengari@0.1.4'], { stdio: 'inherit' });
  }
  return createRequire(path.join(dir, 'index.js'))('fengari');
}

function fengariVm(): Vm {
  const f = loadFengari();
  const { lua, lauxlib, lualib } = f;
  const jsfn = (L: unknown) => {
    const a = lua.lua_tolstring(L, 1);
    const b = lua.lua_tolstring(L, 2);
    lua.lua_pushstring(L, f.to_luastring(`${f.to_jsstring(a)}:${f.to_jsstring(b).length}`));
    return 1;
  };
  const state = () => {
    const L = lauxlib.luaL_newstate();
    lualib.luaL_openlibs(L);
    lua.lua_pushjsfunction(L, jsfn);
    lua.lua_setglobal(L, f.to_luastring('jsfn'));
    return L;
  };
  return {
    name: 'fengari 0.1.4 (Lua 5.3 in JS)',
    run(code) {
      const L = state();
      if (lauxlib.luaL_loadstring(L, f.to_luastring(code)) !== 0 || lua.lua_pcall(L, 0, 1, 0) !== 0) throw new Error(f.to_jsstring(lua.lua_tolstring(L, -1)));
      return f.to_jsstring(lua.lua_tolstring(L, -1));
    },
    evals(n) {
      const L = state();
      lauxlib.luaL_loadstring(L, f.to_luastring(SCRIPT));
      const ref = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
      for (let i = 0; i < n; i++) {
        lua.lua_createtable(L, 1, 0);
        lua.lua_pushstring(L, f.to_luastring(`counter:${i % 1000}`));
        lua.lua_rawseti(L, -2, 1);
        lua.lua_setglobal(L, f.to_luastring('KEYS'));
        lua.lua_createtable(L, 0, 0);
        lua.lua_setglobal(L, f.to_luastring('ARGV'));
        lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, ref);
        if (lua.lua_pcall(L, 0, 1, 0) !== 0) throw new Error('eval failed');
        f.to_jsstring(lua.lua_tolstring(L, -1));
        lua.lua_settop(L, 0);
      }
    },
  };
}

function wasmoonVm(): Vm {
  const jsfn = (L: number) => {
    const a = toBytes(L, 1);
    const b = toBytes(L, 2);
    pushBytes(L, `${a}:${b.length}`);
    return 1;
  };
  const fnPtr = M.addFunction(jsfn, 'ii');
  const state = () => {
    const L = M._luaL_newstate() as number;
    M._luaL_openlibs(L);
    M._lua_pushcclosure(L, fnPtr, 0);
    M._lua_setglobal(L, cstr('jsfn'));
    return L;
  };
  const load = (L: number, code: string) => {
    const p = M._malloc(code.length + 1) as number;
    Buffer.from(M.HEAPU8.buffer, p, code.length).latin1Write(code, 0);
    M.HEAPU8[p + code.length] = 0;
    const st = M._luaL_loadstring(L, p) as number;
    M._free(p);
    return st;
  };
  return {
    name: 'wasmoon 1.16 (Lua 5.4 in WebAssembly)',
    run(code) {
      const L = state();
      try {
        if (load(L, code) !== 0 || M._lua_pcallk(L, 0, 1, 0, 0, 0) !== 0) throw new Error(toBytes(L, -1));
        return toBytes(L, -1);
      } finally {
        M._lua_close(L);
      }
    },
    evals(n) {
      const L = state();
      load(L, SCRIPT);
      const REG = -1001000;
      const ref = M._luaL_ref(L, REG) as number;
      for (let i = 0; i < n; i++) {
        M._lua_createtable(L, 1, 0);
        pushBytes(L, `counter:${i % 1000}`);
        M._lua_rawseti(L, -2, 1n);
        M._lua_setglobal(L, cstr('KEYS'));
        M._lua_createtable(L, 0, 0);
        M._lua_setglobal(L, cstr('ARGV'));
        M._lua_rawgeti(L, REG, BigInt(ref));
        if (M._lua_pcallk(L, 0, 1, 0, 0, 0) !== 0) throw new Error('eval failed');
        toBytes(L, -1);
        M._lua_settop(L, 0);
      }
      M._lua_close(L);
    },
  };
}

function ms(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function main(): void {
  const vms = [wasmoonVm(), fengariVm()];
  const res = new Map(vms.map((v) => [v.name, { loop: [] as number[], calls: [] as number[], evals: [] as number[] }]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const vm of r % 2 ? [...vms].reverse() : vms) {
      const m = res.get(vm.name)!;
      m.loop.push(ms(() => vm.run(LOOP)));
      m.calls.push(ms(() => vm.run(CALLER)));
      m.evals.push(ms(() => vm.evals(EVALS)));
    }
  }
  const lines = [`machine: ${machineLine()}`, `rounds: ${ROUNDS} (alternating), medians`, ''];
  lines.push('| VM | CPU loop 3e6 (ms) | Lua→JS calls/s | EVAL-shaped calls/s | 2147483647 + 1 | 100000 * 100000 | 2^53 + 1 |', '|---|---|---|---|---|---|---|');
  for (const vm of vms) {
    const m = res.get(vm.name)!;
    const ints = ['return 2147483647 + 1', 'return 100000 * 100000', 'return 9007199254740992 + 1'].map((c) => vm.run(c));
    lines.push(`| ${vm.name} | ${median(m.loop).toFixed(0)} | ${(CALLS / (median(m.calls) / 1000)).toFixed(0)} | ${(EVALS / (median(m.evals) / 1000)).toFixed(0)} | ${ints.join(' | ')} |`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main();
