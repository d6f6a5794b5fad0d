/**
 * `--workers N`: N proxy processes on one port (node:cluster shares the listening socket; the
 * primary hands out connections round-robin). Each worker is a complete proxy: its own backend
 * connections (a session and its backend connections live in one process, research §5 lesson 3),
 * its own store registration (`<id>-w<i>`, acking the epochs it applied) and its own admin port
 * (`--admin-port` + i - 1). The primary restarts a worker that dies and stops them all on SIGTERM.
 */
import cluster from 'node:cluster';

export function runWorkers(args: string[], workers: number, log: (msg: string) => void): void {
  let stopping = false;
  const fork = (i: number) => {
    const w = cluster.fork({ SLOTGATE_WORKER: String(i) });
    w.on('exit', (code, signal) => {
      if (stopping) return;
      log(`worker ${i} exited (${signal ?? code}); restarting`);
      setTimeout(() => fork(i), 500);
    });
  };
  cluster.setupPrimary({ args: ['proxy', ...args] });
  for (let i = 1; i <= workers; i++) fork(i);
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    let left = Object.keys(cluster.workers ?? {}).length;
    if (left === 0) process.exit(0);
    cluster.on('exit', () => --left === 0 && process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** In a worker: which one (1-based), else 0. */
export function workerIndex(): number {
  return cluster.isWorker ? Number(process.env.SLOTGATE_WORKER ?? '1') : 0;
}
