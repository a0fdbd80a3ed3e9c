import { InterpError } from '@interp/core/base';
import { assertInteger } from '@interp/core/internal';
import { binOf, uniformEdges } from './internal/bins.js';
import { checkLabels, checkScores, type Scores } from './internal/validate.js';

/** Options of {@link expectedCalibrationError}. */
export interface ExpectedCalibrationErrorOptions {
  /** Number of equal-width confidence bins on [0, 1]; default {@link expectedCalibrationErrorDefaults}. */
  nBins?: number;
}

/** The expected calibration error and the per-bin numbers of a reliability diagram. */
export interface ExpectedCalibrationError {
  /** Σ_b (n_b / N) · |accuracy_b - confidence_b|. */
  ece: number;
  /** The `nBins + 1` bin edges. */
  edges: Float64Array;
  /** Items per bin. */
  counts: Float64Array;
  /** Fraction of items of the bin whose top class is right (NaN for an empty bin). */
  accuracy: Float64Array;
  /** Mean top-class probability of the bin (NaN for an empty bin). */
  confidence: Float64Array;
}

/**
 * expectedCalibrationError defaults, written once: 15 bins, as Guo et al. 2017. Every ECE in the
 * house (ClassificationInterpretation.calibration, PredictionAnalyzer) bins with this count.
 */
export const expectedCalibrationErrorDefaults: { readonly nBins: number } = Object.freeze({
  nBins: 15,
});

/**
 * Expected calibration error of a classifier's top-label confidence (Guo et al., "On Calibration of
 * Modern Neural Networks", 2017): each item's confidence is its highest probability and it is
 * correct when that class (ties to the lower index) is its target; items are binned by confidence
 * in `nBins` equal-width bins (a value on an edge goes to the lower bin, as
 * {@link calibrationCurve}), and the gaps |accuracy - confidence| are averaged weighted by bin size.
 *
 * @example
 * ```ts
 * const { ece, accuracy, confidence } = expectedCalibrationError(probs, 10, targs);
 * ```
 */
export function expectedCalibrationError(
  scores: Scores,
  numClasses: number,
  targs: ArrayLike<number>,
  { nBins = expectedCalibrationErrorDefaults.nBins }: ExpectedCalibrationErrorOptions = {},
): ExpectedCalibrationError {
  const n = checkScores(scores, numClasses);
  checkLabels(targs, numClasses, 'targs', n);
  assertInteger(nBins, 'nBins', 1);
  if (n === 0)
    throw new InterpError('EMPTY_INPUT', 'expectedCalibrationError needs at least one item');
  const edges = uniformEdges(nBins);
  const counts = new Float64Array(nBins);
  const correct = new Float64Array(nBins);
  const confSum = new Float64Array(nBins);
  const c = numClasses;
  for (let i = 0, off = 0; i < n; i++, off += c) {
    let best = scores[off]!;
    let arg = 0;
    for (let j = 1; j < c; j++) {
      const v = scores[off + j]!;
      if (v > best) {
        best = v;
        arg = j;
      }
    }
    for (let j = 0; j < c; j++) {
      const v = scores[off + j]!;
      if (!(v >= 0 && v <= 1)) {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `scores[${i}][${j}] = ${v} is not a probability in [0, 1]; apply softmax to logits first`,
        );
      }
    }
    const b = binOf(edges, best);
    counts[b]!++;
    confSum[b]! += best;
    if (arg === targs[i]) correct[b]!++;
  }
  const accuracy = new Float64Array(nBins);
  const confidence = new Float64Array(nBins);
  let ece = 0;
  for (let b = 0; b < nBins; b++) {
    if (counts[b] === 0) {
      accuracy[b] = Number.NaN;
      confidence[b] = Number.NaN;
      continue;
    }
    accuracy[b] = correct[b]! / counts[b]!;
    confidence[b] = confSum[b]! / counts[b]!;
    ece += (counts[b]! / n) * Math.abs(accuracy[b]! - confidence[b]!);
  }
  return { ece, edges, counts, accuracy, confidence };
}
