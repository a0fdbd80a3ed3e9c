import { type DecodedItem, InterpError, Interpretation, type Learner } from '@interp/core';
import { assertInteger, assertNumber, keyword } from '@interp/core/internal';
import { SegmentationInterpretation, segmentationPalette } from '@interp/segmentation';
import { pixelConfusionMatrix } from '@interp/segmentation/metrics';
import { parseColor } from '@interp/viz/image';
import { setSelectValue } from './internal/form-controls.js';
import {
  requireInterpretation,
  showTarget,
  widgetLearner,
  widgetRoot,
} from './internal/widget-shell.js';
import { type MaskedItems, type MaskGeometry, maskGeometry } from './state/mask-geometry.js';
import { itemScores, type SegmentationScores, scoresOf } from './state/segmentation-scores.js';
import {
  SEGMENTATION_ORDERS,
  type SegmentationOrder,
  SegmentationState,
} from './state/segmentation-state.js';
import { drawSegmentationImage } from './views/segmentation-image-view.js';
import { type SegmentationParts, segmentationLayout } from './views/segmentation-layout.js';

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
export const interactiveSegmentationDefaults = Object.freeze({
  dsIdx: 1,
  opacity: 0.5,
  backgroundIndex: 0,
  order: 'loss',
  title: 'Segmentation results',
  panelSize: 168,
} as const);

