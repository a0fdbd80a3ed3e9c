import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { expectedCalibrationError } from './expected-calibration-error.js';

// Top-label confidences 0.9 (right), 0.8 (wrong), 0.7 (right), 0.6 (wrong).
const probs = [0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.4, 0.6];
const targs = [0, 1, 1, 0];

describe('expectedCalibrationError(scores, numClasses, targs, { nBins })', () => {
  it('weights |accuracy - confidence| by bin size (hand-worked)', () => {
    // Two bins: all four in (0.5, 1]: accuracy 1/2, confidence 0.75.
    const two = expectedCalibrationError(probs, 2, targs, { nBins: 2 });
    expect(two.ece).toBe(1 * Math.abs(0.5 - (0.9 + 0.8 + 0.7 + 0.6) / 4));
    expect(Array.from(two.counts)).toEqual([0, 4]);
    expect(two.accuracy[0]).toBeNaN();
    // Five bins (edges 0.2, 0.4, 0.6000000000000001, 0.8): 0.6 -> bin 2, 0.8 and 0.7 -> bin 3, 0.9 -> bin 4.
    const five = expectedCalibrationError(probs, 2, targs, { nBins: 5 });
    expect(Array.from(five.counts)).toEqual([0, 0, 1, 2, 1]);
    expect(five.ece).toBe(
      (1 / 4) * Math.abs(0 - 0.6) +
        (2 / 4) * Math.abs(0.5 - (0.8 + 0.7) / 2) +
        (1 / 4) * Math.abs(1 - 0.9),
    );
  });

  it('is 0 for a perfectly calibrated classifier', () => {
    // Confidence 1 and always right.
    expect(expectedCalibrationError([1, 0, 0, 1], 2, [0, 1]).ece).toBe(0);
  });

  it('rejects non-probabilities, bad labels and empty input', () => {
    expect(() => expectedCalibrationError([2, 0], 2, [0])).toThrow(InterpError);
    expect(() => expectedCalibrationError([2, 0], 2, [0])).toThrow(
      /scores\[0\]\[0\] = 2 is not a probability/,
    );
    expect(() => expectedCalibrationError([0.5, 0.5], 2, [2])).toThrow(/targs\[0\] = 2/);
    expect(() => expectedCalibrationError([], 2, [])).toThrow(/at least one item/);
    expect(() => expectedCalibrationError(probs, 2, targs, { nBins: 0 })).toThrow(
      /nBins must be >= 1/,
    );
  });
});
