import { describe, expect, it } from 'vitest';
import { classCount, classNames, largestLabel } from './class-names.js';
import { InterpError } from './errors.js';

describe('classNames(vocab, n)', () => {
  it("is '0'..'n-1' without a vocab, a copy of the vocab with one", () => {
    expect(classNames(undefined, 3)).toEqual(['0', '1', '2']);
    expect(classNames(undefined, 0)).toEqual([]);
    const vocab = ['cat', 'dog'];
    const names = classNames(vocab, 2);
    expect(names).toEqual(['cat', 'dog']);
    expect(names).not.toBe(vocab);
  });

  it('rejects a vocab that does not name each class once', () => {
    expect(() => classNames(['a'], 2)).toThrow(InterpError);
    expect(() => classNames(['a'], 2)).toThrow(
      /vocab has 1 names but there are 2 classes; pass one name per class/,
    );
    expect(() => classNames(['a', 'b', 'c'], 2, 'classNames')).toThrow(/^classNames has 3 names/);
  });
});

describe('largestLabel(labels, ignoreIndex)', () => {
  it('skips the ignore index and non-integers; -1 when nothing is left', () => {
    expect(largestLabel([0, 3, 255, 1], 255)).toBe(3);
    expect(largestLabel(Int32Array.of(4, 2))).toBe(4);
    expect(largestLabel([0.5, Number.NaN, 2])).toBe(2);
    expect(largestLabel([255, 255], 255)).toBe(-1);
    expect(largestLabel([])).toBe(-1);
  });
});

describe('classCount(labels, { vocab, ignoreIndex })', () => {
  it("is the vocab's length, else the largest label of all arrays + 1, at least 1", () => {
    expect(classCount([Int32Array.of(0, 2), Int32Array.of(1, 1)])).toBe(3);
    expect(classCount([[0, 1]], { vocab: ['a', 'b', 'c'] })).toBe(3);
    expect(classCount([[1, 255]], { ignoreIndex: 255 })).toBe(2);
    expect(classCount([[255]], { ignoreIndex: 255 })).toBe(1);
    expect(classCount([])).toBe(1);
  });
});
