/** Every handler the node has, by Redis's full command name ("get", "config|get"). */
import { connectionHandlers } from './connection.js';
import { keyHandlers } from './keys.js';
import type { Handler } from './registry.js';
import { serverHandlers } from './server.js';
import { stringHandlers } from './strings.js';

export const allHandlers: Record<string, Handler> = {
  ...connectionHandlers,
  ...serverHandlers,
  ...stringHandlers,
  ...keyHandlers,
};
