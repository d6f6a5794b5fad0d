import fs from 'node:fs';
import { randomUUID } from 'node:crypto';

/**
 * Who owns an ephemeral record or a lock in the file store: a process (pid plus its start time, so
 * a recycled pid is not mistaken for the dead owner) and, inside it, one open store.
 */
export interface Owner {
  pid: number;
  /** Kernel start time of the process (/proc/<pid>/stat field 22); null where unavailable. */
  start: string | null;
  session: string;
}

/** State letter and start time from /proc/<pid>/stat, or null (no such process, or no /proc). */
function procStat(pid: number): { state: string; start: string } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may contain spaces and parentheses: count the fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, start: fields[19]! };
  } catch {
    return null;
  }
}

export function newOwner(): Owner {
  return { pid: process.pid, start: procStat(process.pid)?.start ?? null, session: randomUUID() };
}

export function isProcessAlive(pid: number, start: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (start === null) return true;
  const now = procStat(pid);
  if (now === null) return true; // no /proc: the signal check is all we have
  // A zombie (killed, not yet reaped) is dead for our purposes.
  return now.start === start && now.state !== 'Z';
}

export function parseOwner(x: unknown): Owner | null {
  const o = x as Partial<Owner> | null;
  if (!o || typeof o.pid !== 'number' || typeof o.session !== 'string') return null;
  return { pid: o.pid, start: typeof o.start === 'string' ? o.start : null, session: o.session };
}
