import { colormap } from '@interp/viz/image';
import { describe, expect, it } from 'vitest';
import { testDom } from '../test-dom.js';
import { cellShades, confusionMatrixGrid } from './confusion-matrix-grid.js';

describe('cellShades', () => {
  it('scales the diagonal linearly and the errors by the square root of their own maximum', () => {
    // By hand: diagonal 90/90, 80/90; errors sqrt(1/4), sqrt(4/4).
    const s = cellShades([
      [90, 1],
      [4, 80],
    ]);
    expect(s[0]![0]).toBe(1);
    expect(s[1]![1]).toBeCloseTo(8 / 9, 12);
    expect(s[0]![1]).toBe(0.5);
    expect(s[1]![0]).toBe(1);
    expect(
      cellShades([
        [0, 0],
        [0, 0],
      ]),
    ).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('gives a single error among hundreds of correct items a visible colour', () => {
    const dom = testDom();
    const grid = confusionMatrixGrid(dom.document, {
      matrix: [
        [500, 1],
        [0, 400],
      ],
      names: ['a', 'b'],
      cmap: 'Blues',
      errorCmap: 'Oranges',
      onSelect: () => {},
    });
    const cell = (i: number, j: number) =>
      (grid.element.querySelector(`td[data-actual="${i}"][data-predicted="${j}"]`) as HTMLElement)
        .style.backgroundColor;
    // On one linear scale the error would be colour(1/500), indistinguishable from colour(0).
    expect(cell(0, 1)).toBe(colormap('Oranges')(1));
    expect(cell(1, 0)).toBe(colormap('Oranges')(0));
    expect(cell(0, 0)).toBe(colormap('Blues')(1));
  });
});
