// No DOM here: the classifier's state is plain data, as TanStack's table-core.
import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { ClassifierState } from './classifier-state.js';
import { itemsByLoss } from './items-by-loss.js';

// Seven items, 3 classes. By hand:
//   item    0    1    2    3    4    5    6
//   actual  0    0    1    1    2    2    2
//   pred    0    1    1    1    2    0    2
//   loss   0.1  0.9  0.3  0.3  0.2  1.5  0.05
// by loss, largest first (ties to the lower index): 5, 1, 2, 3, 4, 0, 6
const items = {
  length: 7,
  targs: { data: [0, 0, 1, 1, 2, 2, 2] },
  decoded: { data: [0, 1, 1, 1, 2, 0, 2] },
  losses: [0.1, 0.9, 0.3, 0.3, 0.2, 1.5, 0.05],
};

describe('ClassifierState', () => {
  it('lists every item by loss, largest first, ties to the lower index', () => {
    const s = new ClassifierState(items, { numClasses: 3, pageSize: 3 });
    expect(Array.from(s.order)).toEqual([5, 1, 2, 3, 4, 0, 6]);
    expect(s.filter).toEqual({ actual: null, predicted: null });
    expect(s.selectedCell).toBeUndefined();
  });

  it('setFilter(filter) narrows to a confusion cell, keeps unset fields, and null clears', () => {
    const s = new ClassifierState(items, { numClasses: 3, pageSize: 3 });
    s.setFilter({ actual: 2 });
    expect(Array.from(s.order)).toEqual([5, 4, 6]);
    s.setFilter({ predicted: 2 });
    expect(s.filter).toEqual({ actual: 2, predicted: 2 });
    expect(s.selectedCell).toEqual({ actual: 2, predicted: 2 });
    expect(Array.from(s.order)).toEqual([4, 6]);
    s.setFilter({ actual: null });
    expect(Array.from(s.order)).toEqual([4, 6]); // every item predicted 2
    s.setFilter({ actual: 0, predicted: 2 });
    expect(s.order).toHaveLength(0);
  });

  it('nextPage() pages pageSize items at a time and restarts when the filter changes', () => {
    const s = new ClassifierState(items, { numClasses: 3, pageSize: 3 });
    expect(s.nextPage()).toEqual({ start: 0, items: [5, 1, 2] });
    expect(s.remaining).toBe(4);
    expect(s.nextPage()).toEqual({ start: 3, items: [3, 4, 0] });
    expect(s.nextPage()).toEqual({ start: 6, items: [6] });
    expect(s.nextPage()).toEqual({ start: 7, items: [] });
    expect(s.remaining).toBe(0);
    s.setFilter({ actual: 1 });
    expect(s.shown).toBe(0);
    expect(s.nextPage().items).toEqual([2, 3]);
  });

  it('selectItem(index) keeps the selection across filters', () => {
    const s = new ClassifierState(items, { numClasses: 3, pageSize: 3 });
    expect(s.selectItem(4)).toBe(4);
    s.setFilter({ actual: 0 });
    expect(s.selectedItem).toBe(4);
  });

  it('rejects classes and items out of range, and bad options, with InterpErrors', () => {
    const s = new ClassifierState(items, { numClasses: 3, pageSize: 3 });
    expect(() => s.setFilter({ actual: 3 })).toThrow(InterpError);
    expect(() => s.setFilter({ predicted: 1.5 })).toThrow(/predicted/);
    expect(() => s.selectItem(7)).toThrow(/item index/);
    expect(() => new ClassifierState(items, { numClasses: 3, pageSize: 0 })).toThrow(/pageSize/);
  });
});

describe('itemsByLoss(items, filter)', () => {
  it('puts NaN losses last and keeps index order without losses', () => {
    const nan = { ...items, losses: [Number.NaN, 0.5, Number.NaN, 0.7, 0, 0, 0] };
    expect(Array.from(itemsByLoss(nan, { actual: null, predicted: null }))).toEqual([
      3, 1, 4, 5, 6, 0, 2,
    ]);
    const { losses: _, ...none } = items;
    expect(Array.from(itemsByLoss(none, { actual: 2, predicted: null }))).toEqual([4, 5, 6]);
  });
});
