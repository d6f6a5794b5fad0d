/** String commands. */
import type { Handler } from './registry.js';

export const stringHandlers: Record<string, Handler> = {};
