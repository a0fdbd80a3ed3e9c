import { describe, expect, it } from 'vitest';
import { IGNORE, NUM_CLASSES, PREDS, TARGS } from '../test-masks.js';
import { pixelAccuracy } from './pixel-accuracy.js';
import { pixelConfusionMatrix } from './pixel-confusion-matrix.js';

describe('pixelAccuracy(cm)', () => {
  it('is correct pixels / counted pixels, the ignored ones excluded: 6 / 10', () => {
    expect(
      pixelAccuracy(pixelConfusionMatrix(TARGS, PREDS, NUM_CLASSES, { ignoreIndex: IGNORE })),
    ).toBe(0.6);
  });

  it('is NaN when no pixel is counted (all ignored)', () => {
    expect(
      pixelAccuracy(pixelConfusionMatrix([255, 255], [0, 1], 2, { ignoreIndex: 255 })),
    ).toBeNaN();
  });

  it('rejects a malformed matrix', () => {
    expect(() => pixelAccuracy([[1, 2], 'ab' as never])).toThrow(
      /row 1 has no entries, expected 2/,
    );
  });
});
