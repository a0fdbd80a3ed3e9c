import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { sigmoid } from './sigmoid.js';

describe('sigmoid(scores)', () => {
  it('maps logits to probabilities, element-wise', () => {
    const p = sigmoid(Float64Array.of(0, Math.log(3), -Math.log(3)));
    expect(p[0]).toBe(0.5);
    expect(p[1]).toBeCloseTo(0.75, 15);
    expect(p[2]).toBeCloseTo(0.25, 15);
  });

  it('saturates without NaN and keeps the float32 type', () => {
    const p = sigmoid(
      Float32Array.of(1000, -1000, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
    );
    expect(p).toBeInstanceOf(Float32Array);
    expect(Array.from(p)).toEqual([1, 0, 1, 0]);
  });

  it('rejects NaN and non-float arrays', () => {
    expect(() => sigmoid(Float32Array.of(Number.NaN))).toThrow(InterpError);
    expect(() => sigmoid(Float32Array.of(Number.NaN))).toThrow(/scores\[0\] is NaN/);
    // biome-ignore lint/suspicious/noExplicitAny: testing a wrong argument
    expect(() => sigmoid([0.5] as any)).toThrow(/Float32Array or Float64Array/);
  });
});
