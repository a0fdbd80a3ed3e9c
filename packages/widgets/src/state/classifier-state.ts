import { InterpError } from '@interp/core/base';
import { assertInteger } from '@interp/core/internal';
import { type ClassFilter, type ClassifiedItems, itemsByLoss } from './items-by-loss.js';

/** One page of listed items: their positions in the order and their item indices. */
export interface ClassifierPage {
  /** Position in {@link ClassifierState.order} of the page's first item. */
  start: number;
  /** Item indices on the page. */
  items: number[];
}

/**
 * The classifier widget's state without a DOM, as TanStack's table-core keeps a table's: the
 * class filter, the items it lists in loss order, how many pages are shown, and the selected
 * cell and item. The DOM view only draws what this says.
 *
 * @example
 * ```ts
 * const state = new ClassifierState(interp, { numClasses: 10, pageSize: 48 });
 * state.setFilter({ actual: 4, predicted: 9 });
 * state.nextPage().items; // the first 48 of the 4s taken for 9s, worst first
 * ```
 */
export class ClassifierState {
  private filterValue: ClassFilter = { actual: null, predicted: null };
  private orderValue: Int32Array;
  private shownValue = 0;
  /** The item opened in the detail panel, if any. */
  selectedItem: number | undefined;

  constructor(
    private readonly items: ClassifiedItems,
    private readonly options: { numClasses: number; pageSize: number },
  ) {
    assertInteger(options.numClasses, 'numClasses', 1);
    assertInteger(options.pageSize, 'pageSize', 1);
    this.orderValue = itemsByLoss(items, this.filterValue);
  }

  /** The current filter (a copy; null = any class). */
  get filter(): ClassFilter {
    return { ...this.filterValue };
  }

  /** Listed item indices, all pages, in display order. */
  get order(): Int32Array {
    return this.orderValue;
  }

  /** Items drawn so far (the pages shown). */
  get shown(): number {
    return this.shownValue;
  }

  /** Items left to page in. */
  get remaining(): number {
    return this.orderValue.length - this.shownValue;
  }

  /** The selected confusion-matrix cell: both classes set by the filter, else undefined. */
  get selectedCell(): { actual: number; predicted: number } | undefined {
    const { actual, predicted } = this.filterValue;
    return actual !== null && predicted !== null ? { actual, predicted } : undefined;
  }

  /**
   * Changes the filter (`undefined` keeps a field, `null` clears it), re-lists the matching items
   * by loss and starts paging again; returns the new filter.
   */
  setFilter(filter: Partial<ClassFilter>): ClassFilter {
    const c = this.options.numClasses;
    const check = (v: number | null | undefined, name: string, keep: number | null) =>
      v === undefined ? keep : v === null ? null : assertInteger(v, name, 0, c - 1);
    this.filterValue = {
      actual: check(filter.actual, 'actual', this.filterValue.actual),
      predicted: check(filter.predicted, 'predicted', this.filterValue.predicted),
    };
    this.orderValue = itemsByLoss(this.items, this.filterValue);
    this.shownValue = 0;
    return this.filter;
  }

  /** Pages in the next `pageSize` items (empty when all are shown). */
  nextPage(): ClassifierPage {
    const start = this.shownValue;
    const end = Math.min(this.orderValue.length, start + this.options.pageSize);
    this.shownValue = end;
    return { start, items: Array.from(this.orderValue.subarray(start, end)) };
  }

  /** Selects item `index` (any item, listed or not). */
  selectItem(index: number): number {
    if (this.items.length === 0) throw new InterpError('EMPTY_INPUT', 'there are no items');
    this.selectedItem = assertInteger(index, 'item index', 0, this.items.length - 1);
    return this.selectedItem;
  }
}
