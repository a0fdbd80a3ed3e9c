import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { mostConfused } from './most-confused.js';

const matrix = [
  [5, 2, 2],
  [2, 0, 1],
  [0, 3, 4],
];

describe('mostConfused(matrix, { minVal, vocab })', () => {
  it('lists zero cells only when minVal is 0', () => {
    expect(mostConfused(matrix, { minVal: 0 }).at(-1)).toEqual([2, 0, 0]);
  });

  it('lists off-diagonal cells by count, ties in row-major order', () => {
    expect(mostConfused(matrix)).toEqual([
      [2, 1, 3],
      [0, 1, 2],
      [0, 2, 2],
      [1, 0, 2],
      [1, 2, 1],
    ]);
  });

  it('uses class names when given a vocab', () => {
    expect(mostConfused(matrix, { vocab: ['cat', 'dog', 'emu'], minVal: 2 })).toEqual([
      ['emu', 'dog', 3],
      ['cat', 'dog', 2],
      ['cat', 'emu', 2],
      ['dog', 'cat', 2],
    ]);
  });

  it('never lists the diagonal', () => {
    expect(mostConfused([[9]])).toEqual([]);
  });

  it('rejects a non-square matrix, a vocab of the wrong size and a bad minVal', () => {
    expect(() => mostConfused([[1, 2]])).toThrow(InterpError);
    expect(() => mostConfused([[1, 2]])).toThrow(/row 0 has 2 entries, expected 1/);
    expect(() => mostConfused(matrix, { vocab: ['a', 'b'] })).toThrow(
      /vocab has 2 names but there are 3 classes/,
    );
    expect(() => mostConfused(matrix, { vocab: ['a', 'b', 'a'] })).toThrow(
      /vocab\[2\] = "a" repeats vocab\[0\]/,
    );
    expect(() => mostConfused(matrix, { minVal: Number.NaN })).toThrow(
      /minVal must be a finite number/,
    );
    expect(() =>
      mostConfused([
        [1, -1],
        [0, 1],
      ]),
    ).toThrow(/matrix\[0\]\[1\] = -1 is not a count/);
  });
});
