import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { oneVsRest } from './one-vs-rest.js';

describe('oneVsRest(scores, numClasses, targs, cls)', () => {
  it("returns a class's column and a 0/1 indicator of its items", () => {
    const scores = [0.7, 0.2, 0.1, 0.3, 0.4, 0.3];
    const r = oneVsRest(scores, 3, [0, 1], 1);
    expect(Array.from(r.scores)).toEqual([0.2, 0.4]);
    expect(Array.from(r.isPositive)).toEqual([0, 1]);
  });

  it('rejects a class outside 0..C-1 and bad targets', () => {
    expect(() => oneVsRest([0.5, 0.5], 2, [0], 2)).toThrow(InterpError);
    expect(() => oneVsRest([0.5, 0.5], 2, [0], 2)).toThrow(/cls must be in \[0, 1\]/);
    expect(() => oneVsRest([0.5, 0.5], 2, [7], 0)).toThrow(/targs\[0\] = 7/);
  });
});
