/** Generic key-space commands. */
import type { Handler } from './registry.js';

export const keyHandlers: Record<string, Handler> = {};
