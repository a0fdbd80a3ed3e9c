import { ClassificationInterpretation } from '@interp/classification';
import {
  type DecodedItem,
  type GraphSource,
  InterpError,
  isInterpError,
  type Learner,
  type ModelGraph,
  toModelGraph,
} from '@interp/core';
import { assertInteger, keyword } from '@interp/core/internal';
import { colormap, imageToDataURL } from '@interp/viz/image';
import { className, clear, h } from './internal/dom.js';
import { selectValue, setSelectValue } from './internal/form-controls.js';
import {
  ATTRIBUTION_METHODS,
  type AttributionMethod,
  attributionLabel,
  itemAttribution,
} from './internal/item-attribution.js';
import { defaultLayer } from './internal/item-layout.js';
import {
  requireInterpretation,
  showTarget,
  widgetLearner,
  widgetRoot,
} from './internal/widget-shell.js';
import { ClassifierState } from './state/classifier-state.js';
import type { ClassFilter } from './state/items-by-loss.js';
import { type ClassifierParts, classifierLayout, itemOption } from './views/classifier-layout.js';
import { attributionFigure, itemFigure, itemSummary } from './views/item-detail.js';

/** Options of {@link InteractiveClassifier}. */
export interface InteractiveClassifierOptions {
  /** Dataset to interpret: 0 = train, 1 = valid (fastai's ds_idx). */
  dsIdx?: number;
  /** Attribution drawn when an item is opened; `null` for none. */
  attribution?: AttributionMethod | null;
  /**
   * The model attributions run through: a Learner, LayersModel, GraphModel or ModelGraph (an ONNX
   * model from `@interp/onnx`); its layout decides how an item is fed (C x H x W for NCHW).
   * Default: the learner's model.
   */
  model?: GraphSource;
  /**
   * The node layer and neuron methods read first (a layer menu lists every node); default
   * GradCAM's: the last node with an image output larger than 1 x 1.
   */
  layer?: string;
  /** Items listed at a time (a "Show more" button lists the next page). */
  pageSize?: number;
  /** Colormap of the confusion matrix's diagonal (correct) cells (a viz colormap name). */
  cmap?: string;
  /** Colormap of its off-diagonal (error) cells, shaded on their own square-root scale. */
  errorCmap?: string;
  /** Heading of the widget. */
  title?: string;
  /** The document to build in; default the container's, else the global one. */
  document?: Document;
}

/** Defaults of {@link InteractiveClassifier}, written once. */
export const interactiveClassifierDefaults = Object.freeze({
  dsIdx: 1,
  attribution: 'saliency',
  pageSize: 48,
  cmap: 'Blues',
  errorCmap: 'Oranges',
  title: 'Classification results',
} as const);

/** Thumbnail width in px of a listed image item; the detail view draws items at twice this. */
const THUMB_PX = 56;

/**
 * Browse a classifier's predictions in the page, as fastai's interactive interpretation: the
 * confusion matrix as a clickable heatmap (a click, or Enter/Space on a focused cell, lists that
 * cell's items), filters by actual and predicted class, items sorted by loss (largest first, ties
 * to the lower index), and an item's attribution (saliency by default, from @interp/attribution)
 * when it is opened. The filter, order, pages and selection live in a DOM-free
 * {@link ClassifierState}; this class draws them. Plain DOM (a browser's, jsdom or linkedom),
 * keyboard usable (arrow keys move in the matrix and the item list), labelled for screen
 * readers, with a live region announcing results. Class names and item labels are set as text,
 * never parsed as markup.
 *
 * @example
 * ```ts
 * const widget = new InteractiveClassifier(learn, { dsIdx: 1 });
 * await widget.show(document.querySelector('#out')!);
 * widget.selectCell(4, 9); // the 4s predicted as 9s
 * ```
 */
export class InteractiveClassifier {
  /** The learner, when the widget was built from one. */
  readonly learn: Learner | undefined;
  /** The model graph attributions run through (the `model` option, else the learner's). */
  readonly graph: ModelGraph | undefined;
  /** The interpretation shown; set by `show()` (or given to `fromInterpretation`). */
  interp: ClassificationInterpretation | undefined;
  /** The widget's root element, once shown. */
  root: HTMLElement | undefined;

