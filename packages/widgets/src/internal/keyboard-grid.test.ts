import { describe, expect, it } from 'vitest';
import { gridKeyTarget } from './keyboard-grid.js';

describe('gridKeyTarget(key, at, size, mode)', () => {
  const size = { rows: 3, cols: 3 };

  it('grid: arrows move one cell and stop at the edges, Home/End go to the row ends', () => {
    const at = { row: 1, col: 1 };
    expect(gridKeyTarget('ArrowUp', at, size, 'grid')).toEqual({ row: 0, col: 1 });
    expect(gridKeyTarget('ArrowDown', at, size, 'grid')).toEqual({ row: 2, col: 1 });
    expect(gridKeyTarget('ArrowLeft', at, size, 'grid')).toEqual({ row: 1, col: 0 });
    expect(gridKeyTarget('ArrowRight', at, size, 'grid')).toEqual({ row: 1, col: 2 });
    expect(gridKeyTarget('Home', at, size, 'grid')).toEqual({ row: 1, col: 0 });
    expect(gridKeyTarget('End', at, size, 'grid')).toEqual({ row: 1, col: 2 });
    expect(gridKeyTarget('ArrowUp', { row: 0, col: 2 }, size, 'grid')).toEqual({ row: 0, col: 2 });
  });

  it('list: every arrow steps by one through the sequence, Home/End go to its ends', () => {
    const one = { rows: 5, cols: 1 };
    expect(gridKeyTarget('ArrowRight', { row: 2, col: 0 }, one, 'list')).toEqual({
      row: 3,
      col: 0,
    });
    expect(gridKeyTarget('ArrowUp', { row: 2, col: 0 }, one, 'list')).toEqual({ row: 1, col: 0 });
    expect(gridKeyTarget('ArrowDown', { row: 4, col: 0 }, one, 'list')).toEqual({ row: 4, col: 0 });
    expect(gridKeyTarget('Home', { row: 3, col: 0 }, one, 'list')).toEqual({ row: 0, col: 0 });
    expect(gridKeyTarget('End', { row: 0, col: 0 }, one, 'list')).toEqual({ row: 4, col: 0 });
  });

  it('Enter and Space activate; other keys are not handled', () => {
    expect(gridKeyTarget('Enter', { row: 0, col: 0 }, size, 'grid')).toBe('activate');
    expect(gridKeyTarget(' ', { row: 0, col: 0 }, size, 'list')).toBe('activate');
    expect(gridKeyTarget('a', { row: 0, col: 0 }, size, 'grid')).toBeUndefined();
    expect(gridKeyTarget('PageDown', { row: 0, col: 0 }, size, 'list')).toBeUndefined();
  });
});
