import { type DecodedItem, InterpError, Interpretation, type Learner } from '@interp/core';
import { assertInteger, assertNumber, keyword } from '@interp/core/internal';
import {
  type ConfusionMatrixLike,
  intersectionOverUnion,
  meanIoU,
  pixelAccuracy,
  pixelConfusionMatrix,
  SegmentationInterpretation,
  segmentationPalette,
} from '@interp/segmentation';
import { imageToDataURL, parseColor } from '@interp/viz/image';
import { className, clear, fmt, h } from './internal/dom.js';
import { showTarget, statusRegion, widgetLearner, widgetRoot } from './internal/widget-shell.js';

/** Orders in which {@link InteractiveSegmentation} browses the images. */
export const SEGMENTATION_ORDERS = ['loss', 'index'] as const;

/** `loss`: largest per-item loss first (ties to the lower index); `index`: dataset order. */
export type SegmentationOrder = (typeof SEGMENTATION_ORDERS)[number];

/** Options of {@link InteractiveSegmentation}. */
export interface InteractiveSegmentationOptions {
  /** Dataset to interpret: 0 = train, 1 = valid (fastai's ds_idx). */
  dsIdx?: number;
  /** Opacity of the masks drawn over the image, 0..1 (the slider's start value). */
  opacity?: number;
  /** Class drawn transparent in the masks (usually "background"); `null` to draw every class. */
  backgroundIndex?: number | null;
  /** Browsing order (the widget's menu can change it). */
  order?: SegmentationOrder;
  /** Heading of the widget. */
  title?: string;
  /** Displayed width of each panel in px (images are scaled up crisply). */
  panelSize?: number;
  /** The document to build in; default the container's, else the global one. */
  document?: Document;
}

/** Defaults of {@link InteractiveSegmentation}, written once. */
export const interactiveSegmentationDefaults = {
  dsIdx: 1,
  opacity: 0.5,
  backgroundIndex: 0,
  order: 'loss',
  title: 'Segmentation results',
  panelSize: 168,
} as const;

/** Per-class IoU of one image and of the whole dataset, with their means and pixel accuracy. */
export interface SegmentationScores {
  /** IoU per class (NaN for a class absent from both target and prediction). */
  iou: Float64Array;
  /** Mean of the non-NaN IoUs. */
  meanIoU: number;
  pixelAccuracy: number;
}

/**
 * Browse a segmentation model's predictions: each image with its target mask and its predicted
 * mask drawn over it (an opacity slider fades the masks), the classes present in it with their
 * colors, and per-class intersection over union for the image and for the whole dataset. Previous
 * and Next buttons (or the left and right arrow keys on the image panels) step through the images,
 * largest loss first by default. Plain DOM, labelled for screen readers, with a live region
 * announcing each image's scores; class names are set as text, never parsed as markup.
 *
 * @example
 * ```ts
 * const widget = new InteractiveSegmentation(learn, { dsIdx: 1, opacity: 0.6 });
 * await widget.show(document.querySelector('#out')!);
 * await widget.next();
 * ```
 */
export class InteractiveSegmentation {
  /** The learner, when the widget was built from one. */
  readonly learn: Learner | undefined;
  /** The interpretation shown; set by `show()` (or given to `fromInterpretation`). */
  interp: Interpretation | undefined;
  /** The widget's root element, once shown. */
  root: HTMLElement | undefined;

  private readonly dsIdx: number;
  private opacity: number;
  private readonly backgroundIndex: number | null;
  private order: SegmentationOrder;
  private readonly title: string;
  private readonly panelSize: number;
  private readonly documentOption: Document | undefined;
  private doc: Document | undefined;
  private geometry: Geometry | undefined;
  private sequence: Int32Array = new Int32Array(0);
  private position = 0;
  private overall: SegmentationScores | undefined;
  private parts: SegParts | undefined;
  private palette: [number, number, number][] = [];
  private token = 0;

  constructor(learn: Learner | undefined, options: InteractiveSegmentationOptions = {}) {
    const d = interactiveSegmentationDefaults;
    this.learn = learn;
    this.dsIdx = assertInteger(options.dsIdx ?? d.dsIdx, 'dsIdx', 0, 1);
    this.opacity = assertNumber(options.opacity ?? d.opacity, 'opacity', 0, 1);
    this.backgroundIndex =
      options.backgroundIndex === null
        ? null
        : assertInteger(options.backgroundIndex ?? d.backgroundIndex, 'backgroundIndex', 0);
    this.order = keyword(options.order, 'order', SEGMENTATION_ORDERS, d.order);
    this.title = options.title ?? d.title;
    this.panelSize = assertInteger(options.panelSize ?? d.panelSize, 'panelSize', 16);
    this.documentOption = options.document;
  }