  private readonly dsIdx: number;
  private readonly attributionMethod: AttributionMethod | null;
  private readonly layer: string | undefined;
  private readonly pageSize: number;
  private readonly cmap: string;
  private readonly errorCmap: string;
  private readonly title: string;
  private readonly documentOption: Document | undefined;
  private doc: Document | undefined;
  private state: ClassifierState | undefined;
  private attributionToken = 0;
  private parts: ClassifierParts | undefined;

  constructor(learn: Learner | undefined, options: InteractiveClassifierOptions = {}) {
    const d = interactiveClassifierDefaults;
    this.learn = learn;
    const model = options.model ?? learn;
    this.graph = model === undefined ? undefined : toModelGraph(model, 'InteractiveClassifier');
    // An unknown layer name throws now (findNode lists the nodes), not at the first click.
    this.layer =
      options.layer !== undefined && this.graph
        ? this.graph.findNode(options.layer).name
        : this.graph && defaultLayer(this.graph);
    this.dsIdx = assertInteger(options.dsIdx ?? d.dsIdx, 'dsIdx', 0, 1);
    this.attributionMethod =
      options.attribution === null
        ? null
        : keyword(options.attribution, 'attribution', ATTRIBUTION_METHODS, d.attribution);
    this.pageSize = assertInteger(options.pageSize ?? d.pageSize, 'pageSize', 1);
    this.cmap = options.cmap ?? d.cmap;
    this.errorCmap = options.errorCmap ?? d.errorCmap;
    // Throw now on an unknown name rather than at show().
    colormap(this.cmap);
    colormap(this.errorCmap);
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
    const checked = requireInterpretation(
      interp,
      ClassificationInterpretation,
      'a ClassificationInterpretation (fromLearner or fromPredictions)',
    );
    const w = new InteractiveClassifier(checked.learn, options);
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
    this.state = new ClassifierState(this.interp, {
      numClasses: this.interp.numClasses,
      pageSize: this.pageSize,
    });
    this.root?.remove();
    this.root = this.build(doc);
    target.append(this.root);
    this.applyFilter(false);
    return this.root;
  }

  /** The current filter (null = any class). */
  getFilter(): ClassFilter {
    return this.state?.filter ?? { actual: null, predicted: null };
  }

  /**
   * Lists the items whose actual and predicted classes match (`null` = any), sorted by loss, and
   * announces how many there are.
   */
  setFilter(filter: Partial<ClassFilter>): void {
    this.requireShown().state.setFilter(filter);
    this.applyFilter(true);
  }

  /** Selects a confusion-matrix cell: lists the items of class `actual` predicted as `predicted`. */
  selectCell(actual: number, predicted: number): void {
    this.setFilter({ actual, predicted });
  }

  /** Item indices currently listed (all pages), in display order: loss descending, ties by index. */
  visibleItems(): number[] {
    return Array.from(this.state?.order ?? []);
  }

