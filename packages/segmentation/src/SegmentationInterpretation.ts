import {
  assertInteger,
  describe,
  type FromLearnerOptions,
  InterpError,
  Interpretation,
  type InterpretationData,
  isInterpError,
  type Learner,
  type NDArray,
  resolveActivation,
  type TypedArray,
} from '@interp/core';
import { confusionMatrixChart, type Figsize, resolveDocument } from '@interp/viz';
import * as tf from '@tensorflow/tfjs-core';
import type { ConfusionCounts } from './confusion-counts.js';
import { MAX_CLASSES } from './confusion-counts.js';
import { confusionCountsToArray } from './confusion-counts-to-array.js';
import { diceCoefficient } from './dice-coefficient.js';
import { frequencyWeightedIoU } from './frequency-weighted-iou.js';
import { intersectionOverUnion } from './intersection-over-union.js';
import {
  checkLabels,
  decodeScores,
  type LabelArray,
  labelArray,
  pixelErrorRates,
} from './mask-arrays.js';
import type { LabelMask } from './mask-to-data-url.js';
import { meanIoU } from './mean-iou.js';
import { perClassAccuracy } from './per-class-accuracy.js';
import { pixelAccuracy } from './pixel-accuracy.js';
import { pixelConfusionMatrix } from './pixel-confusion-matrix.js';
import {
  registerSegmentationRenderers,
  renderSegmentationTopLosses,
  type SegmentationTopLossesOptions,
} from './segmentation-top-losses.js';

/** A CPU array given to {@link SegmentationInterpretation.fromPredictions}. */
export interface ArrayInput {
  data: ArrayLike<number>;
  shape: readonly number[];
}

/** Predictions of any framework, for {@link SegmentationInterpretation.fromPredictions}. */
export interface SegmentationPredictions {
  /** N x H x W x C class probabilities, channels last (or pass `decoded` labels instead). */
  preds?: ArrayInput;
  /** N x H x W predicted labels, when there are no scores. */
  decoded?: ArrayInput;
  /** N x H x W target labels. */
  targs: ArrayInput;
  /**
   * N per-item losses. Default with `preds`: the mean over counted pixels of
   * `-ln(max(p[target], 1e-12))`; with `decoded`: the fraction of counted pixels predicted wrong.
   */
  losses?: ArrayLike<number>;
  /** Class names; default "0".."C-1". */
  vocab?: readonly string[];
  /** A target label whose pixels count nowhere (for example 255). */
  ignoreIndex?: number;
  /** Input images `[N, H, W]` or `[N, H, W, C]`, to show top-loss items. */
  inputs?: NDArray<Float32Array>;
  /** Keep `preds` (as float32) on the interpretation; by default only what the metrics need is kept. */
  withPreds?: boolean;
}

/** Options of {@link SegmentationInterpretation.fromLearner}. */
export interface SegmentationFromLearnerOptions extends FromLearnerOptions {
  /** A target label whose pixels count nowhere in the metrics (the loss is the learner's). */
  ignoreIndex?: number;
  /** Keep the activated N x H x W x C predictions; by default only labels and losses are kept. */
  withPreds?: boolean;
}

/** What the constructor takes: an interpretation's data plus the segmentation specifics. */
export interface SegmentationInterpretationData extends InterpretationData {
  ignoreIndex?: number;
  /** Number of classes when there is no vocab (default: scores' channels, else largest label + 1). */
  numClasses?: number;
  /** The pixel confusion matrix, when already counted (it is then not counted again). */
  confusionMatrix?: ConfusionCounts;
}

/** Options of {@link SegmentationInterpretation.plotConfusionMatrix} (classification's, other defaults). */
export interface PlotPixelConfusionMatrixOptions {
  /** Divide each row by its target-class pixels (a class absent from the targets shows gray). */
  normalize?: boolean;
  title?: string;
  cmap?: string;
  /** [width, height] in inches at 72 px per inch; default grows with the number of classes. */
  figsize?: Figsize;
  /** Decimals of normalized cell text. */
  normDec?: number;
  /** Write the values in the cells (counts of 10,000 and more abbreviated: 12k, 3.4M). */
  plotTxt?: boolean;
  document?: Document;
}

