/**
 * `slotgate node [redis.conf] [--directive value …]`: loads configuration as redis-server does,
 * starts the node, and shuts down cleanly on SIGINT/SIGTERM.
 */
import { writeFileSync, rmSync } from 'node:fs';
import { ConfigError, parseCommandLine, parseConfigFile } from '../lib/config/redis-conf.js';
import { loadNodeConfig } from './config.js';
import { NodeServer } from './server.js';
import { attachClusterConfig } from './cluster/config-file.js';
import { resolve } from 'node:path';

export async function runNode(argv: string[]): Promise<NodeServer> {
  let server: NodeServer;
  try {
    const cli = parseCommandLine(argv);
    const fromFile = cli.file && cli.file !== '-' ? parseConfigFile(cli.file) : [];
    const { config, extras } = loadNodeConfig(cli.file ? resolve(cli.file) : undefined, [...fromFile, ...cli.directives]);
    server = new NodeServer(config, extras);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`\n*** FATAL CONFIG FILE ERROR (slotgate node) ***\n${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  try {
    // Cluster mode: reload the id, slots and peers a previous run saved (cluster-config-file).
    if (server.cluster) attachClusterConfig(server);
    // The dataset is loaded (AOF, else snapshot) before accepting connections, as Redis.
    server.persistence.load();
    server.persistence.start();
    await server.start();
  } catch (e) {
    server.log.warning((e as Error).message);
    process.exit(1);
  }
  const pidfile = server.config.get<string>('pidfile');
  if (pidfile) writeFileSync(pidfile, `${process.pid}\n`);
  const shutdown = (sig: string) => {
    server.log.warning(`Received ${sig} scheduling shutdown...`);
    // SHUTDOWN already ran the final save; signals do it here (and stay up if it fails, as Redis).
    if (sig !== 'SHUTDOWN' && !server.persistence.beforeShutdown('default')) {
      server.log.warning('Errors trying to shut down the server. Check the logs for more information.');
      return;
    }
    void server.stop().then(() => {
      if (pidfile) rmSync(pidfile, { force: true });
      server.log.warning('slotgate node is now ready to exit, bye bye...');
      process.exit(0);
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  server.on('shutdown', () => shutdown('SHUTDOWN'));
  return server;
}