/**
 * Browse a segmentation model's predictions: each image with its target mask and its predicted
 * mask drawn over it (an opacity slider fades the masks), the classes present in it with their
 * colors, and per-class intersection over union for the image and for the whole dataset. Previous
 * and Next buttons (or the left and right arrow keys on the image panels) step through the images,
 * largest loss first by default. The order, position and opacity live in a DOM-free
 * {@link SegmentationState}; this class draws them. Plain DOM (a browser's, jsdom or linkedom),
 * labelled for screen readers, with a live region announcing each image's scores; class names
 * are set as text, never parsed as markup.
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
  private geometry: MaskGeometry | undefined;
  private state: SegmentationState | undefined;
  private overall: SegmentationScores | undefined;
  private parts: SegmentationParts | undefined;
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
    requireInterpretation(
      interp,
      Interpretation,
      'an Interpretation (for example SegmentationInterpretation.fromLearner)',
    );
    maskGeometry(masked(interp)); // fail now on masks of the wrong shape
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
    const g = maskGeometry(masked(this.interp));
    if (g.n === 0) throw new InterpError('EMPTY_INPUT', 'the interpretation has no images');
    this.geometry = g;
    this.palette = segmentationPalette(g.numClasses).map((c, k) => parseColor(c, `palette[${k}]`));
    this.overall = undefined;
    this.overall = this.datasetScores();
    this.state = new SegmentationState(g.n, this.interp.losses, {
      order: this.order,
      opacity: this.opacity,
    });
    this.doc = doc;
    this.root?.remove();
    const { root, id } = widgetRoot(doc, 'segmentation', this.title);
    this.parts = segmentationLayout(doc, root, id, {
      opacity: this.opacity,
      onPrevious: () => void this.previous(),
      onNext: () => void this.next(),
      onOrder: (order) => void this.setOrder(order),
      onOpacity: (opacity) => this.setOpacity(opacity),
    });
    this.root = root;
    target.append(root);
    await this.setOrder(this.order, false);
    await this.showPosition(0);
    return root;
  }

  /** Number of classes shown (the vocab's length, else the score channels, else the largest label + 1). */
  get numClasses(): number {
    return (this.geometry ?? maskGeometry(masked(this.requireInterp()))).numClasses;
  }

  /** Per-class IoU, mean IoU and pixel accuracy over every image. */
  datasetScores(): SegmentationScores {
    const interp = this.requireInterp();
    if (this.overall) return this.overall;
    const g = this.geometry ?? maskGeometry(masked(interp));
    const cm =
      interp instanceof SegmentationInterpretation
        ? interp.confusionMatrix()
        : pixelConfusionMatrix(interp.targs.data, interp.decoded.data, g.numClasses, {
            ignoreIndex: g.ignoreIndex,
          });
    return scoresOf(cm);
  }

  /** Per-class IoU, mean IoU and pixel accuracy of image `index`. */
  itemScores(index: number): SegmentationScores {
    const interp = this.requireInterp();
    const g = this.geometry ?? maskGeometry(masked(interp));
    assertInteger(index, 'item index', 0, g.n - 1);
    return itemScores(masked(interp), g, index);
  }

  /** The image shown now (its item index). */
  get currentItem(): number {
    return this.state?.currentItem ?? 0;
  }

  /** Item indices in browsing order. */
  browsingOrder(): number[] {
    return Array.from(this.state?.sequence ?? []);
  }

  /** Shows image `index` (an item index of the dataset). */
  async showItem(index: number): Promise<void> {
    const { state } = this.requireShown();
    state.showItem(index);
    await this.draw();
  }

  /** The next image in browsing order (wraps around). */
  async next(): Promise<void> {
    this.requireShown().state.next();
    await this.draw();
  }

  /** The previous image in browsing order (wraps around). */
  async previous(): Promise<void> {
    this.requireShown().state.previous();
    await this.draw();
  }

  /** Sets the masks' opacity (0..1) and moves the slider to it. */
  setOpacity(opacity: number): void {
    this.opacity = assertNumber(opacity, 'opacity', 0, 1);
    this.state?.setOpacity(this.opacity);
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
    const { state, parts } = this.requireShown();
    state.setOrder(this.order);
    setSelectValue(parts.order, this.order);
    if (show) await this.draw();
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

  private requireShown(): { g: MaskGeometry; state: SegmentationState; parts: SegmentationParts } {
    if (!this.geometry || !this.state || !this.parts) {
      throw new InterpError('INVALID_ARGUMENT', 'call show() before interacting with the widget');
    }
    return { g: this.geometry, state: this.state, parts: this.parts };
  }

  private showPosition(position: number): Promise<void> {
    this.requireShown().state.goTo(position);
    return this.draw();
  }

  /** Draws the state's current image (a later call supersedes an unfinished one). */
  private async draw(): Promise<void> {
    const interp = this.requireInterp();
    const { g, state, parts } = this.requireShown();
    const position = state.position;
    const index = state.currentItem;
    const token = ++this.token;
    parts.counter.textContent = `Image ${position + 1} of ${g.n} (item ${index})`;
    let item: DecodedItem | undefined;
    try {
      item = await interp.item(index);
    } catch {
      item = undefined; // masks alone still show
    }
    if (token !== this.token || !this.parts) return;
    const a = index * g.pixels;
    drawSegmentationImage(
      this.doc!,
      this.parts,
      {
        index,
        position,
        item,
        target: interp.targs.data.subarray(a, a + g.pixels),
        predicted: interp.decoded.data.subarray(a, a + g.pixels),
        loss: interp.losses?.[index],
        mine: this.itemScores(index),
        all: this.datasetScores(),
      },
      {
        geometry: g,
        names: Array.from({ length: g.numClasses }, (_, k) => interp.vocab?.[k] ?? String(k)),
        palette: this.palette,
        backgroundIndex: this.backgroundIndex,
        opacity: this.opacity,
        panelSize: this.panelSize,
      },
    );
  }
}

/** An interpretation as masks: a SegmentationInterpretation's own class count and ignored label. */
function masked(interp: Interpretation): MaskedItems {
  if (interp instanceof SegmentationInterpretation) {
    return {
      targs: interp.targs,
      decoded: interp.decoded,
      losses: interp.losses,
      numClasses: interp.numClasses,
      ignoreIndex: interp.ignoreIndex,
    };
  }
  return interp;
}