/** plotConfusionMatrix defaults, written once. */
export const plotPixelConfusionMatrixDefaults = {
  normalize: false,
  title: 'Pixel confusion matrix',
  cmap: 'Blues',
  normDec: 2,
  plotTxt: true,
} as const;

/** confusionMatrix defaults, written once. */
export const segmentationConfusionMatrixDefaults = { sliceSize: 1 } as const;

/** The metrics of {@link SegmentationInterpretation.segmentationReport}, NaN where a class is absent. */
export interface SegmentationReport {
  vocab: string[];
  confusionMatrix: number[][];
  perClassAccuracy: number[];
  iou: number[];
  meanIoU: number;
  frequencyWeightedIoU: number;
  dice: number[];
  pixelAccuracy: number;
}

/**
 * Interpretation of a segmentation model, as fastai's `SegmentationInterpretation`: a pixel
 * confusion matrix, per-class accuracy, IoU and Dice, mean and frequency-weighted IoU, and top
 * losses drawn as input / target mask / predicted mask. Holds only the label masks and per-item
 * losses on the CPU (N x H x W bytes for up to 256 classes), not the N x H x W x C scores.
 *
 * @example
 * ```ts
 * const interp = await SegmentationInterpretation.fromLearner(learn, { ignoreIndex: 255 });
 * interp.intersectionOverUnion(); // [0.98, 0.91, NaN, ...] (NaN: class absent everywhere)
 * interp.meanIoU();               // the mean of the non-NaN IoUs
 * const svg = await interp.plotTopLosses(4, { document });
 * ```
 */
export class SegmentationInterpretation extends Interpretation {
  override readonly kind: string = 'segmentation';
  /** Target label whose pixels count nowhere, if any. */
  readonly ignoreIndex: number | undefined;
  private readonly givenNumClasses: number | undefined;
  private cachedCounts: ConfusionCounts | undefined;
  private cachedNumClasses: number | undefined;

