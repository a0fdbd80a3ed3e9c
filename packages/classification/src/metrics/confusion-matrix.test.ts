import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { confusionMatrix } from './confusion-matrix.js';

describe('confusionMatrix(targs, preds, numClasses, { sliceSize })', () => {
  it("counts rows = actual, columns = predicted (scikit-learn's docstring example)", () => {
    expect(confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2], 3)).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
  });

  it('includes classes that never occur as zero rows and columns', () => {
    expect(confusionMatrix(Int32Array.of(0, 0, 1), Float64Array.of(0, 1, 1), 4)).toEqual([
      [1, 1, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('gives the same counts for every sliceSize (memory bound only)', () => {
    const targs = Array.from({ length: 37 }, (_, i) => (i * 7) % 5);
    const preds = Array.from({ length: 37 }, (_, i) => (i * 3) % 5);
    // Independent count: a nested loop per cell.
    const expected = Array.from({ length: 5 }, (_, a) =>
      Array.from({ length: 5 }, (_, p) => targs.filter((t, i) => t === a && preds[i] === p).length),
    );
    for (const sliceSize of [1, 2, 5, 36, 37, 1000, null]) {
      expect(confusionMatrix(targs, preds, 5, { sliceSize })).toEqual(expected);
    }
  });

  it('returns an all-zero matrix for no items', () => {
    expect(confusionMatrix([], [], 2)).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('names the input and item of a label outside 0..C-1', () => {
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(InterpError);
    expect(() => confusionMatrix([0, 3], [0, 1], 3)).toThrow(
      /targs\[1\] = 3 is not a class index in 0\.\.2/,
    );
    expect(() => confusionMatrix([0, 1], [0, -1], 3)).toThrow(/preds\[1\] = -1/);
    expect(() => confusionMatrix([0, 1.5], [0, 1], 3)).toThrow(/targs\[1\] = 1\.5/);
    expect(() => confusionMatrix([Number.NaN], [0], 3)).toThrow(/targs\[0\] = NaN/);
  });

  it('rejects mismatched lengths and bad options', () => {
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow(/lengths differ \(2 vs 1\)/);
    expect(() => confusionMatrix([0], [0], 0)).toThrow(/numClasses must be >= 1/);
    expect(() => confusionMatrix([0], [0], 2, { sliceSize: 0 })).toThrow(/sliceSize must be >= 1/);
    expect(() => confusionMatrix([0], [0], 2, { sliceSize: 2.5 })).toThrow(
      /sliceSize must be an integer/,
    );
  });
});
