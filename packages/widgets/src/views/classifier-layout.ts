import { h } from '../internal/dom.js';
import { selectValue, setSelectValue } from '../internal/form-controls.js';
import {
  ATTRIBUTION_METHODS,
  type AttributionMethod,
  attributionLabel,
} from '../internal/item-attribution.js';
import { type KeyboardGrid, keyboardGrid } from '../internal/keyboard-grid.js';
import { statusRegion } from '../internal/widget-shell.js';
import type { ClassFilter } from '../state/items-by-loss.js';
import { type ConfusionMatrixGrid, confusionMatrixGrid } from './confusion-matrix-grid.js';

/** The classifier widget's elements the widget updates. */
export interface ClassifierParts {
  id: string;
  actual: HTMLSelectElement;
  predicted: HTMLSelectElement;
  method: HTMLSelectElement | undefined;
  status: HTMLElement;
  list: HTMLElement;
  listGrid: KeyboardGrid;
  more: HTMLButtonElement;
  detail: HTMLElement;
  itemsHeading: HTMLElement;
  matrix: ConfusionMatrixGrid;
}

/** What {@link classifierLayout} draws and where user actions go. */
export interface ClassifierLayoutOptions {
  names: readonly string[];
  matrix: readonly (readonly number[])[];
  cmap: string;
  errorCmap: string;
  /** The attribution method first selected; `null` draws no attribution menu. */
  method: AttributionMethod | null;
  onFilter(filter: Partial<ClassFilter>): void;
  onMethod(): void;
  onItem(index: number): void;
  onMore(): void;
}

/**
 * Draws the classifier widget's fixed parts into `root`: the class menus and "Show all", the
 * attribution menu, the live region, the confusion-matrix grid, the keyboard-navigable item
 * list with its "Show more" button, and the detail panel.
 */
export function classifierLayout(
  doc: Document,
  root: HTMLElement,
  id: string,
  o: ClassifierLayoutOptions,
): ClassifierParts {
  const classSelect = (which: 'actual' | 'predicted', label: string) => {
    const select = h(doc, 'select', { attrs: { id: `${id}-${which}`, name: which } });
    select.append(h(doc, 'option', { attrs: { value: '' }, text: 'All classes' }));
    o.names.forEach((n, k) => {
      select.append(h(doc, 'option', { attrs: { value: k }, text: n }));
    });
    select.addEventListener('change', () => {
      const v = selectValue(select);
      o.onFilter({ [which]: v === '' ? null : Number(v) });
    });
    return {
      select,
      label: h(doc, 'label', { attrs: { for: `${id}-${which}` }, text: label }),
    };
  };
  const actualSel = classSelect('actual', 'Actual');
  const predictedSel = classSelect('predicted', 'Predicted');
  const controls = h(
    doc,
    'div',
    { class: 'iw-controls', attrs: { role: 'group', 'aria-label': 'Filters' } },
    [actualSel.label, actualSel.select, predictedSel.label, predictedSel.select],
  );
  const reset = h(doc, 'button', { attrs: { type: 'button' }, text: 'Show all' });
  reset.addEventListener('click', () => o.onFilter({ actual: null, predicted: null }));
  controls.append(reset);
  let method: HTMLSelectElement | undefined;
  if (o.method) {
    method = h(doc, 'select', { attrs: { id: `${id}-method`, name: 'attribution' } });
    for (const m of ATTRIBUTION_METHODS) {
      method.append(h(doc, 'option', { attrs: { value: m }, text: attributionLabel(m) }));
    }
    setSelectValue(method, o.method);
    method.addEventListener('change', () => o.onMethod());
    controls.append(
      h(doc, 'label', { attrs: { for: `${id}-method` }, text: 'Attribution' }),
      method,
    );
  }
  root.append(controls);

  const status = statusRegion(doc);
  const matrix = confusionMatrixGrid(doc, {
    matrix: o.matrix,
    names: o.names,
    cmap: o.cmap,
    errorCmap: o.errorCmap,
    onSelect: (actual, predicted) => o.onFilter({ actual, predicted }),
  });
  const list = h(doc, 'ul', {
    class: 'iw-items',
    attrs: { role: 'listbox', 'aria-label': 'Items, largest loss first', id: `${id}-items` },
  });
  // A wrapped grid of thumbnails: every arrow steps by one (a screen reader reads a list).
  const listGrid = keyboardGrid(list, {
    selector: 'li[data-index]',
    mode: 'list',
    onActivate: (li) => o.onItem(Number(li.getAttribute('data-index'))),
  });
  const more = h(doc, 'button', { attrs: { type: 'button', hidden: true }, text: 'Show more' });
  more.addEventListener('click', () => o.onMore());
  const itemsHeading = h(doc, 'h3', { attrs: { id: `${id}-items-title` }, text: 'Items' });
  const detail = h(doc, 'section', {
    class: 'iw-detail',
    attrs: { 'aria-label': 'Item details' },
  });
  root.append(
    status,
    h(doc, 'div', { class: 'iw-body' }, [
      matrix.element,
      h(doc, 'div', { class: 'iw-list' }, [itemsHeading, list, more]),
      detail,
    ]),
  );
  return {
    id,
    actual: actualSel.select,
    predicted: predictedSel.select,
    method,
    status,
    list,
    listGrid,
    more,
    detail,
    itemsHeading,
    matrix,
  };
}
