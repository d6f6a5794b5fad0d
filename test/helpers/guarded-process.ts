import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';

/**
 * A server process started for a test that cannot outlive the test process: it runs under a tiny
 * sh wrapper that reads our stdin and SIGKILLs the server when that pipe closes — which happens on
 * stop() and also when the test process dies without cleaning up (a crashed fork, a ^C).
 */
export interface GuardedProcess {
  readonly child: ChildProcess;
  /** Kill the server (SIGKILL) and wait, bounded, until it is gone. */
  stop(timeoutMs?: number): Promise<void>;
  readonly exited: boolean;
}

export function spawnGuarded(cmd: string, args: string[], logFile: string): GuardedProcess {
  const log = fs.openSync(logFile, 'a');
  // "$@" keeps arguments intact; `wait` makes the wrapper exit only once the server is reaped.
  const script = '"$@" </dev/null & s=$!; read _; kill -9 $s 2>/dev/null; wait $s';
  const child = spawn('sh', ['-c', script, 'guard', cmd, ...args], { stdio: ['pipe', log, log] });
  fs.closeSync(log);
  let exited = false;
  const exit = once(child, 'exit').then(() => { exited = true; });
  return {
    child,
    get exited() { return exited; },
    async stop(timeoutMs = 10_000) {
      if (exited) return;
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Poll `probe` until it returns true; fails after `timeoutMs`. For readiness, never a fixed sleep. */
export async function waitUntil(
  probe: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await Promise.resolve().then(probe).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
