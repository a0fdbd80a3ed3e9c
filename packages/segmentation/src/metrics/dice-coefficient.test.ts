import { describe, expect, it } from 'vitest';
import { MATRIX } from '../test-masks.js';
import { diceCoefficient } from './dice-coefficient.js';
import { intersectionOverUnion } from './intersection-over-union.js';

describe('diceCoefficient(cm)', () => {
  it('is 2TP / (2TP + FP + FN): 8/11, 4/7, NaN for the absent class, 0 for the only-predicted class', () => {
    const dice = Array.from(diceCoefficient(MATRIX));
    expect(dice[0]).toBeCloseTo(8 / 11, 15);
    expect(dice[1]).toBeCloseTo(4 / 7, 15);
    expect(dice[2]).toBeNaN();
    expect(dice[3]).toBe(0);
  });

  it('relates to IoU by Dice = 2 IoU / (1 + IoU)', () => {
    const cm = [
      [7, 2, 1],
      [3, 9, 0],
      [4, 4, 5],
    ];
    const iou = intersectionOverUnion(cm);
    const dice = diceCoefficient(cm);
    for (let k = 0; k < 3; k++) expect(dice[k]).toBeCloseTo((2 * iou[k]!) / (1 + iou[k]!), 14);
  });

  it('rejects a malformed matrix', () => {
    expect(() =>
      diceCoefficient([
        [1, Number.NaN],
        [0, 1],
      ]),
    ).toThrow(/confusion matrix\[0\]\[1\] = NaN is not a count/);
  });
});
