import { describe, expect, test } from 'vitest';
import { Deque } from '../../nodes/types/deque.js';
import { rng } from '../helpers/rng.js';

function contents<T>(d: Deque<T>): T[] {
  return Array.from({ length: d.length }, (_, i) => d.get(i));
}

describe('Deque', () => {
  test('random pushes, pops and sets at both ends agree with an array, across the ring/block switch', () => {
    const rand = rng(12345);
    const d = new Deque<number>();
    const model: number[] = [];
    let next = 0;
    // Phases: grow well past several blocks, churn, shrink to empty, grow again.
    for (const [steps, pushBias] of [[40_000, 0.8], [20_000, 0.5], [60_000, 0.1], [15_000, 0.9]] as const) {
      for (let s = 0; s < steps; s++) {
        const r = rand();
        if (r < pushBias) {
          const v = next++;
          if (rand() < 0.5) {
            d.pushFront(v);
            model.unshift(v);
          } else {
            d.pushBack(v);
            model.push(v);
          }
        } else if (rand() < 0.5) {
          expect(d.popFront()).toBe(model.shift());
        } else {
          expect(d.popBack()).toBe(model.pop());
        }
        if (model.length > 0 && s % 97 === 0) {
          const i = Math.floor(rand() * model.length);
          d.set(i, -i);
          model[i] = -i;
        }
        if (s % 4999 === 0) expect(contents(d)).toEqual(model);
      }
      expect(d.length).toBe(model.length);
      expect(contents(d)).toEqual(model);
    }
  });

  test('a queue through many blocks (push back, pop front) keeps FIFO order', () => {
    const d = new Deque<number>();
    let head = 0;
    for (let i = 0; i < 50_000; i++) {
      d.pushBack(i);
      if (i % 3 !== 0) expect(d.popFront()).toBe(head++);
    }
    expect(d.length).toBe(50_000 - head);
    for (let i = 0; i < d.length; i++) expect(d.get(i)).toBe(head + i);
  });

  test('pops of an empty deque give undefined; clear empties it', () => {
    const d = new Deque<string>();
    expect(d.popFront()).toBeUndefined();
    expect(d.popBack()).toBeUndefined();
    for (let i = 0; i < 10_000; i++) d.pushFront(String(i));
    d.clear();
    expect(d.length).toBe(0);
    expect(d.popBack()).toBeUndefined();
    d.pushBack('x');
    expect(contents(d)).toEqual(['x']);
  });
});
