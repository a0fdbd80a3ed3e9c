import { describe, expect, it } from 'vitest';
import { APPROXIMATION_METHODS, approximationParameters } from './approximation-parameters.js';
import { expectInterpErrors } from './test-interp-errors.js';

const close = (a: ArrayLike<number>, b: number[], digits = 12) => {
  expect(a.length).toBe(b.length);
  b.forEach((v, i) => {
    expect(a[i]).toBeCloseTo(v, digits);
  });
};

describe('approximationParameters(method, nSteps)', () => {
  it('lists the five Captum methods', () => {
    expect(APPROXIMATION_METHODS).toEqual([
      'riemann_left',
      'riemann_right',
      'riemann_middle',
      'riemann_trapezoid',
      'gausslegendre',
    ]);
  });

  it('gives the Riemann step points and weights for nSteps = 4', () => {
    const quarter = [0.25, 0.25, 0.25, 0.25];
    let p = approximationParameters('riemann_left', 4);
    close(p.alphas, [0, 0.25, 0.5, 0.75]);
    close(p.stepSizes, quarter);
    p = approximationParameters('riemann_right', 4);
    close(p.alphas, [0.25, 0.5, 0.75, 1]);
    close(p.stepSizes, quarter);
    p = approximationParameters('riemann_middle', 4);
    close(p.alphas, [0.125, 0.375, 0.625, 0.875]);
    close(p.stepSizes, quarter);
    // Captum's trapezoid: linspace(0, 1, n) with 1/n steps, the end ones halved (sum 3/4).
    p = approximationParameters('riemann_trapezoid', 4);
    close(p.alphas, [0, 1 / 3, 2 / 3, 1]);
    close(p.stepSizes, [0.125, 0.25, 0.25, 0.125]);
  });

  it('gives the 4-point Gauss-Legendre rule mapped to [0, 1]', () => {
    // Roots of P4 = (35x^4 - 30x^2 + 3) / 8: x^2 = 3/7 -/+ (2/7) sqrt(6/5); weights (18 +/- sqrt 30) / 36.
    const inner = Math.sqrt(3 / 7 - (2 / 7) * Math.sqrt(6 / 5));
    const outer = Math.sqrt(3 / 7 + (2 / 7) * Math.sqrt(6 / 5));
    const wInner = (18 + Math.sqrt(30)) / 36;
    const wOuter = (18 - Math.sqrt(30)) / 36;
    const p = approximationParameters('gausslegendre', 4);
    close(p.alphas, [(1 - outer) / 2, (1 - inner) / 2, (1 + inner) / 2, (1 + outer) / 2]);
    close(p.stepSizes, [wOuter / 2, wInner / 2, wInner / 2, wOuter / 2]);
  });

  it('gives Gauss-Legendre rules for 1 and 3 points and integrates degree 2n-1 exactly', () => {
    let p = approximationParameters('gausslegendre', 1);
    close(p.alphas, [0.5]);
    close(p.stepSizes, [1]);
    // 3 points: 0, +/- sqrt(3/5); weights 8/9, 5/9.
    p = approximationParameters('gausslegendre', 3);
    const r = Math.sqrt(3 / 5);
    close(p.alphas, [(1 - r) / 2, 0.5, (1 + r) / 2]);
    close(p.stepSizes, [5 / 18, 8 / 18, 5 / 18]);
    // 50 points integrate t^99 on [0, 1] to 1/100.
    p = approximationParameters('gausslegendre', 50);
    let integral = 0;
    let weightSum = 0;
    for (let i = 0; i < 50; i++) {
      integral += p.stepSizes[i]! * p.alphas[i]! ** 99;
      weightSum += p.stepSizes[i]!;
    }
    expect(integral).toBeCloseTo(0.01, 12);
    expect(weightSum).toBeCloseTo(1, 13);
  });

  it('rejects bad input with InterpError', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => approximationParameters('gausslegendre', 0), /nSteps must be >= 1/],
      [
        () => approximationParameters('riemann_middle', 1),
        /nSteps must be >= 2 for riemann_middle/,
      ],
      [() => approximationParameters('gausslegendre', 2.5), /nSteps must be an integer/],
      [() => approximationParameters('simpson' as 'gausslegendre', 4), /invalid method: "simpson"/],
    ];
    expectInterpErrors(cases);
  });
});