  /**
   * A widget over an interpretation computed elsewhere: any {@link Interpretation} whose targets
   * and decoded predictions are per-pixel class masks `[N, H, W]` (or `[N, H, W, 1]`), with the
   * images in `inputs` or decodable from its data loader.
   */
  static fromInterpretation(
    interp: Interpretation,
    options: InteractiveSegmentationOptions = {},
  ): InteractiveSegmentation {
    if (!(interp instanceof Interpretation)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'fromInterpretation needs an Interpretation (for example SegmentationInterpretation.fromLearner)',
      );
    }
    maskGeometry(interp); // fail now on masks of the wrong shape
    const w = new InteractiveSegmentation(interp.learn, options);
    w.interp = interp;
    return w;
  }

  /**
   * Computes the interpretation (once) and draws the widget into `container` (default: the
   * document's body), on the first image of the browsing order. Returns the root element.
   */
  async show(container?: Element): Promise<HTMLElement> {
    const { doc, target } = showTarget(this.documentOption, container);
    if (!this.interp) {
      this.interp = await SegmentationInterpretation.fromLearner(
        widgetLearner(this.learn, 'InteractiveSegmentation'),
        { dsIdx: this.dsIdx },
      );
    }
    const g = maskGeometry(this.interp);
    if (g.n === 0) throw new InterpError('EMPTY_INPUT', 'the interpretation has no images');
    this.geometry = g;
    this.palette = segmentationPalette(g.numClasses).map((c, k) => parseColor(c, `palette[${k}]`));
    this.overall = undefined;
    this.overall = this.datasetScores();
    this.doc = doc;
    this.root?.remove();
    this.root = this.build(doc);
    target.append(this.root);
    await this.setOrder(this.order, false);
    await this.showPosition(0);
    return this.root;
  }

  /** Number of classes shown (the vocab's length, else the score channels, else the largest label + 1). */
  get numClasses(): number {
    return (this.geometry ?? maskGeometry(this.requireInterp())).numClasses;
  }

  /** Per-class IoU, mean IoU and pixel accuracy over every image. */
  datasetScores(): SegmentationScores {
    const interp = this.requireInterp();
    if (this.overall) return this.overall;
    const g = this.geometry ?? maskGeometry(interp);
    const cm =
      interp instanceof SegmentationInterpretation
        ? interp.confusionMatrix()
        : pixelConfusionMatrix(interp.targs.data, interp.decoded.data, g.numClasses, {
            ignoreIndex: g.ignoreIndex,
          });
    return scores(cm);
  }

  /** Per-class IoU, mean IoU and pixel accuracy of image `index`. */
  itemScores(index: number): SegmentationScores {
    const interp = this.requireInterp();
    const g = this.geometry ?? maskGeometry(interp);
    assertInteger(index, 'item index', 0, g.n - 1);
    const a = index * g.pixels;
    return scores(
      pixelConfusionMatrix(
        interp.targs.data.subarray(a, a + g.pixels),
        interp.decoded.data.subarray(a, a + g.pixels),
        g.numClasses,
        { ignoreIndex: g.ignoreIndex },
      ),
    );
  }

  /** The image shown now (its item index). */
  get currentItem(): number {
    return this.sequence[this.position] ?? 0;
  }

  /** Item indices in browsing order. */
  browsingOrder(): number[] {
    return Array.from(this.sequence);
  }

  /** Shows image `index` (an item index of the dataset). */
  async showItem(index: number): Promise<void> {
    const g = this.requireShown();
    assertInteger(index, 'item index', 0, g.n - 1);
    const pos = this.sequence.indexOf(index);
    await this.showPosition(Math.max(0, pos));
  }

  /** The next image in browsing order (wraps around). */
  async next(): Promise<void> {
    const g = this.requireShown();
    await this.showPosition((this.position + 1) % g.n);
  }

  /** The previous image in browsing order (wraps around). */
  async previous(): Promise<void> {
    const g = this.requireShown();
    await this.showPosition((this.position - 1 + g.n) % g.n);
  }

  /** Sets the masks' opacity (0..1) and moves the slider to it. */
  setOpacity(opacity: number): void {
    this.opacity = assertNumber(opacity, 'opacity', 0, 1);
    const p = this.parts;
    if (!p) return;
    p.slider.value = String(this.opacity);
    p.sliderValue.textContent = `${Math.round(this.opacity * 100)}%`;
    for (const img of p.root.querySelectorAll('img.iw-mask')) {
      (img as HTMLElement).style.opacity = String(this.opacity);
    }
  }

  /** Current opacity of the masks. */
  getOpacity(): number {
    return this.opacity;
  }

  /** Changes the browsing order and restarts from its first image. */
  async setOrder(order: SegmentationOrder, show = true): Promise<void> {
    this.order = keyword(order, 'order', SEGMENTATION_ORDERS);
    const interp = this.requireInterp();
    const g = this.requireShown();
    if (this.order === 'loss' && interp.losses) {
      this.sequence = interp.topLosses().indices;
    } else {
      this.sequence = Int32Array.from({ length: g.n }, (_, i) => i);
    }
    if (this.parts) this.parts.order.value = this.order;
    if (show) await this.showPosition(0);
  }

  /** Removes the widget from the page. */
  destroy(): void {
    this.token++;
    this.root?.remove();
    this.root = undefined;
    this.parts = undefined;
  }

  private requireInterp(): Interpretation {
    if (!this.interp) {
      throw new InterpError('INVALID_ARGUMENT', 'call show() before using the widget');
    }
    return this.interp;
  }

  private requireShown(): Geometry {
    if (!this.geometry || !this.parts) {
      throw new InterpError('INVALID_ARGUMENT', 'call show() before interacting with the widget');
    }
    return this.geometry;
  }

  private async showPosition(position: number): Promise<void> {
    const interp = this.requireInterp();
    const g = this.requireShown();
    const p = this.parts!;
    const doc = this.doc!;
    this.position = position;
    const index = this.sequence[position]!;
    const token = ++this.token;
    const names = classNames(interp, g.numClasses);
    p.counter.textContent = `Image ${position + 1} of ${g.n} (item ${index})`;
    let item: DecodedItem | undefined;
    try {
      item = await interp.item(index);
    } catch {
      item = undefined; // masks alone still show
    }
    if (token !== this.token) return;
    const a = index * g.pixels;
    const target = interp.targs.data.subarray(a, a + g.pixels);
    const predicted = interp.decoded.data.subarray(a, a + g.pixels);
    const base =
      item?.kind === 'image' && item.shape[0] === g.height && item.shape[1] === g.width
        ? imageToDataURL(item)
        : undefined;
    const px = this.panelSize;
    const panel = (label: string, mask: ArrayLike<number> | undefined) => {
      const stack = h(doc, 'div', { class: 'iw-stack' });
      stack.style.width = `${px}px`;
      if (base) {
        stack.append(
          h(doc, 'img', {
            class: 'iw-px',
            attrs: { src: base, alt: '', width: px, height: Math.round((px * g.height) / g.width) },
          }),
        );
      }
      if (mask) {
        const img = h(doc, 'img', {
          class: base ? 'iw-px iw-mask' : 'iw-px',
          attrs: {
            src: this.maskURL(mask, g),
            alt: '',
            width: px,
            height: Math.round((px * g.height) / g.width),
          },
        });
        if (base) img.style.opacity = String(this.opacity);
        stack.append(img);
      }
      return h(doc, 'figure', { attrs: { 'aria-label': `${label}, item ${index}` } }, [
        stack,
        h(doc, 'figcaption', { text: label }),
      ]);
    };
    clear(p.panels);
    p.panels.append(
      panel('Image', undefined),
      panel('Target mask', target),
      panel('Predicted mask', predicted),
    );
    p.panels.setAttribute(
      'aria-label',
      `Item ${index}: image, target mask and predicted mask. Left and right arrow keys browse images.`,
    );

    const present = new Set<number>();
    for (let k = 0; k < target.length; k++) {
      if (target[k] === g.ignoreIndex) continue;
      present.add(target[k]!).add(predicted[k]!);
    }
    clear(p.legend);
    for (const k of [...present].sort((x, y) => x - y)) {
      const [r, gr, b] = this.palette[k] ?? [0, 0, 0];
      const swatch = h(doc, 'span', { class: 'iw-swatch', attrs: { 'aria-hidden': 'true' } });
      swatch.style.background =
        k === this.backgroundIndex ? 'transparent' : `rgb(${r}, ${gr}, ${b})`;
      p.legend.append(h(doc, 'li', {}, [swatch, doc.createTextNode(className(names, k))]));
    }

    const mine = this.itemScores(index);
    const all = this.datasetScores();
    clear(p.iouBody);
    for (let k = 0; k < g.numClasses; k++) {
      p.iouBody.append(
        h(doc, 'tr', {}, [
          h(doc, 'th', { attrs: { scope: 'row' }, text: className(names, k) }),
          iouCell(doc, mine.iou[k]!),
          iouCell(doc, all.iou[k]!),
        ]),
      );
    }
    clear(p.iouFoot);
    p.iouFoot.append(
      h(doc, 'tr', {}, [
        h(doc, 'th', { attrs: { scope: 'row' }, text: 'Mean IoU' }),
        iouCell(doc, mine.meanIoU),
        iouCell(doc, all.meanIoU),
      ]),
      h(doc, 'tr', {}, [
        h(doc, 'th', { attrs: { scope: 'row' }, text: 'Pixel accuracy' }),
        iouCell(doc, mine.pixelAccuracy),
        iouCell(doc, all.pixelAccuracy),
      ]),
    );
    const loss = interp.losses?.[index];
    p.status.textContent = `Image ${position + 1} of ${g.n} (item ${index}): mean IoU ${fmt(mine.meanIoU)}, pixel accuracy ${fmt(100 * mine.pixelAccuracy, 1)}%${loss === undefined ? '' : `, loss ${fmt(loss, 3)}`}.`;
  }

  private maskURL(mask: ArrayLike<number>, g: Geometry): string {
    const rgba = new Uint8Array(g.pixels * 4);
    for (let p = 0; p < g.pixels; p++) {
      const k = mask[p]!;
      const color = this.palette[k];
      // Background and ignored pixels stay transparent: the image shows through.
      if (k === this.backgroundIndex || !color) continue;
      const [r, gr, b] = color;
      rgba[p * 4] = r;
      rgba[p * 4 + 1] = gr;
      rgba[p * 4 + 2] = b;
      rgba[p * 4 + 3] = 255;
    }
    return imageToDataURL({ data: rgba, shape: [g.height, g.width, 4] });
  }

  private build(doc: Document): HTMLElement {
    const { root, id } = widgetRoot(doc, 'segmentation', this.title);
    const prev = h(doc, 'button', {
      attrs: { type: 'button', 'aria-label': 'Previous image' },
      text: '← Previous',
    });
    const next = h(doc, 'button', {
      attrs: { type: 'button', 'aria-label': 'Next image' },
      text: 'Next →',
    });
    prev.addEventListener('click', () => void this.previous());
    next.addEventListener('click', () => void this.next());
    const counter = h(doc, 'span', { attrs: { id: `${id}-counter` } });
    const order = h(doc, 'select', { attrs: { id: `${id}-order`, name: 'order' } }, [
      h(doc, 'option', { attrs: { value: 'loss' }, text: 'Largest loss first' }),
      h(doc, 'option', { attrs: { value: 'index' }, text: 'Dataset order' }),
    ]);
    order.addEventListener('change', () => void this.setOrder(order.value as SegmentationOrder));
    const slider = h(doc, 'input', {
      attrs: {
        id: `${id}-opacity`,
        type: 'range',
        min: 0,
        max: 1,
        step: 0.05,
        value: this.opacity,
        name: 'opacity',
      },
    });
    const sliderValue = h(doc, 'output', {
      attrs: { for: `${id}-opacity` },
      text: `${Math.round(this.opacity * 100)}%`,
    });
    slider.addEventListener('input', () => this.setOpacity(Number(slider.value)));
    root.append(
      h(doc, 'div', { class: 'iw-controls', attrs: { role: 'group', 'aria-label': 'Browse' } }, [
        prev,
        counter,
        next,
        h(doc, 'label', { attrs: { for: `${id}-order` }, text: 'Order' }),
        order,
        h(doc, 'label', { attrs: { for: `${id}-opacity` }, text: 'Mask opacity' }),
        slider,
        sliderValue,
      ]),
    );
    const status = statusRegion(doc);
    const panels = h(doc, 'div', {
      class: 'iw-panels',
      attrs: { tabindex: 0, role: 'group', 'aria-roledescription': 'image viewer' },
    });
    panels.addEventListener('keydown', (e) => {
      const key = (e as KeyboardEvent).key;
      if (key === 'ArrowRight' || key === 'ArrowLeft') {
        e.preventDefault();
        void (key === 'ArrowRight' ? this.next() : this.previous());
      }
    });
    const legend = h(doc, 'ul', {
      class: 'iw-legend',
      attrs: { 'aria-label': 'Classes in this image' },
    });
    const iouTable = h(doc, 'table', { class: 'iw-iou' });
    iouTable.append(h(doc, 'caption', { text: 'Intersection over union per class' }));
    iouTable.append(
      h(doc, 'thead', {}, [
        h(doc, 'tr', {}, [
          h(doc, 'th', { attrs: { scope: 'col' }, text: 'Class' }),
          h(doc, 'th', { attrs: { scope: 'col' }, text: 'This image' }),
          h(doc, 'th', { attrs: { scope: 'col' }, text: 'All images' }),
        ]),
      ]),
    );
    const iouBody = h(doc, 'tbody');
    const iouFoot = h(doc, 'tfoot');
    iouTable.append(iouBody, iouFoot);
    root.append(
      status,
      h(doc, 'div', { class: 'iw-body' }, [h(doc, 'div', {}, [panels, legend]), iouTable]),
    );
    this.parts = {
      root,
      counter,
      order,
      slider,
      sliderValue,
      status,
      panels,
      legend,
      iouBody,
      iouFoot,
    };
    return root;
  }
}

