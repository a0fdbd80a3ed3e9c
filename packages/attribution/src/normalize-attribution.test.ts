import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTION_SIGNS,
  normalizeAttribution,
  normalizeAttributionDefaults,
} from './normalize-attribution.js';
import { expectInterpErrors } from './test-interp-errors.js';

// A 2 x 3 map: |values| sorted [0, 1, 2, 3, 4, 5], cumulative sums [0, 1, 3, 6, 10, 15].
const MAP = { data: [1, -2, 3, -4, 5, 0], shape: [2, 3] };
const near = (a: ArrayLike<number>, b: number[]) => {
  expect(Array.from(a).map((v) => Math.round(v * 1e6) / 1e6)).toEqual(b);
};

describe('normalizeAttribution(attr, { sign, outlierPerc })', () => {
  it('has the expected defaults', () => {
    expect(normalizeAttributionDefaults).toEqual({ sign: 'absolute_value', outlierPerc: 2 });
    expect(ATTRIBUTION_SIGNS).toEqual(['all', 'positive', 'negative', 'absolute_value']);
  });

  it('scales by the value where the cumulative mass reaches 100 - outlierPerc percent', () => {
    // 80% of 15 = 12 is first reached at 15 (value 5).
    near(normalizeAttribution(MAP, { sign: 'all', outlierPerc: 20 }), [0.2, -0.4, 0.6, -0.8, 1, 0]);
    // 60% of 15 = 9 is first reached at 10 (value 4); 5 / 4 clips to 1.
    near(normalizeAttribution(MAP, { sign: 'all', outlierPerc: 40 }), [0.25, -0.5, 0.75, -1, 1, 0]);
    // Default (absolute value, 2%): 14.7 is reached at 15 (value 5).
    near(normalizeAttribution(MAP), [0.2, 0.4, 0.6, 0.8, 1, 0]);
  });

  it('keeps one sign: positive values, or negative values as magnitudes', () => {
    // Positives [1, 0, 3, 0, 5, 0]: total 9, 60% = 5.4 reached at 9 (value 5).
    near(normalizeAttribution(MAP, { sign: 'positive', outlierPerc: 40 }), [0.2, 0, 0.6, 0, 1, 0]);
    // Negatives' magnitudes [0, 2, 0, 4, 0, 0]: total 6 reached at 4.
    near(normalizeAttribution(MAP, { sign: 'negative', outlierPerc: 0 }), [0, 0.5, 0, 1, 0, 0]);
  });

  it('sums channels first', () => {
    const hwc = { data: [0.5, 0.5, -1, -1, 1, 2, -3, -1, 2, 3, 0, 0], shape: [2, 3, 2] };
    near(normalizeAttribution(hwc, { sign: 'all', outlierPerc: 20 }), [0.2, -0.4, 0.6, -0.8, 1, 0]);
  });

  it('gives zeros for an all-zero map (and for a sign with no values)', () => {
    near(
      normalizeAttribution({ data: [0, 0, 0, 0], shape: [2, 2] }, { sign: 'all' }),
      [0, 0, 0, 0],
    );
    near(
      normalizeAttribution({ data: [1, 2, 3, 4], shape: [2, 2] }, { sign: 'negative' }),
      [0, 0, 0, 0],
    );
  });

  it('rejects bad input with InterpError', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => normalizeAttribution(MAP, { sign: 'both' as 'all' }), /invalid sign: "both"/],
      [() => normalizeAttribution(MAP, { outlierPerc: 150 }), /outlierPerc must be in \[0, 100\]/],
      [() => normalizeAttribution({ data: [1, 2, 3], shape: [2, 2] }), /needs 4 values, got 3/],
      [
        () => normalizeAttribution({ data: [1, 2], shape: [2] }),
        /expected \[H, W\] or \[H, W, C\]/,
      ],
      [() => normalizeAttribution({ data: [1, Number.NaN], shape: [1, 2] }), /non-finite/],
    ];
    expectInterpErrors(cases);
  });
});
