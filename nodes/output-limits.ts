/** client-output-buffer-limit parsed into per-class hard/soft limits (0 = none). */
import { parseMemory } from '../lib/config/units.js';

export interface OutputLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

export interface OutputLimits {
  normal: OutputLimit;
  replica: OutputLimit;
  pubsub: OutputLimit;
}

export function parseOutputLimits(words: readonly string[]): OutputLimits {
  const none = { hard: 0, soft: 0, softSeconds: 0 };
  const out: OutputLimits = { normal: none, replica: none, pubsub: none };
  for (let i = 0; i + 3 < words.length; i += 4) {
    let cls = words[i].toLowerCase();
    if (cls === 'slave') cls = 'replica';
    const lim = { hard: parseMemory(words[i + 1]), soft: parseMemory(words[i + 2]), softSeconds: Number(words[i + 3]) };
    (out as unknown as Record<string, OutputLimit>)[cls] = lim;
  }
  return out;
}
