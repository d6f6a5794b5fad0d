/**
 * The exact bytes a server sends for a batch of commands, for comparing RESP3 shapes (maps, nulls,
 * nested pairs) that RawClient's parser flattens or cannot parse.
 */
import net from 'node:net';

export type Arg = string | number;

function encode(args: Arg[]): string {
  return `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(String(a), 'latin1')}\r\n${a}\r\n`).join('');
}

/**
 * Sends `cmds` on a fresh connection (after HELLO 3 when resp3) between two ECHO markers and
 * returns the bytes replied between them.
 */
export function rawBytes(port: number, cmds: Arg[][], resp3 = false, timeoutMs = 10_000): Promise<string> {
  const start = '$6\r\nstart!\r\n';
  const end = '$4\r\nend!\r\n';
  const all = [...(resp3 ? [['HELLO', 3]] : []), ['ECHO', 'start!'], ...cmds, ['ECHO', 'end!']];
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(Buffer.from(all.map(encode).join(''), 'latin1')));
    let got = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no end marker from ${port}: ${JSON.stringify(got.slice(-200))}`));
    }, timeoutMs);
    sock.on('data', (b) => {
      got += b.toString('latin1');
      if (!got.endsWith(end)) return;
      clearTimeout(timer);
      sock.destroy();
      resolve(got.slice(got.indexOf(start) + start.length, -end.length));
    });
    sock.on('error', reject);
  });
}
