import type { NDArray } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import {
  isClassificationScoring,
  LOG_LOSS_EPSILON,
  resolveScoring,
  SCORING_NAMES,
} from './scoring.js';
import { interpErrorOfSync } from './test-helpers.js';

const score = (name: Parameters<typeof resolveScoring>[0], y: number[], p: number[], c: number) =>
  resolveScoring(name).score(
    Float32Array.from(y),
    Float32Array.from(p),
    y.length / (name === 'r2' || name === 'neg_mean_squared_error' ? c : 1),
    c,
  );

describe('resolveScoring(scoring)', () => {
  it('has the expected names and epsilon (float32 machine epsilon, as log_loss uses for float32)', () => {
    expect(SCORING_NAMES).toEqual(['accuracy', 'neg_log_loss', 'r2', 'neg_mean_squared_error']);
    expect(LOG_LOSS_EPSILON).toBe(1.1920928955078125e-7);
    expect(isClassificationScoring('accuracy')).toBe(true);
    expect(isClassificationScoring('r2')).toBe(false);
  });

  it('accuracy: argmax per row, ties to the lower class; one output is P(class 1) > 0.5', () => {
    // rows: argmax 1 (right), 0 (right), tie -> 0 (wrong)
    expect(score('accuracy', [1, 0, 1], [0.2, 0.8, 0.6, 0.4, 0.5, 0.5], 2)).toBeCloseTo(2 / 3, 12);
    // 0.7 -> 1 (right), 0.2 -> 0 (right), 0.5 -> 0 (wrong)
    expect(score('accuracy', [1, 0, 1], [0.7, 0.2, 0.5], 1)).toBeCloseTo(2 / 3, 12);
  });

  it('neg_log_loss: mean -ln p[target], clipped to [eps, 1 - eps] then renormalized (sklearn)', () => {
    expect(score('neg_log_loss', [1, 0], [0.2, 0.8, 0.6, 0.4], 2)).toBeCloseTo(
      (Math.log(0.8) + Math.log(0.6)) / 2,
      6,
    );
    // p = 0 is clipped to eps: -ln(eps) = 23 ln 2.
    expect(score('neg_log_loss', [0], [0, 1], 2)).toBeCloseTo(-23 * Math.LN2, 5);
    // A row summing to 0.8 is renormalized: 0.6 / 0.8.
    expect(score('neg_log_loss', [1], [0.2, 0.6], 2)).toBeCloseTo(Math.log(0.75), 6);
    // One output: the row is [1 - p, p].
    expect(score('neg_log_loss', [1, 0], [0.8, 0.8], 1)).toBeCloseTo(
      (Math.log(0.8) + Math.log(0.2)) / 2,
      6,
    );
  });

  it('r2: 1 - SS_res / SS_tot, uniform average over outputs, constant targets as sklearn', () => {
    // y 1 2 3, p 1 2 4: SS_res 1, SS_tot 2
    expect(score('r2', [1, 2, 3], [1, 2, 4], 1)).toBeCloseTo(0.5, 12);
    expect(score('r2', [2, 2], [2, 2], 1)).toBe(1);
    expect(score('r2', [2, 2], [2, 3], 1)).toBe(0);
    // Two outputs: 0.5 and (constant, exact) 1 -> 0.75.
    expect(score('r2', [1, 5, 2, 5, 3, 5], [1, 5, 2, 5, 4, 5], 2)).toBeCloseTo(0.75, 12);
  });

  it('neg_mean_squared_error: minus the mean squared error over every output', () => {
    expect(score('neg_mean_squared_error', [1, 2, 3], [1, 2, 4], 1)).toBeCloseTo(-1 / 3, 12);
    expect(score('neg_mean_squared_error', [0, 0], [1, 3], 2)).toBeCloseTo(-5, 12);
  });

  it('a function gets { data, shape } targets and predictions and its name', () => {
    function meanPred(_y: { data: ArrayLike<number> }, p: NDArray<ArrayLike<number>>) {
      expect(p.shape).toEqual([2, 1]);
      return (p.data[0]! + p.data[1]!) / 2;
    }
    const s = resolveScoring(meanPred);
    expect(s.name).toBe('meanPred');
    expect(s.score(Float32Array.of(0, 0), Float32Array.of(1, 2), 2, 1)).toBe(1.5);
    expect(
      interpErrorOfSync(() =>
        resolveScoring(() => Number.NaN).score(Float32Array.of(0), Float32Array.of(1), 1, 1),
      ).message,
    ).toMatch(/returned NaN/);
  });

  it('rejects unknown scorers, listing the choices', () => {
    const e = interpErrorOfSync(() => resolveScoring('f1' as never));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.message).toMatch(
      /invalid scoring: "f1"; expected one of 'accuracy', 'neg_log_loss', 'r2', 'neg_mean_squared_error' or a function/,
    );
  });
});
