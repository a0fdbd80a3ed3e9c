import {
  type FromLearnerOptions,
  InterpError,
  Interpretation,
  type InterpretationData,
  isInterpError,
  type Learner,
  type NDArray,
  resolveActivation,
  type TopLossesSelection,
} from '@interp/core';
import { classNames, largestLabel } from '@interp/core/base';
import { assertInteger } from '@interp/core/internal';
import { confusionMatrixChart, resolveDocument } from '@interp/viz';
import * as tf from '@tensorflow/tfjs-core';
import { checkLabels, sameShape } from './mask-arrays.js';
import type { ConfusionCounts } from './metrics/confusion-counts.js';
import { MAX_CLASSES } from './metrics/confusion-counts.js';
import { confusionCountsToArray } from './metrics/confusion-counts-to-array.js';
import { diceCoefficient } from './metrics/dice-coefficient.js';
import { frequencyWeightedIoU } from './metrics/frequency-weighted-iou.js';
import { intersectionOverUnion } from './metrics/intersection-over-union.js';
import { meanIoU } from './metrics/mean-iou.js';
import { perClassAccuracy } from './metrics/per-class-accuracy.js';
import { pixelAccuracy } from './metrics/pixel-accuracy.js';
import { pixelConfusionMatrix } from './metrics/pixel-confusion-matrix.js';
import { type SegmentationReport, segmentationReport } from './metrics/segmentation-report.js';
import { type BatchData, PixelStreamStore } from './pixel-stream-store.js';
import {
  type PlotPixelConfusionMatrixOptions,
  plotPixelConfusionMatrixDefaults,
} from './plot-pixel-confusion-matrix-options.js';
import {
  type SegmentationPredictions,
  segmentationDataFromPredictions,
} from './segmentation-from-predictions.js';
import {
  renderSegmentationTopLosses,
  type SegmentationTopLossesOptions,
} from './segmentation-top-losses.js';

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

/** confusionMatrix defaults, written once. */
export const segmentationConfusionMatrixDefaults = Object.freeze({ sliceSize: 1 } as const);

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
    let store: PixelStreamStore | undefined;
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
        store ??= PixelStreamStore.create({
          length: n,
          targetShape: y.shape,
          inputShape: x.shape,
          numClasses: out.c,
          vocab: learn.vocab ?? dl.vocab,
          ignoreIndex,
          withInput,
          withPreds,
        });
        store.add({
          indices,
          targs: yd as BatchData,
          decoded: dd as BatchData,
          losses: ld as BatchData,
          inputs: xd as BatchData | undefined,
          preds: pd as BatchData | undefined,
        });
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
    return new this({ ...store.data(), dl, learn } as InterpretationData);
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
    return new SegmentationInterpretation(segmentationDataFromPredictions(p));
  }

  /** Number of classes: the vocab's length, else as given, else the score channels, else the largest label + 1. */
  get numClasses(): number {
    if (this.cachedNumClasses === undefined) {
      this.cachedNumClasses =
        this.vocab?.length ??
        this.givenNumClasses ??
        this.preds?.shape.at(-1) ??
        Math.min(
          MAX_CLASSES,
          Math.max(
            0,
            largestLabel(this.targs.data, this.ignoreIndex),
            largestLabel(this.decoded.data),
          ),
        ) + 1;
    }
    return this.cachedNumClasses;
  }

  /** Class names, "0".."C-1" when there is no vocab. */
  get classNames(): string[] {
    return classNames(this.vocab, this.numClasses);
  }

  /** The target mask of item `i`, `[H, W]` (a view, not a copy). */
  targetMask(i: number): NDArray<ArrayLike<number>> {
    return this.mask(this.targs, i);
  }

  /** The predicted mask of item `i`, `[H, W]` (a view, not a copy). */
  predictedMask(i: number): NDArray<ArrayLike<number>> {
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

  /** Every metric at once, with the same keys as `interp segmentation --json` (see the pure `segmentationReport`). */
  segmentationReport(): SegmentationReport {
    return segmentationReport(this.counts(), this.classNames);
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
  override plotTopLosses(
    k: number | ArrayLike<number>,
    options: SegmentationTopLossesOptions = {},
  ): Promise<Element> {
    return super.plotTopLosses(k, options);
  }

  protected override renderTopLosses(
    selection: TopLossesSelection,
    options: SegmentationTopLossesOptions,
  ): Element {
    return renderSegmentationTopLosses(this, selection, options);
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

  private mask(array: NDArray, i: number): NDArray<ArrayLike<number>> {
    assertInteger(i, 'item index', 0, this.length - 1);
    const [, h, w] = array.shape as [number, number, number];
    return { data: array.data.subarray(i * h * w, (i + 1) * h * w), shape: [h, w] };
  }
}
