// Run by the contract tests in a separate process (vite-node) against the store at $STORE_URL:
//   CHILD_TASK=ephemeral  create the ephemeral $NODE_PATH, say "ready", wait to be killed;
//   CHILD_TASK=increment  add 1 to the counter at $NODE_PATH $COUNT times with casLoop, say "done".
// It also exits when its stdin closes, so it cannot outlive a test process that died.
import { openStore } from '../../lib/store/index.js';
import { casLoop } from '../../lib/store/cluster.js';

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

const store = await openStore(process.env.STORE_URL!);
const path = process.env.NODE_PATH!;
if (process.env.CHILD_TASK === 'increment') {
  await Promise.all(Array.from({ length: Number(process.env.COUNT) }, () =>
    casLoop(store, path, (cur) => Buffer.from(String(Number(cur?.data.toString() ?? '0') + 1)), { retries: 500 })));
  await store.close();
  process.stdout.write('done\n');
  process.exit(0);
} else {
  await store.create(path, Buffer.from(String(process.pid)), { ephemeral: true });
  process.stdout.write('ready\n');
}
