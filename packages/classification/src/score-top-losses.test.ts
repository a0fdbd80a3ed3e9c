import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { ClassificationInterpretation } from './interpretation.js';

// Three items, two classes: p[target] = 0.25, 0.5 and 0.25 (a tie), and 0 (clamped to 1e-12).
const interp = ClassificationInterpretation.fromPredictions({
  preds: { data: Float64Array.of(0.75, 0.25, 0.5, 0.5, 0.75, 0.25, 1, 0), shape: [4, 2] },
  targs: [1, 0, 1, 1],
});

describe('ClassificationInterpretation.scoreTopLosses(k)', () => {
  it('gives the k largest -ln(max(p[target], 1e-12)) in float64, ties to the lower index', () => {
    const top = interp.scoreTopLosses(3);
    expect(Array.from(top.indices)).toEqual([3, 0, 2]);
    // Exactly the float64 logarithms, not float32-rounded ones.
    expect(Array.from(top.losses)).toEqual([-Math.log(1e-12), -Math.log(0.25), -Math.log(0.25)]);
    expect(interp.scoreTopLosses(0).losses).toHaveLength(0);
  });

  it('rejects k out of range and labels-only interpretations, saying what to pass', () => {
    expect(() => interp.scoreTopLosses(5)).toThrow(/k must be in \[0, 4\], got 5/);
    expect(() => interp.scoreTopLosses(1.5)).toThrow(InterpError);
    const labels = ClassificationInterpretation.fromPredictions({ decoded: [0, 1], targs: [0, 0] });
    expect(() => labels.scoreTopLosses(1)).toThrow(/scoreTopLosses needs class scores/);
  });
});
