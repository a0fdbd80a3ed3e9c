import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { multiLabelConfusionMatrix } from './multi-label-confusion-matrix.js';

describe('multiLabelConfusionMatrix(scores, numLabels, targs01, { thresh })', () => {
  it("matches scikit-learn's multilabel docstring example ([[tn, fp], [fn, tp]])", () => {
    // y_true [[1,0,1],[0,1,0]], y_pred [[1,0,0],[0,1,1]] given as scores 1/0.
    expect(multiLabelConfusionMatrix([1, 0, 0, 0, 1, 1], 3, [1, 0, 1, 0, 1, 0])).toEqual([
      [
        [1, 0],
        [0, 1],
      ],
      [
        [1, 0],
        [0, 1],
      ],
      [
        [0, 1],
        [1, 0],
      ],
    ]);
  });

  it('predicts a label when its score is strictly above thresh', () => {
    const scores = Float32Array.of(0.5, 0.7, 0.3, 0.2);
    const targs = [true, true, false, false];
    // Default 0.5: 0.5 is not above it.
    expect(multiLabelConfusionMatrix(scores, 2, targs)).toEqual([
      [
        [1, 0],
        [1, 0],
      ],
      [
        [1, 0],
        [0, 1],
      ],
    ]);
    expect(multiLabelConfusionMatrix(scores, 2, targs, { thresh: 0.25 })).toEqual([
      [
        [0, 1],
        [0, 1],
      ],
      [
        [1, 0],
        [0, 1],
      ],
    ]);
  });

  it('rejects non-0/1 targets, NaN scores and mismatched shapes', () => {
    expect(() => multiLabelConfusionMatrix([0.1, 0.9], 2, [0, 2])).toThrow(InterpError);
    expect(() => multiLabelConfusionMatrix([0.1, 0.9], 2, [0, 2])).toThrow(
      /targs01\[0\]\[1\] = 2 is not 0\/1/,
    );
    expect(() => multiLabelConfusionMatrix([0.1, Number.NaN], 2, [0, 1])).toThrow(
      /scores\[0\]\[1\] is NaN/,
    );
    expect(() => multiLabelConfusionMatrix([0.1, 0.9], 2, [0])).toThrow(
      /targs01 has 1 values but scores has 2/,
    );
    expect(() => multiLabelConfusionMatrix([0.1, 0.9], 2, [0, 1], { thresh: Number.NaN })).toThrow(
      /thresh/,
    );
  });
});
