/** Every handler the node has, by Redis's full command name. */
import { connectionHandlers } from './connection.js';
import type { Handler } from './registry.js';

export const allHandlers: Record<string, Handler> = {
  ...connectionHandlers,
};
