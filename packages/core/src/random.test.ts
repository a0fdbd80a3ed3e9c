import { describe, expect, it } from 'vitest';
import { InterpError } from './errors.js';
import { createRng, toRng } from './random.js';

describe('createRng(seed)', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = Array.from({ length: 5 }, createRng(0).random);
    const b = Array.from({ length: 5 }, createRng(0).random);
    const c = Array.from({ length: 5 }, createRng(1).random);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('random() is uniform on [0, 1): mean ~ 1/2, variance ~ 1/12', () => {
    const rng = createRng(42);
    const n = 200_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = rng.random();
      expect(v >= 0 && v < 1).toBe(true);
      s += v;
      s2 += v * v;
    }
    const mean = s / n;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(s2 / n - mean * mean).toBeCloseTo(1 / 12, 2);
  });

  it('normal() has mean ~ 0 and std ~ 1', () => {
    const rng = createRng(7);
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = rng.normal();
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.02);
    expect(Math.sqrt(s2 / n)).toBeCloseTo(1, 1);
  });

  it('permutation(n) contains every index once; int(n) stays in range', () => {
    const rng = createRng(3);
    const p = Array.from(rng.permutation(100)).sort((x, y) => x - y);
    expect(p).toEqual(Array.from({ length: 100 }, (_, i) => i));
    for (let i = 0; i < 1000; i++) {
      const v = rng.int(7);
      expect(Number.isInteger(v) && v >= 0 && v < 7).toBe(true);
    }
  });

  it('rejects a non-integer seed with an InterpError', () => {
    expect(() => createRng(1.5)).toThrow(InterpError);
    expect(() => createRng(1.5)).toThrow(/seed must be an integer/);
  });

  it('toRng(state) passes generators through and seeds numbers', () => {
    const g = createRng(5);
    expect(toRng(g)).toBe(g);
    expect(toRng(5).random()).toBe(createRng(5).random());
  });
});
