/**
 * SCRIPT LOAD / EXISTS / FLUSH / KILL at the proxy. EVAL and EVALSHA are keyed (their slot's master
 * runs them, DESIGN §5), so a script must be in the cache of every master for EVALSHA to work
 * wherever its keys live: LOAD and FLUSH go to all masters, EXISTS answers 1 only for a script every
 * master has, and KILL reaches every master (OK when one of them was running a killable script).
 */
import { aggregateElements, errorText, integerReply } from '../../lib/resp/reply-scanner.js';
import { fanOut, okFromEveryMaster } from '../fanout.js';
import type { LocalHandler } from './table.js';

/** Every master computes the same SHA1 of the same body: any reply will do. */
const load: LocalHandler = (s, argv) => fanOut(s, s.server.command('script|load'), argv, (frames) => frames[0]);

const exists: LocalHandler = (s, argv) =>
  fanOut(s, s.server.command('script|exists'), argv, (frames) => {
    const perMaster = frames.map((f) => aggregateElements(f));
    const n = perMaster[0].length;
    let out = `*${n}\r\n`;
    for (let i = 0; i < n; i++) out += perMaster.every((els) => integerReply(els[i]) === 1) ? ':1\r\n' : ':0\r\n';
    return Buffer.from(out);
  });

/** OK if any master killed its script; else UNKILLABLE if one refused; else NOTBUSY (all idle). */
const kill: LocalHandler = (s, argv) =>
  fanOut(
    s,
    s.server.command('script|kill'),
    argv,
    (frames) =>
      frames.find((f) => errorText(f) === null) ??
      frames.find((f) => errorText(f)!.startsWith('UNKILLABLE ')) ??
      frames[0],
    { combineErrors: true },
  );

export const scriptingHandlers: Record<string, LocalHandler> = {
  'script|load': load,
  'script|exists': exists,
  'script|flush': okFromEveryMaster('script|flush'),
  'script|kill': kill,
};
