import { describe, expect, it } from 'vitest';
import { EXPECTED, IGNORE, NUM_CLASSES, PREDS, TARGS } from '../test-masks.js';
import { intersectionOverUnion } from './intersection-over-union.js';
import { pixelConfusionMatrix } from './pixel-confusion-matrix.js';

describe('intersectionOverUnion(cm)', () => {
  it('is TP / (TP + FP + FN): 4/7, 2/5, NaN for the absent class, 0 for the only-predicted class', () => {
    const cm = pixelConfusionMatrix(TARGS, PREDS, NUM_CLASSES, { ignoreIndex: IGNORE });
    const iou = Array.from(intersectionOverUnion(cm));
    expect(iou[0]).toBeCloseTo(4 / 7, 15);
    expect(iou[1]).toBeCloseTo(0.4, 15);
    expect(iou[2]).toBeNaN();
    expect(iou[3]).toBe(0);
    expect(iou.length).toBe(EXPECTED.iou.length);
  });

  it('matches the set definition on binary masks |A and B| / |A or B|', () => {
    // target A = {0,1,2}, prediction B = {1,2,3} among 6 pixels: |A and B| = 2, |A or B| = 4
    const cm = pixelConfusionMatrix([1, 1, 1, 0, 0, 0], [0, 1, 1, 1, 0, 0], 2);
    expect(intersectionOverUnion(cm)[1]).toBe(0.5);
    // background: target {3,4,5}, prediction {0,4,5}: 2 / 4
    expect(intersectionOverUnion(cm)[0]).toBe(0.5);
  });

  it('rejects a malformed matrix', () => {
    expect(() =>
      intersectionOverUnion({ numClasses: 2, counts: [1, 2, 3, 4] } as never),
    ).toThrowError(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/numClasses, counts: Float64Array/),
      }),
    );
  });
});