  constructor(data: SegmentationInterpretationData) {
    super(data);
    const { targs, decoded, inputs } = data;
    if (targs.shape.length !== 3) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `targs must be N x H x W masks, got shape [${targs.shape.join(', ')}]`,
      );
    }
    if (!sameShape(decoded.shape, targs.shape)) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `decoded has shape [${decoded.shape.join(', ')}] but targs has [${targs.shape.join(', ')}]; pass one predicted label per target pixel`,
      );
    }
    if (inputs && inputs.shape[0] !== this.length) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `inputs has ${inputs.shape[0]} items but targs has ${this.length}`,
      );
    }
    if (data.ignoreIndex !== undefined) assertInteger(data.ignoreIndex, 'ignoreIndex');
    if (data.numClasses !== undefined) assertInteger(data.numClasses, 'numClasses', 1, MAX_CLASSES);
    this.ignoreIndex = data.ignoreIndex;
    this.givenNumClasses = data.numClasses;
    this.cachedCounts = data.confusionMatrix;
    registerSegmentationRenderers();
  }

  /**
   * Runs the learner over a dataset (validation by default) batch by batch and keeps only the
   * target and predicted label masks, the per-item losses (the learner's `lossFunc`, which for
   * masks is the mean of the per-pixel losses) and the pixel confusion matrix, counted as the
   * batches stream by; the N x H x W x C scores are dropped batch by batch unless `withPreds`.
   */
  static override async fromLearner<T extends Interpretation>(
    this: new (
      data: InterpretationData,
    ) => T,
    learn: Learner,
    options: SegmentationFromLearnerOptions = {},
  ): Promise<T> {
    const {
      dsIdx = 1,
      act,
      withInput = false,
      withPreds = false,
      ignoreIndex,
      onProgress,
    } = options;
    if (ignoreIndex !== undefined) assertInteger(ignoreIndex, 'ignoreIndex');
    const dl = options.dl ?? learn.dls.byIndex(dsIdx);
    const activation = resolveActivation(act, learn.lossFunc.activation);
    const n = dl.length;
    const total = Math.ceil(n / dl.batchSize);
    let store: StreamStore | undefined;
    let seen = 0;
    let done = 0;
    for await (const { x, y, indices } of dl) {
      let out: { d: tf.Tensor; l: tf.Tensor; p?: tf.Tensor; c: number } | undefined;
      try {
        out = tf.tidy(() => {
          const raw = learn.predict(x);
          const p = activation(raw);
          const d = learn.lossFunc.decodes(p);
          const l = learn.lossFunc(raw, y);
          return { d, l, p: withPreds ? p : undefined, c: raw.shape.at(-1) ?? 1 };
        });
        if (!sameShape(out.d.shape, y.shape) || y.rank !== 3) {
          throw new InterpError(
            'SHAPE_MISMATCH',
            `a segmentation learner needs N x H x W targets and decoded predictions of the same shape; got targets [${y.shape.join(', ')}] and decoded [${out.d.shape.join(', ')}]`,
          );
        }
        const [yd, dd, ld, xd, pd] = await Promise.all([
          y.data(),
          out.d.data(),
          out.l.data(),
          withInput ? x.data() : undefined,
          out.p?.data(),
        ]);
        store ??= StreamStore.create(n, y.shape as number[], x.shape, out.c, learn, dl, {
          ignoreIndex,
          withInput,
          withPreds,
        });
        store.add(
          indices,
          yd as BatchData,
          dd as BatchData,
          ld as BatchData,
          xd as BatchData,
          pd as BatchData,
        );
        seen += indices.length;
      } finally {
        tf.dispose([x, y, ...(out ? [out.d, out.l, ...(out.p ? [out.p] : [])] : [])]);
      }
      onProgress?.(++done, total);
    }
    if (!store || seen === 0) {
      throw new InterpError(
        'EMPTY_INPUT',
        'the data loader yielded no batches; check that it has items',
      );
    }
    if (seen !== n) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `the data loader yielded ${seen} items but says it has ${n}; each item must come once`,
      );
    }
    return new this(store.data(dl, learn) as InterpretationData);
  }

  /**
   * Builds an interpretation from masks predicted anywhere (PyTorch, ONNX, files): N x H x W x C
   * probabilities or N x H x W predicted labels, and N x H x W target labels. With scores, the
   * predicted labels (argmax, ties to the lower class), per-item losses and the confusion matrix
   * come from one pass, and the scores are not kept unless `withPreds`.
   *
   * @example
   * ```ts
   * const interp = SegmentationInterpretation.fromPredictions({
   *   decoded: { data: predMasks, shape: [n, 256, 256] },
   *   targs: { data: targMasks, shape: [n, 256, 256] },
   *   vocab: ['background', 'road', 'car'], ignoreIndex: 255,
   * });
   * ```
   */
  static fromPredictions(p: SegmentationPredictions): SegmentationInterpretation {
    if (!p || typeof p !== 'object' || p.targs === undefined) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'fromPredictions needs { targs } (N x H x W labels) and { preds } (N x H x W x C scores) or { decoded } (N x H x W labels)',
      );
    }
    const { ignoreIndex, vocab, withPreds = false } = p;
    if (ignoreIndex !== undefined) assertInteger(ignoreIndex, 'ignoreIndex');
    const targsIn = checkArray(p.targs, 'targs', 3, 'N x H x W target labels');
    const shape = [...targsIn.shape] as [number, number, number];
    const [n, h, w] = shape;
    if (n === 0) throw new InterpError('EMPTY_INPUT', 'targs has no items; pass at least one mask');
    let numClasses: number;
    let decoded: LabelArray | TypedArray;
    let losses: Float32Array | undefined;
    let counts: ConfusionCounts | undefined;
    let preds: NDArray<Float32Array> | undefined;
    if (p.preds !== undefined) {
      const scores = checkArray(p.preds, 'preds', 4, 'N x H x W x C scores (channels last)');
      if (!sameShape(scores.shape.slice(0, 3), shape)) {
        throw new InterpError(
          'SHAPE_MISMATCH',
          `preds has shape [${scores.shape.join(', ')}] but targs has [${shape.join(', ')}]; pass N x H x W x C scores for N x H x W targets`,
        );
      }
      numClasses = assertInteger(
        scores.shape[3],
        'the number of classes (preds channels)',
        1,
        MAX_CLASSES,
      );
      checkVocab(vocab, numClasses);
      const r = decodeScores(
        scores.data,
        targsIn.data,
        [n, h, w, numClasses],
        ignoreIndex,
        p.losses === undefined,
      );
      decoded = r.decoded;
      losses = r.losses;
      counts = { numClasses, counts: r.counts };
      if (withPreds) {
        const data =
          scores.data instanceof Float32Array ? scores.data : Float32Array.from(scores.data);
        preds = { data, shape: [...scores.shape] };
      }
    } else if (p.decoded !== undefined) {
      const dec = checkArray(p.decoded, 'decoded', 3, 'N x H x W predicted labels');
      if (!sameShape(dec.shape, shape)) {
        throw new InterpError(
          'SHAPE_MISMATCH',
          `decoded has shape [${dec.shape.join(', ')}] but targs has [${shape.join(', ')}]; pass one predicted label per target pixel`,
        );
      }
      numClasses =
        vocab?.length ??
        Math.max(largestLabel(targsIn.data, ignoreIndex), largestLabel(dec.data)) + 1;
      assertInteger(numClasses, 'the number of classes', 1, MAX_CLASSES);
      checkVocab(vocab, numClasses);
      checkLabels(targsIn.data, 'targs', h, w, numClasses, ignoreIndex);
      checkLabels(dec.data, 'decoded', h, w, numClasses, undefined);
      decoded = compactLabels(dec.data, numClasses - 1, 0);
      if (p.losses === undefined) {
        losses = pixelErrorRates(targsIn.data, decoded, n, h * w, ignoreIndex);
      }
    } else {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'fromPredictions needs { preds } (N x H x W x C scores) or { decoded } (N x H x W labels)',
      );
    }
    if (p.losses !== undefined) {
      if (p.losses?.length !== n) {
        throw new InterpError(
          'SHAPE_MISMATCH',
          `losses has ${p.losses?.length} values but there are ${n} items; pass one loss per item`,
        );
      }
      losses = Float32Array.from(p.losses);
    }
    const lo = ignoreIndex !== undefined && ignoreIndex < 0 ? ignoreIndex : 0;
    const hi = Math.max(numClasses - 1, ignoreIndex ?? 0);
    return new SegmentationInterpretation({
      targs: { data: compactLabels(targsIn.data, hi, lo), shape },
      decoded: { data: decoded, shape },
      preds,
      losses,
      inputs: p.inputs,
      vocab: vocab ? [...vocab] : undefined,
      ignoreIndex,
      numClasses,
      confusionMatrix: counts,
    });
  }

  /** Number of classes: the vocab's length, else as given, else the score channels, else the largest label + 1. */
  get numClasses(): number {
    if (this.cachedNumClasses === undefined) {
      this.cachedNumClasses =
        this.vocab?.length ??
        this.givenNumClasses ??
        this.preds?.shape.at(-1) ??
        Math.max(largestLabel(this.targs.data, this.ignoreIndex), largestLabel(this.decoded.data)) +
          1;
    }
    return this.cachedNumClasses;
  }

  /** Class names, "0".."C-1" when there is no vocab. */
  get classNames(): string[] {
    return this.vocab
      ? [...this.vocab]
      : Array.from({ length: this.numClasses }, (_, i) => String(i));
  }

  /** The target mask of item `i`, `[H, W]` (a view, not a copy). */
  targetMask(i: number): LabelMask {
    return this.mask(this.targs, i);
  }

  /** The predicted mask of item `i`, `[H, W]` (a view, not a copy). */
  predictedMask(i: number): LabelMask {
    return this.mask(this.decoded, i);
  }

  /**
   * The pixel confusion matrix, C x C, rows target and columns predicted, over every pixel whose
   * target is not the ignore index. Counted once, `sliceSize` items at a time into one matrix (so
   * counting adds no memory per pixel), and cached; the returned matrix is a copy.
   */
  confusionMatrix({
    sliceSize = segmentationConfusionMatrixDefaults.sliceSize,
  }: {
    sliceSize?: number;
  } = {}): number[][] {
    assertInteger(sliceSize, 'sliceSize', 1);
    return confusionCountsToArray(this.counts(sliceSize));
  }

  /** Per class: target pixels predicted as the class / target pixels of the class; NaN for a class with none. */
  perClassAccuracy(): number[] {
    return Array.from(perClassAccuracy(this.counts()));
  }

  /** Per class: TP / (TP + FP + FN); NaN for a class absent from both targets and predictions. */
  intersectionOverUnion(): number[] {
    return Array.from(intersectionOverUnion(this.counts()));
  }

  /** The mean of the per-class IoU, skipping NaN (classes absent everywhere). */
  meanIoU(): number {
    return meanIoU(this.counts());
  }

  /** IoU averaged with each class weighted by its share of the target pixels. */
  frequencyWeightedIoU(): number {
    return frequencyWeightedIoU(this.counts());
  }

  /** Per class: the Dice coefficient 2 TP / (2 TP + FP + FN); NaN for a class absent everywhere. */
  dice(): number[] {
    return Array.from(diceCoefficient(this.counts()));
  }

  /** The fraction of counted pixels predicted right. */
  pixelAccuracy(): number {
    return pixelAccuracy(this.counts());
  }

  /** Every metric at once, with the same keys as `interp segmentation --json`. */
  segmentationReport(): SegmentationReport {
    return {
      vocab: this.classNames,
      confusionMatrix: this.confusionMatrix(),
      perClassAccuracy: this.perClassAccuracy(),
      iou: this.intersectionOverUnion(),
      meanIoU: this.meanIoU(),
      frequencyWeightedIoU: this.frequencyWeightedIoU(),
      dice: this.dice(),
      pixelAccuracy: this.pixelAccuracy(),
    };
  }

  /**
   * The pixel confusion matrix as a heatmap: rows target, columns predicted, the counts (or with
   * `normalize`, each row's fractions with `normDec` decimals) in the cells.
   */
  plotConfusionMatrix(options: PlotPixelConfusionMatrixOptions = {}): SVGElement {
    const set = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    return confusionMatrixChart(this.confusionMatrix(), {
      ...plotPixelConfusionMatrixDefaults,
      ...set,
      classNames: this.classNames,
      emptyRow: 'missing',
      compactCounts: true,
      document: resolveDocument(options),
    });
  }

  /**
   * The top-loss items, one row each: the input image, the target mask and the predicted mask in
   * one class palette, with a legend; each row captioned with the item's loss (and the predicted
   * mask with its pixel accuracy). Without inputs or a loader, only the two masks are drawn.
   */
  override async plotTopLosses(
    k: number | ArrayLike<number>,
    options: SegmentationTopLossesOptions = {},
  ): Promise<Element> {
    if (this.inputs || this.dl) return super.plotTopLosses(k, options);
    const { largest = true } = options;
    let indices: Int32Array;
    if (typeof k === 'number') {
      indices = this.topLosses(k, { largest }).indices;
    } else {
      indices = Int32Array.from(k);
      for (const i of indices) assertInteger(i, 'item index', 0, this.length - 1);
    }
    if (indices.length === 0) throw new InterpError('EMPTY_INPUT', 'nothing to plot: k is 0');
    const losses = Float32Array.from(indices, (i) => this.losses?.[i] ?? Number.NaN);
    return renderSegmentationTopLosses({ interp: this, indices, losses, items: [], options });
  }

  /** The cached confusion counts, counted in slices of `sliceSize` items on first use. */
  private counts(
    sliceSize: number = segmentationConfusionMatrixDefaults.sliceSize,
  ): ConfusionCounts {
    if (this.cachedCounts) return this.cachedCounts;
    const c = this.numClasses;
    const [n, h, w] = this.targs.shape as [number, number, number];
    const hw = h * w;
    const cm: ConfusionCounts = { numClasses: c, counts: new Float64Array(c * c) };
    const targs = this.targs.data;
    const decoded = this.decoded.data;
    for (let a = 0; a < n; a += sliceSize) {
      const b = Math.min(n, a + sliceSize);
      const t = targs.subarray(a * hw, b * hw);
      const d = decoded.subarray(a * hw, b * hw);
      try {
        pixelConfusionMatrix(t, d, c, { ignoreIndex: this.ignoreIndex, into: cm });
      } catch (e) {
        if (isInterpError(e) && e.code === 'LABEL_OUT_OF_RANGE') {
          // Say which item and pixel instead of an offset into the slice.
          checkLabels(t, 'targs', h, w, c, this.ignoreIndex, a * hw);
          checkLabels(d, 'decoded', h, w, c, undefined, a * hw);
        }
        throw e;
      }
    }
    this.cachedCounts = cm;
    return cm;
  }

  private mask(array: NDArray, i: number): LabelMask {
    assertInteger(i, 'item index', 0, this.length - 1);
    const [, h, w] = array.shape as [number, number, number];
    return { data: array.data.subarray(i * h * w, (i + 1) * h * w), shape: [h, w] };
  }
}

