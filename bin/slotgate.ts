#!/usr/bin/env node
/**
 * The slotgate command line: `slotgate node …` today; `proxy`, `dashboard`, `up` and `admin` join
 * as those components land.
 */
// Each command loads only its own code: a proxy that also loaded the node's modules (Lua VM, data
// types, persistence) ran its hot path measurably slower (bench:proxy SET -c 50: 4-7% fewer ops/s
// with the same code, from a larger heap), and start-up is faster.

const USAGE = `Usage: slotgate <command> [options]

Commands:
  node [redis.conf] [--directive value ...]   run a storage node (redis.conf-style configuration)
  proxy --backends h:p,… | --store URL --cluster NAME [options]   run a proxy (slotgate proxy --help)
  up [--groups 3] [--base-port 7001] [--proxy-port 19000] [--admin-port 11080] [--dir D]
                                              a local deployment: nodes + a proxy, one command

Examples:
  slotgate node --port 7001
  slotgate node ./redis.conf --port 7002 --requirepass secret
  slotgate proxy --port 19000 --backends 127.0.0.1:7001,127.0.0.1:7002
`;

async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'node':
      await (await import('../nodes/main.js')).runNode(rest);
      return;
    case 'proxy':
      await (await import('../proxy/main.js')).runProxy(rest);
      return;
    case 'up':
      await (await import('./up.js')).runUp(rest);
      return;
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return;
    default:
      process.stderr.write(`slotgate: unknown command '${cmd}'\n\n${USAGE}`);
      process.exit(2);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`slotgate: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
