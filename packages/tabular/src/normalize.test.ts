import { describe, expect, it } from 'vitest';
import { NORMALIZE_EPSILON, Normalize } from './normalize.js';
import { interpErrorOfSync } from './test-helpers.js';

describe('Normalize', () => {
  it('uses the training mean and population std (ddof 0) plus 1e-7', () => {
    // mass: mean 3850; squared deviations 722500 + 10000 + 22500 + 1322500 + 122500 = 2200000;
    // variance 2200000 / 5 = 440000.
    const n = Normalize.fit({ mass: [3000, 3750, 4000, 5000, 3500] });
    expect(NORMALIZE_EPSILON).toBe(1e-7);
    expect(n.mean('mass')).toBe(3850);
    expect(n.std('mass')).toBeCloseTo(Math.sqrt(440000) + 1e-7, 9);
    const z = n.apply('mass', [3000, 3850]);
    expect(z[0]).toBeCloseTo(-850 / 663.3249581710799, 12);
    expect(z[1]).toBe(0);
    expect(n.invert('mass', z[0]!)).toBeCloseTo(3000, 9);
  });

  it('divides a constant column by 1e-7 instead of 0', () => {
    const n = Normalize.fit({ c: [5, 5] });
    expect(n.std('c')).toBe(1e-7);
    expect(Array.from(n.apply('c', [5]))).toEqual([0]);
  });

  it('rejects unknown and empty columns', () => {
    expect(interpErrorOfSync(() => Normalize.fit({ a: [] })).code).toBe('EMPTY_INPUT');
    expect(interpErrorOfSync(() => Normalize.fit({ a: [1] }).mean('b')).message).toMatch(
      /no column "b"; it was fitted on "a"/,
    );
  });
});
