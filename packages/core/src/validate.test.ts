import { describe, expect, it } from 'vitest';
import { InterpError, isInterpError } from './errors.js';
import { ndarray, sizeOf } from './nd-array.js';
import {
  assertInteger,
  assertLabels,
  assertNumber,
  assertSameLength,
  describe as describeValue,
  keyword,
} from './validate.js';

describe('keyword(value, name, allowed, default)', () => {
  it('returns an allowed value, or the default for undefined', () => {
    expect(keyword('b', 'mode', ['a', 'b'])).toBe('b');
    expect(keyword(undefined, 'mode', ['a', 'b'], 'a')).toBe('a');
  });
  it('throws "invalid <name>: <value>" listing the choices', () => {
    expect(() => keyword('c' as 'a', 'mode', ['a', 'b'])).toThrow(
      "invalid mode: \"c\"; expected one of 'a', 'b'",
    );
    try {
      keyword('c' as 'a', 'mode', ['a']);
    } catch (e) {
      expect(isInterpError(e)).toBe(true);
      expect((e as InterpError).code).toBe('INVALID_OPTION');
    }
  });
});

describe('assertInteger / assertNumber / assertSameLength', () => {
  it('accept valid values and return them', () => {
    expect(assertInteger(3, 'k', 0, 5)).toBe(3);
    expect(assertNumber(0.5, 'alpha', 0, 1)).toBe(0.5);
    expect(() => assertSameLength(2, 2, 'x')).not.toThrow();
  });
  it('reject bad values with messages that name the argument and the range', () => {
    expect(() => assertInteger(1.5, 'k')).toThrow('k must be an integer, got 1.5');
    expect(() => assertInteger('3', 'k')).toThrow('k must be an integer, got "3"');
    expect(() => assertInteger(7, 'k', 0, 5)).toThrow('k must be in [0, 5], got 7');
    expect(() => assertInteger(-1, 'k', 0)).toThrow('k must be >= 0, got -1');
    expect(() => assertNumber(Number.NaN, 'alpha')).toThrow(
      'alpha must be a finite number, got NaN',
    );
    expect(() => assertNumber(2, 'alpha', 0, 1)).toThrow('alpha must be in [0, 1], got 2');
    expect(() => assertSameLength(2, 3, 'preds vs targs')).toThrow(/lengths differ \(2 vs 3\)/);
  });
});

describe('assertLabels(labels, numClasses, name, ignoreIndex)', () => {
  it('accepts labels in range and the ignore index', () => {
    expect(() => assertLabels([0, 1, 2, 255], 3, 'targs', 255)).not.toThrow();
  });
  it('names the first bad label and its position', () => {
    expect(() => assertLabels([0, 3], 3, 'targs')).toThrow(
      'targs[1] = 3 is not a class index in 0..2',
    );
    expect(() => assertLabels([0, 1.5], 3)).toThrow(/labels\[1\] = 1.5/);
    expect(() => assertLabels([-1], 3)).toThrow(InterpError);
  });
});

describe('ndarray(data, shape) / sizeOf(shape)', () => {
  it('checks the data fits the shape', () => {
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([])).toBe(1);
    expect(ndarray(new Float32Array(6), [2, 3]).shape).toEqual([2, 3]);
    expect(() => ndarray(new Float32Array(5), [2, 3], 'preds')).toThrow(
      'preds: shape [2, 3] needs 6 values, got 5',
    );
    expect(() => ndarray(new Float32Array(0), [-1])).toThrow(/negative or fractional/);
  });
});

describe('describe(value)', () => {
  it('describes values briefly for messages', () => {
    expect(describeValue(null)).toBe('null');
    expect(describeValue([1, 2])).toBe('an array of length 2');
    expect(describeValue(new Float32Array(2))).toBe('a Float32Array');
    expect(describeValue('x'.repeat(50))).toMatch(/…"$/);
  });
});
