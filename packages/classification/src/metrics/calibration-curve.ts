import { InterpError } from '@interp/core/base';
import { assertInteger, keyword } from '@interp/core/internal';
import { binOf, uniformEdges } from './internal/bins.js';
import { checkBinary } from './internal/validate.js';

/** Options of {@link calibrationCurve}. */
export interface CalibrationCurveOptions {
  /** Number of bins (default 5, as scikit-learn). */
  nBins?: number;
  /** `'uniform'` (default): equal-width bins on [0, 1]; `'quantile'`: bins holding equal numbers of items. */
  strategy?: 'uniform' | 'quantile';
}

/** A reliability curve over the non-empty bins. */
export interface CalibrationCurve {
  /** Fraction of positives in each non-empty bin. */
  probTrue: Float64Array;
  /** Mean predicted probability in each non-empty bin. */
  probPred: Float64Array;
  /** Items in each non-empty bin. */
  counts: Float64Array;
  /** The `nBins + 1` bin edges. */
  edges: Float64Array;
}

/** calibrationCurve defaults, written once. */
export const calibrationCurveDefaults = Object.freeze({ nBins: 5, strategy: 'uniform' } as const);

/**
 * The data of a reliability diagram for one binary problem, scikit-learn's `calibration_curve`:
 * items binned by predicted probability (a value on an edge goes to the lower bin), then per
 * non-empty bin the fraction of positives and the mean probability. Probabilities must be in [0, 1].
 *
 * @example
 * ```ts
 * // scikit-learn's docstring example
 * calibrationCurve([0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1], [0, 0, 0, 0, 1, 1, 1, 1, 1], { nBins: 3 });
 * // probTrue [0, 0.5, 1], probPred [0.2, 0.525, 0.85]
 * ```
 */
export function calibrationCurve(
  probs: ArrayLike<number>,
  isPositive: ArrayLike<number | boolean>,
  {
    nBins = calibrationCurveDefaults.nBins,
    strategy = calibrationCurveDefaults.strategy,
  }: CalibrationCurveOptions = {},
): CalibrationCurve {
  assertInteger(nBins, 'nBins', 1);
  const how = keyword(
    strategy,
    'strategy',
    ['uniform', 'quantile'],
    calibrationCurveDefaults.strategy,
  );
  const n = probs.length;
  const pos = checkBinary(isPositive, 'calibrationCurve: isPositive', n);
  if (n === 0) throw new InterpError('EMPTY_INPUT', 'calibrationCurve needs at least one item');
  for (let i = 0; i < n; i++) {
    const p = probs[i]!;
    if (!(p >= 0 && p <= 1)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `calibrationCurve: probs[${i}] = ${p} is not a probability in [0, 1]; apply a sigmoid or softmax to scores first`,
      );
    }
  }
  const edges = how === 'uniform' ? uniformEdges(nBins) : quantileEdges(probs, nBins);
  const sums = new Float64Array(nBins);
  const trues = new Float64Array(nBins);
  const totals = new Float64Array(nBins);
  for (let i = 0; i < n; i++) {
    const b = binOf(edges, probs[i]!);
    sums[b]! += probs[i]!;
    trues[b]! += pos[i]!;
    totals[b]!++;
  }
  const probTrue: number[] = [];
  const probPred: number[] = [];
  const counts: number[] = [];
  for (let b = 0; b < nBins; b++) {
    if (totals[b] === 0) continue;
    probTrue.push(trues[b]! / totals[b]!);
    probPred.push(sums[b]! / totals[b]!);
    counts.push(totals[b]!);
  }
  return {
    probTrue: Float64Array.from(probTrue),
    probPred: Float64Array.from(probPred),
    counts: Float64Array.from(counts),
    edges,
  };
}

/** `np.percentile(probs, linspace(0, 1, nBins + 1) * 100)` with NumPy's default linear method. */
function quantileEdges(probs: ArrayLike<number>, nBins: number): Float64Array {
  const sorted = Float64Array.from(probs).sort();
  const n = sorted.length;
  // float32 inputs: NumPy takes the difference of neighbours in float32 before interpolating.
  const diff =
    probs instanceof Float32Array
      ? (a: number, b: number) => Math.fround(b - a)
      : (a: number, b: number) => b - a;
  const step = 1 / nBins;
  const edges = new Float64Array(nBins + 1);
  for (let i = 0; i <= nBins; i++) {
    const q = ((i === nBins ? 1 : i * step) * 100) / 100;
    const virtual = (n - 1) * q;
    const prev = Math.min(Math.max(Math.floor(virtual), 0), n - 1);
    const next = Math.min(prev + 1, n - 1);
    const gamma = virtual - prev;
    const a = sorted[prev]!;
    const b = sorted[next]!;
    const d = diff(a, b);
    edges[i] = gamma >= 0.5 ? b - d * (1 - gamma) : a + d * gamma;
  }
  return edges;
}