interface SegParts {
  root: HTMLElement;
  counter: HTMLElement;
  order: HTMLSelectElement;
  slider: HTMLInputElement;
  sliderValue: HTMLElement;
  status: HTMLElement;
  panels: HTMLElement;
  legend: HTMLElement;
  iouBody: HTMLElement;
  iouFoot: HTMLElement;
}

interface Geometry {
  n: number;
  height: number;
  width: number;
  pixels: number;
  numClasses: number;
  /** Target label counted nowhere (a SegmentationInterpretation's ignoreIndex). */
  ignoreIndex: number | undefined;
}

/** Checks that targets and decoded predictions are `[N, H, W]` (or `[N, H, W, 1]`) masks of the same shape. */
function maskGeometry(interp: Interpretation): Geometry {
  const ts = interp.targs.shape;
  const ds = interp.decoded.shape;
  const squeeze = (s: number[]) => (s.length === 4 && s[3] === 1 ? s.slice(0, 3) : s);
  const t = squeeze(ts);
  const d = squeeze(ds);
  if (t.length !== 3 || d.length !== 3 || t.some((v, i) => v !== d[i])) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `segmentation masks must be [N, H, W]: targs is [${ts.join(', ')}] and decoded is [${ds.join(', ')}]; use a classification widget for one label per item`,
    );
  }
  const [n, height, width] = t as [number, number, number];
  if (interp instanceof SegmentationInterpretation) {
    const { numClasses, ignoreIndex } = interp;
    return { n, height, width, pixels: height * width, numClasses, ignoreIndex };
  }
  let numClasses = interp.vocab?.length ?? interp.preds?.shape.at(-1);
  if (numClasses === undefined || (interp.preds && interp.preds.shape.length !== 4)) {
    let m = 0;
    for (const v of interp.targs.data) if (v > m) m = v;
    for (const v of interp.decoded.data) if (v > m) m = v;
    numClasses = interp.vocab?.length ?? m + 1;
  }
  return { n, height, width, pixels: height * width, numClasses, ignoreIndex: undefined };
}

function classNames(interp: Interpretation, c: number): string[] {
  return Array.from({ length: c }, (_, k) => interp.vocab?.[k] ?? String(k));
}

function scores(cm: ConfusionMatrixLike): SegmentationScores {
  return { iou: intersectionOverUnion(cm), meanIoU: meanIoU(cm), pixelAccuracy: pixelAccuracy(cm) };
}

function iouCell(doc: Document, v: number): HTMLElement {
  return Number.isNaN(v)
    ? h(doc, 'td', { attrs: { 'aria-label': 'absent' }, text: '—' })
    : h(doc, 'td', { text: v.toFixed(3) });
}
