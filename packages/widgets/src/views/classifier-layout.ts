import { methodInfo } from '@interp/attribution/methods';
import type { ClassificationInterpretation } from '@interp/classification';
import { className, fmt, h } from '../internal/dom.js';
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
  /** The layer menu of layer and neuron methods (hidden for the others). */
  layer: HTMLSelectElement | undefined;
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
  /** The model's node names, offered to layer and neuron methods; empty for no layer menu. */
  layers: readonly string[];
  /** The layer first selected. */
  layer: string | undefined;
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
  let layer: HTMLSelectElement | undefined;
  if (o.method) {
    method = h(doc, 'select', { attrs: { id: `${id}-method`, name: 'attribution' } });
    for (const m of ATTRIBUTION_METHODS) {
      method.append(h(doc, 'option', { attrs: { value: m }, text: attributionLabel(m) }));
    }
    setSelectValue(method, o.method);
    controls.append(
      h(doc, 'label', { attrs: { for: `${id}-method` }, text: 'Attribution' }),
      method,
    );
    layer = layerMenu(doc, id, o, controls);
    const picked = method;
    const showLayer = () => {
      const group = layer?.parentElement;
      const m = selectValue(picked);
      if (!group) return;
      if (!m || methodInfo(m).layer === 'none') group.setAttribute('hidden', '');
      else group.removeAttribute('hidden');
    };
    showLayer();
    method.addEventListener('change', () => {
      showLayer();
      o.onMethod();
    });
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
    layer,
    status,
    list,
    listGrid,
    more,
    detail,
    itemsHeading,
    matrix,
  };
}

/** The layer menu (inside a group hidden while the method reads no layer), or none without layers. */
function layerMenu(
  doc: Document,
  id: string,
  o: ClassifierLayoutOptions,
  controls: HTMLElement,
): HTMLSelectElement | undefined {
  if (o.layers.length === 0) return undefined;
  const select = h(doc, 'select', { attrs: { id: `${id}-layer`, name: 'layer' } });
  for (const name of o.layers)
    select.append(h(doc, 'option', { attrs: { value: name }, text: name }));
  if (o.layer !== undefined) setSelectValue(select, o.layer);
  select.addEventListener('change', () => o.onMethod());
  controls.append(
    h(doc, 'span', { class: 'iw-layer' }, [
      h(doc, 'label', { attrs: { for: `${id}-layer` }, text: 'Layer' }),
      select,
    ]),
  );
  return select;
}

/** One listed item: its classes and loss as captions and in its label (the thumbnail comes later). */
export function itemOption(
  doc: Document,
  interp: ClassificationInterpretation,
  i: number,
  at: { first: boolean; selected: boolean },
): HTMLElement {
  const names = interp.classNames;
  const actual = interp.targs.data[i]!;
  const predicted = interp.decoded.data[i]!;
  const li = h(doc, 'li', {
    class: actual === predicted ? 'iw-right' : 'iw-wrong',
    attrs: {
      role: 'option',
      tabindex: at.first ? 0 : -1,
      'aria-selected': String(at.selected),
      'aria-label': `Item ${i}: predicted ${className(names, predicted)}, actual ${className(names, actual)}, loss ${fmt(interp.losses?.[i])}`,
      'data-index': i,
    },
  });
  li.append(
    h(doc, 'span', { class: 'iw-caption', text: `predicted ${className(names, predicted)}` }),
    h(doc, 'br'),
    h(doc, 'span', { class: 'iw-caption', text: `actual ${className(names, actual)}` }),
    h(doc, 'br'),
    h(doc, 'span', { text: fmt(interp.losses?.[i]) }),
  );
  return li;
}
