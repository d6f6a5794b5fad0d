import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VITE_NODE = fileURLToPath(new URL('../../node_modules/vite-node/vite-node.mjs', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./child-task.ts', import.meta.url));

/**
 * Runs child-task.ts in its own process and resolves once it prints `until`. The child is
 * SIGKILLed if it has not got there within timeoutMs.
 */
async function runChild(env: Record<string, string>, until: string, timeoutMs: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [VITE_NODE, SCRIPT], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.on('data', (d) => { output += d; });
  const reached = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => { output += d; if (output.includes(until)) resolve(); });
    child.on('exit', (code, signal) => reject(new Error(`child exited (${code ?? signal}) before "${until}": ${output}`)));
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    await reached;
  } finally {
    clearTimeout(timer);
  }
  return child;
}

/** A separate process that holds the ephemeral node `path` of the store at `url` until killed. */
export function spawnEphemeralOwner(url: string, path: string): Promise<ChildProcess> {
  return runChild({ STORE_URL: url, NODE_PATH: path, CHILD_TASK: 'ephemeral' }, 'ready', 20_000);
}

/** A separate process that increments the counter at `path` `count` times, concurrently, then exits. */
export async function runIncrementer(url: string, path: string, count: number): Promise<void> {
  const child = await runChild({ STORE_URL: url, NODE_PATH: path, CHILD_TASK: 'increment', COUNT: String(count) }, 'done', 30_000);
  if (child.exitCode === null) await once(child, 'exit');
}

/** SIGKILL, then wait for the kernel to report the process gone (and reaped). */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
