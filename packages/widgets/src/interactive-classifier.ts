import { ClassificationInterpretation } from '@interp/classification';
import { type DecodedItem, InterpError, isInterpError, type Learner } from '@interp/core';
import { assertInteger, keyword } from '@interp/core/internal';
import { colormap, contrastingTextColor, imageToDataURL } from '@interp/viz/image';
import { className, clear, fmt, h, isActivationKey } from './internal/dom.js';
import {
  ATTRIBUTION_LABELS,
  ATTRIBUTION_METHODS,
  type AttributionMethod,
  itemAttribution,
} from './internal/item-attribution.js';
import { showTarget, statusRegion, widgetLearner, widgetRoot } from './internal/widget-shell.js';

export type { AttributionMethod } from './internal/item-attribution.js';
export { ATTRIBUTION_METHODS } from './internal/item-attribution.js';

/** Options of {@link InteractiveClassifier}. */
export interface InteractiveClassifierOptions {
  /** Dataset to interpret: 0 = train, 1 = valid (fastai's ds_idx). */
  dsIdx?: number;
  /** Attribution drawn when an item is opened; `null` for none. */
  attribution?: AttributionMethod | null;
  /** Items listed at a time (a "Show more" button lists the next page). */
  pageSize?: number;
  /** Colormap of the confusion matrix cells (a viz colormap name). */
  cmap?: string;
  /** Heading of the widget. */
  title?: string;
  /** The document to build in; default the container's, else the global one. */
  document?: Document;
}

/** Defaults of {@link InteractiveClassifier}, written once. */
export const interactiveClassifierDefaults = {
  dsIdx: 1,
  attribution: 'saliency',
  pageSize: 48,
  cmap: 'Blues',
  title: 'Classification results',
} as const;

/** Which items are listed: `null` means any class. */
export interface ClassFilter {
  actual: number | null;
  predicted: number | null;
}

/** Thumbnail width in px of a listed image item; the detail view draws items at twice this. */
const THUMB_PX = 56;

/**
 * Browse a classifier's predictions in the page, as fastai's interactive interpretation: the
 * confusion matrix as a clickable heatmap (a click, or Enter/Space on a focused cell, lists that
 * cell's items), filters by actual and predicted class, items sorted by loss (largest first, ties
 * to the lower index), and an item's attribution (saliency by default, from @interp/attribution)
 * when it is opened. Plain DOM, keyboard usable (arrow keys move in the matrix and the item list),
 * labelled for screen readers, with a live region announcing results. Class names and item labels
 * are set as text, never parsed as markup.
 *
 * @example
 * ```ts
 * const widget = new InteractiveClassifier(learn, { dsIdx: 1 });
 * await widget.show(document.querySelector('#out')!);
 * widget.selectCell(4, 9); // the 4s predicted as 9s
 * ```
 */
export class InteractiveClassifier {
  /** The learner, when the widget was built from one (attribution needs it). */
  readonly learn: Learner | undefined;
  /** The interpretation shown; set by `show()` (or given to `fromInterpretation`). */
  interp: ClassificationInterpretation | undefined;
  /** The widget's root element, once shown. */
  root: HTMLElement | undefined;

  private readonly dsIdx: number;
  private readonly attributionMethod: AttributionMethod | null;
  private readonly pageSize: number;
  private readonly cmap: string;
  private readonly title: string;
  private readonly documentOption: Document | undefined;
  private doc: Document | undefined;
  private filter: ClassFilter = { actual: null, predicted: null };
  private order: Int32Array = new Int32Array(0);
  private shown = 0;
  private selectedItem: number | undefined;
  private attributionToken = 0;
  private parts: Parts | undefined;

  constructor(learn: Learner | undefined, options: InteractiveClassifierOptions = {}) {
    const d = interactiveClassifierDefaults;
    this.learn = learn;
    this.dsIdx = assertInteger(options.dsIdx ?? d.dsIdx, 'dsIdx', 0, 1);
    this.attributionMethod =
      options.attribution === null
        ? null
        : keyword(options.attribution, 'attribution', ATTRIBUTION_METHODS, d.attribution);
    this.pageSize = assertInteger(options.pageSize ?? d.pageSize, 'pageSize', 1);
    this.cmap = options.cmap ?? d.cmap;
    colormap(this.cmap); // throws now on an unknown name rather than at show()
    this.title = options.title ?? d.title;
    this.documentOption = options.document;
  }

