import { describe, expect, it } from 'vitest';
import { figsizeToPx, PX_PER_INCH } from './figsize-to-px.js';
import { interpErrorOf } from './test-helpers.js';

describe('figsizeToPx(figsize)', () => {
  it('has the expected defaults: 72 px per inch', () => {
    expect(PX_PER_INCH).toBe(72);
    expect(figsizeToPx([8, 5])).toEqual({ width: 576, height: 360 });
  });

  it('rounds to whole pixels', () => {
    expect(figsizeToPx([6.4, 4.8])).toEqual({ width: 461, height: 346 });
  });

  it('throws InterpError unless given two positive numbers', () => {
    for (const bad of [[0, 1], [1], [1, -2], [1, Number.NaN], 'big', null]) {
      expect(interpErrorOf(() => figsizeToPx(bad as never), 'INVALID_OPTION')).toMatch(
        /invalid figsize: .*; expected \[widthInches, heightInches\]/,
      );
    }
  });
});
