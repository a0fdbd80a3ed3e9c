import { describe, expect, it } from 'vitest';
import { EXPECTED, MATRIX } from '../test-masks.js';
import { frequencyWeightedIoU } from './frequency-weighted-iou.js';

describe('frequencyWeightedIoU(cm)', () => {
  it('weights each class IoU by its share of target pixels: 6/10 * 4/7 + 4/10 * 2/5', () => {
    expect(frequencyWeightedIoU(MATRIX)).toBeCloseTo(EXPECTED.frequencyWeightedIoU, 15);
    expect(frequencyWeightedIoU(MATRIX)).toBeCloseTo(0.6 * (4 / 7) + 0.16, 15);
  });

  it('is 1 for a perfect prediction and NaN for an empty matrix', () => {
    expect(
      frequencyWeightedIoU([
        [3, 0],
        [0, 1],
      ]),
    ).toBe(1);
    expect(frequencyWeightedIoU([[0]])).toBeNaN();
  });

  it('rejects a malformed matrix', () => {
    expect(() => frequencyWeightedIoU(null as never)).toThrow(
      /must be \{ numClasses, counts: Float64Array \}/,
    );
  });
});
