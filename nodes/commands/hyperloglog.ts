/** hyperloglog commands. READ /work/main/CONTRIBUTING.md FIRST. */
import type { Handler } from './registry.js';

export const hllHandlers: Record<string, Handler> = {};