  /**
   * Opens item `index` in the detail panel: its image, classes, probabilities and (when the
   * widget has a learner and an attribution method) its attribution for the predicted class.
   * Resolves when the attribution is drawn; a later selection supersedes an unfinished one.
   */
  async selectItem(index: number): Promise<void> {
    const { interp, state, parts: p } = this.requireShown();
    const doc = this.doc!;
    state.selectItem(index);
    for (const li of p.list.querySelectorAll('li[data-index]')) {
      li.setAttribute('aria-selected', String(Number(li.getAttribute('data-index')) === index));
    }
    const token = ++this.attributionToken;
    const names = interp.classNames;
    const predicted = interp.decoded.data[index]!;
    clear(p.detail);
    p.detail.append(...itemSummary(doc, interp, index, `${p.id}-detail-title`));
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
    if (!method || !this.graph || item.kind !== 'image') {
      if (method && !this.graph) {
        p.detail.append(
          h(doc, 'p', {
            text: 'Attribution needs the model (this view has predictions only): pass a learner or { model }.',
          }),
        );
      }
      this.announce(`Item ${index} opened.`);
      return;
    }
    let label = `${attributionLabel(method)} for class ${className(names, predicted)}`;
    const pending = h(doc, 'p', { attrs: { 'aria-busy': 'true' }, text: `Computing ${label}…` });
    p.detail.append(pending);
    try {
      const layer = (p.layer && selectValue(p.layer)) || this.layer;
      const drawn = await itemAttribution(this.graph, item, predicted, method, layer);
      if (token !== this.attributionToken) return;
      pending.remove();
      if (drawn.layer !== undefined) {
        label = `${attributionLabel(method)} (layer ${drawn.layer}) for class ${className(names, predicted)}`;
      }
      panels.append(
        attributionFigure(doc, drawn.url, label, `${label}, item ${index}`, THUMB_PX * 2),
      );
      if (drawn.blank) p.detail.append(h(doc, 'p', { class: 'iw-blank', text: drawn.blank }));
      this.announce(`Item ${index}: ${label} drawn.${drawn.blank ? ` ${drawn.blank}` : ''}`);
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

  private requireShown(): {
    interp: ClassificationInterpretation;
    state: ClassifierState;
    parts: ClassifierParts;
  } {
    if (!this.interp || !this.state || !this.parts) {
      throw new InterpError('INVALID_ARGUMENT', 'call show() before interacting with the widget');
    }
    return { interp: this.interp, state: this.state, parts: this.parts };
  }

  private currentMethod(): AttributionMethod | null {
    const v = this.parts?.method ? selectValue(this.parts.method) : '';
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
    this.parts = classifierLayout(doc, root, id, {
      names: interp.classNames,
      matrix: interp.confusionMatrix(),
      cmap: this.cmap,
      errorCmap: this.errorCmap,
      method: this.attributionMethod && this.graph ? this.attributionMethod : null,
      layers: this.graph?.nodes.map((n) => n.name) ?? [],
      layer: this.layer,
      onFilter: (filter) => this.setFilter(filter),
      onMethod: () => {
        const selected = this.state?.selectedItem;
        if (selected !== undefined) void this.selectItem(selected);
      },
      onItem: (index) => void this.selectItem(index),
      onMore: () => this.renderPage(true),
    });
    return root;
  }

  private applyFilter(announce: boolean): void {
    const { interp, state, parts: p } = this.requireShown();
    const { actual, predicted } = state.filter;
    setSelectValue(p.actual, actual === null ? '' : String(actual));
    setSelectValue(p.predicted, predicted === null ? '' : String(predicted));
    p.matrix.markSelected(state.selectedCell);
    clear(p.list);
    this.renderPage(false);
    const names = interp.classNames;
    const what = [
      actual === null ? 'any actual class' : `actual ${className(names, actual)}`,
      predicted === null ? 'any predicted class' : `predicted ${className(names, predicted)}`,
    ].join(', ');
    const n = state.order.length;
    const sorted = interp.losses ? 'largest loss first' : 'by index';
    p.itemsHeading.textContent = `Items (${n})`;
    if (announce || n === 0) {
      this.announce(`${n} item${n === 1 ? '' : 's'} with ${what}, ${sorted}.`);
    }
  }

  private renderPage(focusFirstNew: boolean): void {
    const { interp, state, parts: p } = this.requireShown();
    const doc = this.doc!;
    const page = state.nextPage();
    let firstNew: HTMLElement | undefined;
    page.items.forEach((i, r) => {
      const li = itemOption(doc, interp, i, {
        first: page.start + r === 0,
        selected: i === state.selectedItem,
      });
      p.list.append(li);
      firstNew ??= li;
      void this.fillThumbnail(li, i);
    });
    if (state.order.length === 0) {
      p.list.append(
        h(doc, 'li', { attrs: { role: 'option', 'aria-disabled': 'true' }, text: 'No items' }),
      );
    }
    p.more.hidden = state.remaining === 0;
    p.more.textContent = `Show more (${state.remaining} left)`;
    if (focusFirstNew && firstNew) p.listGrid.focus(firstNew);
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
