/** Server commands. */
import type { Handler } from './registry.js';

export const serverHandlers: Record<string, Handler> = {};
