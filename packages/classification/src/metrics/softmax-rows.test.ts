import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { softmaxRows } from './softmax-rows.js';

describe('softmaxRows(scores, numClasses)', () => {
  it('turns each row of logits into probabilities', () => {
    const p = softmaxRows(Float64Array.of(0, Math.log(3), 1, 1), 2);
    expect(p).toBeInstanceOf(Float64Array);
    expect(p[0]).toBeCloseTo(0.25, 15);
    expect(p[1]).toBeCloseTo(0.75, 15);
    expect(Array.from(p.subarray(2))).toEqual([0.5, 0.5]);
  });

  it('does not overflow on large logits and keeps the float32 type', () => {
    const p = softmaxRows(Float32Array.of(1000, 1000, -1000), 3);
    expect(p).toBeInstanceOf(Float32Array);
    expect(Array.from(p)).toEqual([0.5, 0.5, 0]);
  });

  it('rejects non-finite scores and a bad shape', () => {
    expect(() => softmaxRows(Float32Array.of(0, Number.POSITIVE_INFINITY), 2)).toThrow(InterpError);
    expect(() => softmaxRows(Float32Array.of(0, Number.NaN), 2)).toThrow(/scores\[0\]\[1\] is NaN/);
    expect(() => softmaxRows(Float32Array.of(0, 1, 2), 2)).toThrow(
      /not a multiple of numClasses = 2/,
    );
  });
});