  /**
   * A widget over an interpretation computed elsewhere (no training or inference needed): from
   * `ClassificationInterpretation.fromPredictions(...)` or a saved one. Attribution is offered
   * when the interpretation came from a learner (`interp.learn`).
   */
  static fromInterpretation(
    interp: ClassificationInterpretation,
    options: InteractiveClassifierOptions = {},
  ): InteractiveClassifier {
    if (!(interp instanceof ClassificationInterpretation)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'fromInterpretation needs a ClassificationInterpretation (fromLearner or fromPredictions)',
      );
    }
    const w = new InteractiveClassifier(interp.learn, options);
    w.interp = interp;
    return w;
  }

  /**
   * Computes the interpretation (once; predictions over the dataset) and draws the widget into
   * `container` (default: the document's body). Returns the widget's root element.
   */
  async show(container?: Element): Promise<HTMLElement> {
    const { doc, target } = showTarget(this.documentOption, container);
    if (!this.interp) {
      this.interp = await ClassificationInterpretation.fromLearner(
        widgetLearner(this.learn, 'InteractiveClassifier'),
        { dsIdx: this.dsIdx },
      );
    }
    if (this.interp.length === 0) {
      throw new InterpError('EMPTY_INPUT', 'the interpretation has no items to show');
    }
    this.doc = doc;
    this.root?.remove();
    this.root = this.build(doc);
    target.append(this.root);
    this.applyFilter(false);
    return this.root;
  }

  /** The current filter (null = any class). */
  getFilter(): ClassFilter {
    return { ...this.filter };
  }

  /**
   * Lists the items whose actual and predicted classes match (`null` = any), sorted by loss, and
   * announces how many there are.
   */
  setFilter(filter: Partial<ClassFilter>): void {
    const interp = this.requireShown();
    const c = interp.numClasses;
    const check = (v: number | null | undefined, name: string) =>
      v === null || v === undefined ? null : assertInteger(v, name, 0, c - 1);
    this.filter = {
      actual: filter.actual === undefined ? this.filter.actual : check(filter.actual, 'actual'),
      predicted:
        filter.predicted === undefined
          ? this.filter.predicted
          : check(filter.predicted, 'predicted'),
    };
    this.applyFilter(true);
  }

  /** Selects a confusion-matrix cell: lists the items of class `actual` predicted as `predicted`. */
  selectCell(actual: number, predicted: number): void {
    this.setFilter({ actual, predicted });
  }

  /** Item indices currently listed (all pages), in display order: loss descending, ties by index. */
  visibleItems(): number[] {
    return Array.from(this.order);
  }

  /**
   * Opens item `index` in the detail panel: its image, classes, probabilities and (when the
   * widget has a learner and an attribution method) its attribution for the predicted class.
   * Resolves when the attribution is drawn; a later selection supersedes an unfinished one.
   */
  async selectItem(index: number): Promise<void> {
    const interp = this.requireShown();
    assertInteger(index, 'item index', 0, interp.length - 1);
    const p = this.parts!;
    const doc = this.doc!;
    this.selectedItem = index;
    for (const li of p.list.querySelectorAll('li')) {
      li.setAttribute('aria-selected', String(Number(li.dataset.index) === index));
    }
    const token = ++this.attributionToken;
    const names = interp.classNames;
    const actual = interp.targs.data[index]!;
    const predicted = interp.decoded.data[index]!;
    clear(p.detail);
    p.detail.append(
      h(doc, 'h3', { attrs: { id: `${p.id}-detail-title` }, text: `Item ${index}` }),
      h(doc, 'p', {
        class: actual === predicted ? 'iw-right' : 'iw-wrong',
        text: `Predicted ${className(names, predicted)}, actual ${className(names, actual)}, loss ${fmt(interp.losses?.[index])}`,
      }),
    );
    const probs = topProbabilities(interp, index, 3);
    if (probs.length) {
      const ul = h(doc, 'ul', { attrs: { 'aria-label': 'Top predicted probabilities' } });
      for (const [k, prob] of probs) {
        ul.append(h(doc, 'li', { text: `${className(names, k)}: ${fmt(prob, 3)}` }));
      }
      p.detail.append(ul);
    }
    let item: DecodedItem;
    try {
      item = await interp.item(index);
    } catch (e) {
      if (token === this.attributionToken) this.showError(e, 'showing the item');
      return;
    }
    if (token !== this.attributionToken) return;
    const panels = h(doc, 'div', { class: 'iw-panels' });
    p.detail.append(panels);
    panels.append(itemFigure(doc, item, `Item ${index}`, THUMB_PX * 2));
    const method = this.currentMethod();
    if (!method || !this.learn || item.kind !== 'image') {
      if (method && !this.learn) {
        p.detail.append(
          h(doc, 'p', { text: 'Attribution needs the learner (this view has predictions only).' }),
        );
      }
      this.announce(`Item ${index} opened.`);
      return;
    }
    const label = `${ATTRIBUTION_LABELS[method]} for class ${className(names, predicted)}`;
    const pending = h(doc, 'p', { attrs: { 'aria-busy': 'true' }, text: `Computing ${label}…` });
    p.detail.append(pending);
    try {
      const url = await itemAttribution(this.learn, item, predicted, method);
      if (token !== this.attributionToken) return;
      pending.remove();
      panels.append(
        h(doc, 'figure', { class: 'iw-attribution' }, [
          h(doc, 'img', {
            class: 'iw-px',
            attrs: { src: url, alt: `${label}, item ${index}`, width: THUMB_PX * 2 },
          }),
          h(doc, 'figcaption', { text: label }),
        ]),
      );
      this.announce(`Item ${index}: ${label} drawn.`);
    } catch (e) {
      if (token !== this.attributionToken) return;
      pending.remove();
      this.showError(e, 'computing the attribution');
    }
  }

  /** Removes the widget from the page. */
  destroy(): void {
    this.attributionToken++;
    this.root?.remove();
    this.root = undefined;
    this.parts = undefined;
  }

  private requireShown(): ClassificationInterpretation {
    if (!this.interp || !this.parts) {
      throw new InterpError('INVALID_ARGUMENT', 'call show() before interacting with the widget');
    }
    return this.interp;
  }

  private currentMethod(): AttributionMethod | null {
    const v = this.parts?.method?.value;
    if (!v) return this.attributionMethod;
    return (ATTRIBUTION_METHODS as readonly string[]).includes(v) ? (v as AttributionMethod) : null;
  }

  private announce(text: string): void {
    if (this.parts) this.parts.status.textContent = text;
  }

  private showError(e: unknown, doing: string): void {
    const msg = isInterpError(e) || e instanceof Error ? e.message : String(e);
    this.parts?.detail.append(
      h(this.doc!, 'p', {
        class: 'iw-error',
        attrs: { role: 'alert' },
        text: `Error ${doing}: ${msg}`,
      }),
    );
  }

  private build(doc: Document): HTMLElement {
    const interp = this.interp!;
    const { root, id } = widgetRoot(doc, 'classifier', this.title);
    const names = interp.classNames;

    const classSelect = (which: 'actual' | 'predicted', label: string) => {
      const select = h(doc, 'select', { attrs: { id: `${id}-${which}`, name: which } });
      select.append(h(doc, 'option', { attrs: { value: '' }, text: 'All classes' }));
      names.forEach((n, k) => {
        select.append(h(doc, 'option', { attrs: { value: k }, text: n }));
      });
      select.addEventListener('change', () => {
        const v = select.value;
        this.setFilter({ [which]: v === '' ? null : Number(v) });
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
    reset.addEventListener('click', () => this.setFilter({ actual: null, predicted: null }));
    controls.append(reset);
    let method: HTMLSelectElement | undefined;
    if (this.attributionMethod && this.learn) {
      method = h(doc, 'select', { attrs: { id: `${id}-method`, name: 'attribution' } });
      for (const m of ATTRIBUTION_METHODS) {
        const opt = h(doc, 'option', { attrs: { value: m }, text: ATTRIBUTION_LABELS[m] });
        if (m === this.attributionMethod) opt.setAttribute('selected', '');
        method.append(opt);
      }
      method.value = this.attributionMethod;
      method.addEventListener('change', () => {
        if (this.selectedItem !== undefined) void this.selectItem(this.selectedItem);
      });
      controls.append(
        h(doc, 'label', { attrs: { for: `${id}-method` }, text: 'Attribution' }),
        method,
      );
    }
    root.append(controls);

    const status = statusRegion(doc);
    const body = h(doc, 'div', { class: 'iw-body' });
    const matrix = this.buildMatrix(doc);
    const list = h(doc, 'ul', {
      class: 'iw-items',
      attrs: {
        role: 'listbox',
        'aria-label': 'Items, largest loss first',
        id: `${id}-items`,
      },
    });
    list.addEventListener('keydown', (e) => this.onListKey(e as KeyboardEvent));
    list.addEventListener('click', (e) => {
      const li = (e.target as Element).closest?.('li[data-index]') as HTMLElement | null;
      if (li) this.activateListItem(li);
    });
    const more = h(doc, 'button', { attrs: { type: 'button', hidden: true }, text: 'Show more' });
    more.addEventListener('click', () => this.renderPage(true));
    const itemsHeading = h(doc, 'h3', { attrs: { id: `${id}-items-title` }, text: 'Items' });
    const detail = h(doc, 'section', {
      class: 'iw-detail',
      attrs: { 'aria-label': 'Item details' },
    });
    body.append(matrix, h(doc, 'div', { class: 'iw-list' }, [itemsHeading, list, more]), detail);
    root.append(status, body);
    this.parts = {
      id,
      actual: actualSel.select,
      predicted: predictedSel.select,
      method,
      status,
      list,
      more,
      detail,
      itemsHeading,
      cells: Array.from(matrix.querySelectorAll('td')) as HTMLTableCellElement[],
    };
    return root;
  }

  private buildMatrix(doc: Document): HTMLElement {
    const interp = this.interp!;
    const names = interp.classNames;
    const cm = interp.confusionMatrix();
    const c = names.length;
    let max = 0;
    for (const row of cm) for (const v of row) max = Math.max(max, v);
    const color = colormap(this.cmap);
    const table = h(doc, 'table', {
      class: 'iw-cm',
      attrs: {
        role: 'grid',
        'aria-label': 'Confusion matrix: rows are actual classes, columns predicted classes',
        'aria-rowcount': c + 1,
        'aria-colcount': c + 1,
      },
    });
    table.append(h(doc, 'caption', { text: 'Confusion matrix (rows actual, columns predicted)' }));
    const head = h(doc, 'tr', { attrs: { role: 'row' } }, [
      h(doc, 'th', { attrs: { scope: 'col', role: 'columnheader' }, text: 'Actual \\ Predicted' }),
    ]);
    for (let j = 0; j < c; j++) {
      head.append(
        h(doc, 'th', {
          attrs: { scope: 'col', role: 'columnheader', title: names[j] },
          text: names[j],
        }),
      );
    }
    table.append(h(doc, 'thead', {}, [head]));
    const tbody = h(doc, 'tbody');
    for (let i = 0; i < c; i++) {
      const tr = h(doc, 'tr', { attrs: { role: 'row' } }, [
        h(doc, 'th', {
          attrs: { scope: 'row', role: 'rowheader', title: names[i] },
          text: names[i],
        }),
      ]);
      for (let j = 0; j < c; j++) {
        const v = cm[i]![j]!;
        const bg = color(max === 0 ? 0 : v / max);
        const td = h(doc, 'td', {
          attrs: {
            role: 'gridcell',
            tabindex: i === 0 && j === 0 ? 0 : -1,
            'aria-selected': 'false',
            'aria-label': `Actual ${names[i]}, predicted ${names[j]}: ${v} item${v === 1 ? '' : 's'}`,
            'data-actual': i,
            'data-predicted': j,
          },
          text: String(v),
        });
        td.style.backgroundColor = bg;
        td.style.color = contrastingTextColor(bg) === 'black' ? '#000000' : '#ffffff';
        tr.append(td);
      }
      tbody.append(tr);
    }
    table.append(tbody);
    table.addEventListener('click', (e) => {
      const td = (e.target as Element).closest?.('td[data-actual]') as HTMLElement | null;
      if (td) this.activateCell(td);
    });
    table.addEventListener('keydown', (e) => this.onMatrixKey(e as KeyboardEvent));
    return h(doc, 'div', { class: 'iw-matrix' }, [table]);
  }

  private activateCell(td: HTMLElement): void {
    this.focusCell(td);
    this.selectCell(Number(td.dataset.actual), Number(td.dataset.predicted));
  }

  private focusCell(td: HTMLElement): void {
    for (const cell of this.parts!.cells) cell.setAttribute('tabindex', cell === td ? '0' : '-1');
    td.focus();
  }

  private onMatrixKey(e: KeyboardEvent): void {
    const td = (e.target as Element).closest?.('td[data-actual]') as HTMLElement | null;
    if (!td) return;
    const c = this.interp!.numClasses;
    let i = Number(td.dataset.actual);
    let j = Number(td.dataset.predicted);
    if (isActivationKey(e.key)) {
      e.preventDefault();
      this.activateCell(td);
      return;
    }
    switch (e.key) {
      case 'ArrowUp':
        i = Math.max(0, i - 1);
        break;
      case 'ArrowDown':
        i = Math.min(c - 1, i + 1);
        break;
      case 'ArrowLeft':
        j = Math.max(0, j - 1);
        break;
      case 'ArrowRight':
        j = Math.min(c - 1, j + 1);
        break;
      case 'Home':
        j = 0;
        break;
      case 'End':
        j = c - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    this.focusCell(this.parts!.cells[i * c + j]!);
  }

  private onListKey(e: KeyboardEvent): void {
    const li = (e.target as Element).closest?.('li[data-index]') as HTMLElement | null;
    if (!li) return;
    const items = Array.from(this.parts!.list.querySelectorAll('li[data-index]')) as HTMLElement[];
    const k = items.indexOf(li);
    if (isActivationKey(e.key)) {
      e.preventDefault();
      this.activateListItem(li);
      return;
    }
    // The list is a wrapped grid of thumbnails: left/right step by one, up/down too (a screen
    // reader reads it as a list), Home/End jump to the ends.
    const next: Record<string, number> = {
      ArrowDown: k + 1,
      ArrowRight: k + 1,
      ArrowUp: k - 1,
      ArrowLeft: k - 1,
      Home: 0,
      End: items.length - 1,
    };
    const to = next[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const target = items[Math.max(0, Math.min(items.length - 1, to))];
    if (target) this.focusListItem(target);
  }

  private focusListItem(li: HTMLElement): void {
    for (const other of this.parts!.list.querySelectorAll('li[data-index]')) {
      other.setAttribute('tabindex', other === li ? '0' : '-1');
    }
    li.focus();
  }

  private activateListItem(li: HTMLElement): void {
    this.focusListItem(li);
    void this.selectItem(Number(li.dataset.index));
  }

  private applyFilter(announce: boolean): void {
    const interp = this.interp!;
    const p = this.parts!;
    const { actual, predicted } = this.filter;
    p.actual.value = actual === null ? '' : String(actual);
    p.predicted.value = predicted === null ? '' : String(predicted);
    for (const cell of p.cells) {
      const sel =
        actual !== null &&
        predicted !== null &&
        Number(cell.dataset.actual) === actual &&
        Number(cell.dataset.predicted) === predicted;
      cell.setAttribute('aria-selected', String(sel));
    }
    this.order = itemsByLoss(interp, this.filter);
    this.shown = 0;
    clear(p.list);
    this.renderPage(false);
    const names = interp.classNames;
    const what = [
      actual === null ? 'any actual class' : `actual ${className(names, actual)}`,
      predicted === null ? 'any predicted class' : `predicted ${className(names, predicted)}`,
    ].join(', ');
    const n = this.order.length;
    const sorted = interp.losses ? 'largest loss first' : 'by index';
    p.itemsHeading.textContent = `Items (${n})`;
    if (announce || n === 0) {
      this.announce(`${n} item${n === 1 ? '' : 's'} with ${what}, ${sorted}.`);
    }
  }

  private renderPage(focusFirstNew: boolean): void {
    const interp = this.interp!;
    const p = this.parts!;
    const doc = this.doc!;
    const names = interp.classNames;
    const end = Math.min(this.order.length, this.shown + this.pageSize);
    let firstNew: HTMLElement | undefined;
    for (let r = this.shown; r < end; r++) {
      const i = this.order[r]!;
      const actual = interp.targs.data[i]!;
      const predicted = interp.decoded.data[i]!;
      const right = actual === predicted;
      const caption = `${className(names, predicted)} / ${className(names, actual)}`;
      const li = h(doc, 'li', {
        class: right ? 'iw-right' : 'iw-wrong',
        attrs: {
          role: 'option',
          tabindex: r === 0 ? 0 : -1,
          'aria-selected': String(i === this.selectedItem),
          'aria-label': `Item ${i}: predicted ${className(names, predicted)}, actual ${className(names, actual)}, loss ${fmt(interp.losses?.[i])}`,
          'data-index': i,
        },
      });
      li.append(
        h(doc, 'span', { class: 'iw-caption', text: caption }),
        h(doc, 'br'),
        h(doc, 'span', { text: fmt(interp.losses?.[i]) }),
      );
      p.list.append(li);
      firstNew ??= li;
      void this.fillThumbnail(li, i);
    }
    this.shown = end;
    if (this.order.length === 0) {
      p.list.append(
        h(doc, 'li', { attrs: { role: 'option', 'aria-disabled': 'true' }, text: 'No items' }),
      );
    }
    p.more.hidden = this.shown >= this.order.length;
    p.more.textContent = `Show more (${this.order.length - this.shown} left)`;
    if (focusFirstNew && firstNew) this.focusListItem(firstNew);
  }

  private async fillThumbnail(li: HTMLElement, i: number): Promise<void> {
    try {
      const item = await this.interp!.item(i);
      if (item.kind !== 'image') return;
      li.prepend(
        h(this.doc!, 'img', {
          class: 'iw-px',
          attrs: { src: imageToDataURL(item), alt: '', width: THUMB_PX, height: THUMB_PX },
        }),
      );
    } catch {
      // A thumbnail is decoration: the item stays listed (and labelled) without it.
    }
  }
}

interface Parts {
  id: string;
  actual: HTMLSelectElement;
  predicted: HTMLSelectElement;
  method: HTMLSelectElement | undefined;
  status: HTMLElement;
  list: HTMLElement;
  more: HTMLButtonElement;
  detail: HTMLElement;
  itemsHeading: HTMLElement;
  cells: HTMLTableCellElement[];
}

/**
 * Items matching the filter, largest loss first (ties to the lower index, NaN losses last); in
 * index order when the interpretation has no losses. What the classifier widget lists.
 *
 * @example
 * ```ts
 * itemsByLoss(interp, { actual: 4, predicted: 9 }); // Int32Array of the 4s taken for 9s, worst first
 * ```
 */
export function itemsByLoss(interp: ClassificationInterpretation, filter: ClassFilter): Int32Array {
  const { actual, predicted } = filter;
  const t = interp.targs.data;
  const d = interp.decoded.data;
  const picked: number[] = [];
  for (let i = 0; i < interp.length; i++) {
    if ((actual === null || t[i] === actual) && (predicted === null || d[i] === predicted)) {
      picked.push(i);
    }
  }
  const losses = interp.losses;
  if (losses) {
    picked.sort((a, b) => {
      const la = losses[a]!;
      const lb = losses[b]!;
      // NaN losses go last; equal losses keep index order.
      if (Number.isNaN(la) || Number.isNaN(lb)) {
        return Number.isNaN(la) === Number.isNaN(lb) ? a - b : Number.isNaN(la) ? 1 : -1;
      }
      return lb - la || a - b;
    });
  }
  return Int32Array.from(picked);
}

/** The k most probable classes of item i (ties to the lower class), when scores are known. */
function topProbabilities(
  interp: ClassificationInterpretation,
  i: number,
  k: number,
): [number, number][] {
  if (!interp.preds) return [];
  const c = interp.preds.shape.at(-1)!;
  const row = Array.from(
    interp.preds.data.subarray(i * c, (i + 1) * c),
    (p, j) => [j, p] as [number, number],
  );
  row.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return row.slice(0, k);
}

/** An item as a figure: the image scaled up crisply, or a row/vector as a short table of values. */
function itemFigure(doc: Document, item: DecodedItem, label: string, px: number): HTMLElement {
  if (item.kind === 'image') {
    return h(doc, 'figure', {}, [
      h(doc, 'img', {
        class: 'iw-px',
        attrs: { src: imageToDataURL(item), alt: label, width: px },
      }),
      h(doc, 'figcaption', { text: 'Input' }),
    ]);
  }
  const entries: [string, string][] =
    item.kind === 'tabular'
      ? Object.entries(item.row).map(([k, v]) => [k, v === null ? 'missing' : String(v)])
      : Array.from(item.data.subarray(0, 12), (v, j) => [`x${j}`, fmt(v, 3)]);
  const table = h(doc, 'table', { class: 'iw-iou', attrs: { 'aria-label': `${label} values` } });
  for (const [k, v] of entries) {
    table.append(
      h(doc, 'tr', {}, [
        h(doc, 'th', { attrs: { scope: 'row' }, text: k }),
        h(doc, 'td', { text: v }),
      ]),
    );
  }
  return h(doc, 'figure', {}, [table]);
}
