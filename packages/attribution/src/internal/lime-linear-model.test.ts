import { describe, expect, it } from 'vitest';
import { fitLasso, fitWeightedLeastSquares } from './lime-linear-model.js';

// y = 1 + 2 a - 3 b exactly on 5 rows.
const X = Float64Array.from([0, 0, 1, 0, 0, 1, 1, 1, 2, 1]);
const Y = [1, 3, -2, 0, 2];
const ONES = [1, 1, 1, 1, 1];

describe('interpretable linear models', () => {
  it('fitWeightedLeastSquares recovers an exact linear relation with an intercept', () => {
    const fit = fitWeightedLeastSquares(X, Y, [1, 2, 0.5, 1, 3], 5, 2);
    expect(fit.coef[0]).toBeCloseTo(2, 10);
    expect(fit.coef[1]).toBeCloseTo(-3, 10);
    expect(fit.intercept).toBeCloseTo(1, 10);
  });

  it('fitWeightedLeastSquares weights rows: a heavy row is fitted (almost) exactly', () => {
    // One feature, y = [0, 1, 0, 5] at x = [0, 1, 0, 1]; weight 1e6 on row 3 pulls the line there.
    const fit = fitWeightedLeastSquares(
      Float64Array.from([0, 1, 0, 1]),
      [0, 1, 0, 5],
      [1, 1, 1, 1e6],
      4,
      1,
    );
    expect(fit.intercept).toBeCloseTo(0, 10);
    expect(fit.coef[0]! + fit.intercept).toBeCloseTo(5, 4);
  });

  it('fitWeightedLeastSquares gives a constant column coefficient 0', () => {
    const x = Float64Array.from([0, 1, 1, 1, 2, 1]);
    const fit = fitWeightedLeastSquares(x, [1, 3, 5], [1, 1, 1], 3, 2);
    expect(fit.coef[0]).toBeCloseTo(2, 10);
    expect(fit.coef[1]).toBe(0);
  });

  it('fitLasso with alpha 0 is least squares; a large alpha zeroes every coefficient', () => {
    const ls = fitLasso(X, Y, ONES, 5, 2, 0);
    expect(ls.coef[0]).toBeCloseTo(2, 6);
    expect(ls.coef[1]).toBeCloseTo(-3, 6);
    const zero = fitLasso(X, Y, ONES, 5, 2, 100);
    expect(Array.from(zero.coef)).toEqual([0, 0]);
    expect(zero.intercept).toBeCloseTo(0.8, 10); // the mean of y
  });

  it('fitLasso soft-thresholds an orthogonal design by alpha (sklearn objective, by hand)', () => {
    // Centred orthogonal columns with sum of squares m = 4: the Lasso solution is
    // b_j = sign(z_j) * max(|z_j| - alpha, 0) with z_j = x_j . y / m. Here z = [1.5, -0.25].
    const x = Float64Array.from([1, 1, 1, -1, -1, 1, -1, -1]);
    const y = [1.25, 1.75, -1.75, -1.25];
    const fit = fitLasso(x, y, [1, 1, 1, 1], 4, 2, 0.1);
    expect(fit.coef[0]).toBeCloseTo(1.4, 10);
    expect(fit.coef[1]).toBeCloseTo(-0.15, 10);
    // Weights are rescaled to mean 1, so doubling all of them changes nothing.
    const twice = fitLasso(x, y, [2, 2, 2, 2], 4, 2, 0.1);
    expect(twice.coef[0]).toBeCloseTo(1.4, 10);
  });
});
