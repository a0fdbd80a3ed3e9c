import { describe, expect, it } from 'vitest';
import { EXPECTED, IGNORE, MATRIX, NUM_CLASSES, PREDS, TARGS } from '../test-masks.js';
import { perClassAccuracy } from './per-class-accuracy.js';
import { pixelConfusionMatrix } from './pixel-confusion-matrix.js';

describe('perClassAccuracy(cm)', () => {
  it('is TP / target pixels per class; NaN for a class with no target pixels (absent or only predicted)', () => {
    const cm = pixelConfusionMatrix(TARGS, PREDS, NUM_CLASSES, { ignoreIndex: IGNORE });
    const acc = Array.from(perClassAccuracy(cm));
    expect(acc[0]).toBeCloseTo(EXPECTED.perClassAccuracy[0]!, 15);
    expect(acc[1]).toBe(0.5);
    expect(acc[2]).toBeNaN(); // absent everywhere
    expect(acc[3]).toBeNaN(); // only predicted
    expect(Array.from(perClassAccuracy(MATRIX))).toEqual(acc);
  });

  it('is 1 for a perfect prediction and 0 for a class never predicted right', () => {
    expect(
      Array.from(
        perClassAccuracy([
          [5, 0],
          [3, 0],
        ]),
      ),
    ).toEqual([1, 0]);
  });

  it('rejects a non-square or negative matrix', () => {
    expect(() => perClassAccuracy([[1, 2], [3]])).toThrowError(
      expect.objectContaining({
        code: 'SHAPE_MISMATCH',
        message: expect.stringMatching(/must be square: row 1 has 1 entries, expected 2/),
      }),
    );
    expect(() =>
      perClassAccuracy([
        [1, -2],
        [3, 4],
      ]),
    ).toThrow(/confusion matrix\[0\]\[1\] = -2 is not a count/);
    expect(() => perClassAccuracy([])).toThrow(/has no rows/);
    expect(() => perClassAccuracy({ numClasses: 3, counts: new Float64Array(4) })).toThrow(
      /has 4 counts for numClasses 3/,
    );
  });
});
