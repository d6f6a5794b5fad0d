/** Every handler the node has, by Redis's full command name ("get", "config|get"). */
import { bitmapHandlers } from './bitmaps.js';
import { clusterHandlers } from './cluster.js';
import { connectionHandlers } from './connection.js';
import { dumpHandlers } from './dump.js';
import { geoHandlers } from './geo.js';
import { hashHandlers } from './hashes.js';
import { hllHandlers } from './hyperloglog.js';
import { keyHandlers } from './keys.js';
import { listHandlers } from './lists.js';
import type { Handler } from './registry.js';
import { serverHandlers } from './server.js';
import { setHandlers } from './sets.js';
import { sortHandlers } from './sort.js';
import { memoryHandlers } from './memory.js';
import { migrateHandlers } from './migrate.js';
import { persistenceHandlers } from './persistence.js';
import { pubsubHandlers } from './pubsub.js';
import { replicationHandlers } from './replication.js';
import { scriptingHandlers } from './scripting.js';
import { streamHandlers } from './streams.js';
import { stringHandlers } from './strings.js';
import { transactionHandlers } from './transactions.js';
import { zsetHandlers } from './zsets.js';

export const allHandlers: Record<string, Handler> = {
  ...connectionHandlers,
  ...serverHandlers,
  ...stringHandlers,
  ...keyHandlers,
  ...listHandlers,
  ...hashHandlers,
  ...setHandlers,
  ...zsetHandlers,
  ...streamHandlers,
  ...bitmapHandlers,
  ...hllHandlers,
  ...transactionHandlers,
  ...pubsubHandlers,
  ...replicationHandlers,
  ...memoryHandlers,
  ...sortHandlers,
  ...geoHandlers,
  ...dumpHandlers,
  ...clusterHandlers,
  ...migrateHandlers,
  ...persistenceHandlers,
  ...scriptingHandlers,
};
