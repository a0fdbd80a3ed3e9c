import { describe, expect, it } from 'vitest';
import { EXPECTED, MATRIX } from '../test-masks.js';
import { meanIoU } from './mean-iou.js';

describe('meanIoU(cm)', () => {
  it('averages per-class IoU skipping NaN (the absent class) but keeping 0 (the only-predicted class)', () => {
    expect(meanIoU(MATRIX)).toBeCloseTo((4 / 7 + 2 / 5 + 0) / 3, 15);
    expect(meanIoU(MATRIX)).toBeCloseTo(EXPECTED.meanIoU, 15);
  });

  it('is NaN for a matrix that counts no pixels', () => {
    expect(
      meanIoU([
        [0, 0],
        [0, 0],
      ]),
    ).toBeNaN();
  });

  it('rejects a malformed matrix', () => {
    expect(() => meanIoU([[1, 2, 3]])).toThrow(/row 0 has 3 entries, expected 1/);
  });
});