/** A batch's data as tfjs reads it. */
type BatchData = Float32Array | Int32Array | Uint8Array;

/** What the streaming fromLearner fills, batch by batch. */
class StreamStore {
  private constructor(
    readonly n: number,
    readonly h: number,
    readonly w: number,
    readonly c: number,
    readonly targs: LabelArray,
    readonly decoded: LabelArray,
    readonly losses: Float32Array,
    readonly inputs: NDArray<Float32Array> | undefined,
    readonly preds: NDArray<Float32Array> | undefined,
    readonly counts: ConfusionCounts,
    readonly ignoreIndex: number | undefined,
    readonly vocab: readonly string[] | undefined,
  ) {}

  static create(
    n: number,
    yShape: number[],
    xShape: number[],
    c: number,
    learn: Learner,
    dl: { vocab?: readonly string[] },
    o: { ignoreIndex?: number; withInput: boolean; withPreds: boolean },
  ): StreamStore {
    const [, h, w] = yShape as [number, number, number];
    assertInteger(c, 'the number of classes (model output channels)', 1, MAX_CLASSES);
    const vocab = learn.vocab ?? dl.vocab;
    checkVocab(vocab, c);
    const lo = o.ignoreIndex !== undefined && o.ignoreIndex < 0 ? o.ignoreIndex : 0;
    const hi = Math.max(c - 1, o.ignoreIndex ?? 0);
    const itemShape = xShape.slice(1);
    const itemSize = itemShape.reduce((a, b) => a * b, 1);
    return new StreamStore(
      n,
      h,
      w,
      c,
      labelArray(n * h * w, hi, lo),
      labelArray(n * h * w, c - 1),
      new Float32Array(n),
      o.withInput ? { data: new Float32Array(n * itemSize), shape: [n, ...itemShape] } : undefined,
      o.withPreds ? { data: new Float32Array(n * h * w * c), shape: [n, h, w, c] } : undefined,
      { numClasses: c, counts: new Float64Array(c * c) },
      o.ignoreIndex,
      vocab,
    );
  }

