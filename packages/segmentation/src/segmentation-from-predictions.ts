import {
  classNames,
  InterpError,
  largestLabel,
  type NDArray,
  type TypedArray,
} from '@interp/core/base';
import { assertInteger } from '@interp/core/internal';
import {
  checkLabels,
  compactLabels,
  decodeScores,
  type LabelArray,
  pixelErrorRates,
  rankArray,
  sameShape,
} from './mask-arrays.js';
import type { ConfusionCounts } from './metrics/confusion-counts.js';
import { MAX_CLASSES } from './metrics/confusion-counts.js';

/** Predictions of any framework, for `SegmentationInterpretation.fromPredictions`. */
export interface SegmentationPredictions {
  /** N x H x W x C class probabilities, channels last (or pass `decoded` labels instead). */
  preds?: NDArray<ArrayLike<number>>;
  /** N x H x W predicted labels, when there are no scores. */
  decoded?: NDArray<ArrayLike<number>>;
  /** N x H x W target labels. */
  targs: NDArray<ArrayLike<number>>;
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

/** What `fromPredictions` hands the constructor: compact masks, losses and maybe the counts. */
export interface SegmentationPredictionData {
  targs: NDArray;
  decoded: NDArray;
  preds: NDArray<Float32Array> | undefined;
  losses: Float32Array | undefined;
  inputs: NDArray<Float32Array> | undefined;
  vocab: string[] | undefined;
  ignoreIndex: number | undefined;
  numClasses: number;
  confusionMatrix: ConfusionCounts | undefined;
}

/**
 * Checks predictions made anywhere and turns them into what a segmentation interpretation keeps:
 * with scores, the predicted labels (argmax, ties to the lower class), the per-item losses and the
 * confusion matrix from one pass; with labels, the labels checked and stored compactly.
 *
 * @example
 * ```ts
 * const data = segmentationDataFromPredictions({
 *   decoded: { data: [0, 1, 1, 1], shape: [1, 2, 2] },
 *   targs: { data: [0, 1, 0, 1], shape: [1, 2, 2] },
 * });
 * data.numClasses; // 2
 * ```
 */
export function segmentationDataFromPredictions(
  p: SegmentationPredictions,
): SegmentationPredictionData {
  if (!p || typeof p !== 'object' || p.targs === undefined) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      'fromPredictions needs { targs } (N x H x W labels) and { preds } (N x H x W x C scores) or { decoded } (N x H x W labels)',
    );
  }
  const { ignoreIndex, vocab, withPreds = false } = p;
  if (ignoreIndex !== undefined) assertInteger(ignoreIndex, 'ignoreIndex');
  const targsIn = rankArray(p.targs, 'targs', 3, 'N x H x W target labels');
  const shape = [...targsIn.shape] as [number, number, number];
  const [n, h, w] = shape;
  if (n === 0) throw new InterpError('EMPTY_INPUT', 'targs has no items; pass at least one mask');
  let numClasses: number;
  let decoded: LabelArray | TypedArray;
  let losses: Float32Array | undefined;
  let counts: ConfusionCounts | undefined;
  let preds: NDArray<Float32Array> | undefined;
  if (p.preds !== undefined) {
    const scores = rankArray(p.preds, 'preds', 4, 'N x H x W x C scores (channels last)');
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
    if (vocab !== undefined) classNames(vocab, numClasses);
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
    const dec = rankArray(p.decoded, 'decoded', 3, 'N x H x W predicted labels');
    if (!sameShape(dec.shape, shape)) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `decoded has shape [${dec.shape.join(', ')}] but targs has [${shape.join(', ')}]; pass one predicted label per target pixel`,
      );
    }
    numClasses =
      vocab?.length ??
      Math.max(0, largestLabel(targsIn.data, ignoreIndex), largestLabel(dec.data)) + 1;
    assertInteger(numClasses, 'the number of classes', 1, MAX_CLASSES);
    if (vocab !== undefined) classNames(vocab, numClasses);
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
  return {
    targs: { data: compactLabels(targsIn.data, hi, lo), shape },
    decoded: { data: decoded, shape },
    preds,
    losses,
    inputs: p.inputs,
    vocab: vocab ? [...vocab] : undefined,
    ignoreIndex,
    numClasses,
    confusionMatrix: counts,
  };
}
