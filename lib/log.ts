/**
 * Redis-style log lines: `pid:role dd Mon yyyy hh:mm:ss.mmm <level> message`, to stdout or a file.
 * Levels as redis.conf names them; "nothing" silences everything.
 */
import { appendFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning' | 'nothing';
const RANK: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const MARK: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#', nothing: ' ' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class Logger {
  constructor(
    public level: LogLevel = 'notice',
    public role = 'M',
    public file = '',
  ) {}

  log(level: LogLevel, msg: string): void {
    if (RANK[level] < RANK[this.level] || this.level === 'nothing') return;
    const line = `${process.pid}:${this.role} ${stamp(new Date())} ${MARK[level]} ${msg}\n`;
    if (this.file) {
      try {
        appendFileSync(this.file, line);
        return;
      } catch {
        // fall through to stdout: a broken log file must not stop the server
      }
    }
    process.stdout.write(line);
  }

  debug(m: string): void { this.log('debug', m); }
  verbose(m: string): void { this.log('verbose', m); }
  notice(m: string): void { this.log('notice', m); }
  warning(m: string): void { this.log('warning', m); }
}

function stamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