  /** Checks and counts one batch, then copies it to its items' places (the loader may shuffle). */
  add(
    indices: Int32Array,
    y: BatchData,
    d: BatchData,
    l: BatchData,
    x?: BatchData,
    p?: BatchData,
  ): void {
    const hw = this.h * this.w;
    if (y.length !== indices.length * hw) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `a batch has targets of ${y.length / indices.length} pixels per item, expected ${this.h} x ${this.w} as in the first batch`,
      );
    }
    try {
      pixelConfusionMatrix(y, d, this.c, { ignoreIndex: this.ignoreIndex, into: this.counts });
    } catch (e) {
      if (isInterpError(e) && e.code === 'LABEL_OUT_OF_RANGE') {
        // Say which item and pixel instead of an offset into the batch.
        indices.forEach((item, r) => {
          const at = (a: BatchData) => a.subarray(r * hw, (r + 1) * hw);
          checkLabels(at(y), 'targs', this.h, this.w, this.c, this.ignoreIndex, item * hw);
          checkLabels(at(d), 'decoded', this.h, this.w, this.c, undefined, item * hw);
        });
      }
      throw e;
    }
    const put = (dst: TypedArray, src: BatchData, size: number) => {
      indices.forEach((item, r) => {
        dst.set(src.subarray(r * size, (r + 1) * size), item * size);
      });
    };
    put(this.targs, y, hw);
    put(this.decoded, d, hw);
    put(this.losses, l, 1);
    if (this.inputs && x) put(this.inputs.data, x, x.length / indices.length);
    if (this.preds && p) put(this.preds.data, p, hw * this.c);
  }

  data(dl: SegmentationInterpretationData['dl'], learn: Learner): SegmentationInterpretationData {
    const shape = [this.n, this.h, this.w];
    return {
      dl,
      learn,
      targs: { data: this.targs, shape },
      decoded: { data: this.decoded, shape },
      losses: this.losses,
      inputs: this.inputs,
      preds: this.preds,
      vocab: this.vocab,
      ignoreIndex: this.ignoreIndex,
      numClasses: this.c,
      confusionMatrix: this.counts,
    };
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function checkArray(a: ArrayInput, name: string, rank: number, what: string): ArrayInput {
  const ok =
    a !== null &&
    typeof a === 'object' &&
    Array.isArray(a.shape) &&
    a.shape.length === rank &&
    a.shape.every((d) => Number.isInteger(d) && d >= 0) &&
    a.data != null &&
    typeof a.data.length === 'number';
  if (!ok) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${name} must be { data, shape } with ${what}, got ${a && Array.isArray(a.shape) ? `shape [${a.shape.join(', ')}]` : describe(a)}`,
    );
  }
  const size = a.shape.reduce((x, y) => x * y, 1);
  if (a.data.length !== size) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${name} has ${a.data.length} values but shape [${a.shape.join(', ')}] needs ${size}`,
    );
  }
  return a;
}

function checkVocab(vocab: readonly string[] | undefined, numClasses: number): void {
  if (vocab !== undefined && (!Array.isArray(vocab) || vocab.length !== numClasses)) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `vocab has ${Array.isArray(vocab) ? vocab.length : 'no'} names but the predictions have ${numClasses} classes; pass one name per class`,
    );
  }
}

/** Labels in a compact array; a typed integer array that already fits is kept, not copied. */
function compactLabels(data: ArrayLike<number>, max: number, min: number): LabelArray | TypedArray {
  if (
    data instanceof Uint8Array ||
    data instanceof Uint16Array ||
    data instanceof Int32Array ||
    data instanceof Int16Array ||
    data instanceof Int8Array
  ) {
    return data;
  }
  const out = labelArray(data.length, max, min);
  for (let k = 0; k < data.length; k++) out[k] = data[k]!;
  return out;
}

/** The largest integer label other than `ignore` (0 when there is none), capped at MAX_CLASSES. */
function largestLabel(data: ArrayLike<number>, ignore?: number): number {
  let m = 0;
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (v > m && v !== ignore && Number.isInteger(v)) m = v;
  }
  return Math.min(m, MAX_CLASSES);
}
