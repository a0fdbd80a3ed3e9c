import { InterpError, type NDArray } from '@interp/core/base';
import { describe } from '@interp/core/internal';

/** The built-in scorers, named as scikit-learn names them; greater is better for each. */
export type ScoringName = 'accuracy' | 'neg_log_loss' | 'r2' | 'neg_mean_squared_error';

/**
 * A custom score: targets and predictions (activated model outputs, `[N, outputs]`) to a number
 * where greater is better, as scikit-learn scorers are.
 */
export type ScoringFunction = (yTrue: NDArray, yPred: NDArray) => number;

/** A scorer by name or a function. */
export type Scoring = ScoringName | ScoringFunction;

/**
 * Probabilities are clipped to [eps, 1 - eps] before the log in `neg_log_loss`, as scikit-learn's
 * `log_loss` does with eps = the machine epsilon of the predictions' float type. Our predictions
 * are float32, so eps = 2^-23.
 */
export const LOG_LOSS_EPSILON = 2 ** -23;

/** The scorer names, in the order `--scoring` lists them. */
export const SCORING_NAMES: readonly ScoringName[] = [
  'accuracy',
  'neg_log_loss',
  'r2',
  'neg_mean_squared_error',
];

/**
 * A resolved scorer over flat arrays: `yTrue` holds one class index or value per row (or
 * `nOutputs` values per row for multi-output regression), `yPred` is row-major `[n, nOutputs]`.
 */
export interface Scorer {
  readonly name: string;
  score(yTrue: ArrayLike<number>, yPred: Float32Array, n: number, nOutputs: number): number;
  /**
   * For scorers that need only the predicted class: the score from class labels (argmax, or
   * `p > 0.5` for one output), which the model's backend computes, so only labels are read back.
   */
  scoreLabels?(yTrue: ArrayLike<number>, labels: Int32Array, n: number): number;
}

/**
 * Accuracy: the fraction of rows whose argmax output equals the target class (ties to the lower
 * index). A single output is a probability of class 1, predicted when above 0.5.
 */
function accuracyScore(yTrue: ArrayLike<number>, p: Float32Array, n: number, c: number): number {
  let hits = 0;
  if (c === 1) {
    for (let i = 0; i < n; i++) if ((p[i]! > 0.5 ? 1 : 0) === yTrue[i]) hits++;
    return hits / n;
  }
  // Hot loop (one pass per permuted copy): branch-free argmax, as random class scores would
  // mispredict a branch about every other row.
  for (let i = 0, base = 0; i < n; i++, base += c) {
    let best = 0;
    let bestValue = p[base]!;
    for (let k = 1; k < c; k++) {
      const v = p[base + k]!;
      const greater = v > bestValue;
      best = greater ? k : best;
      bestValue = greater ? v : bestValue;
    }
    hits += best === yTrue[i] ? 1 : 0;
  }
  return hits / n;
}

/** Accuracy from predicted labels. */
function accuracyOfLabels(yTrue: ArrayLike<number>, labels: Int32Array, n: number): number {
  let hits = 0;
  for (let i = 0; i < n; i++) hits += labels[i] === yTrue[i] ? 1 : 0;
  return hits / n;
}

/**
 * Negative log loss as scikit-learn's `log_loss` computes it: probabilities clipped to
 * [eps, 1 - eps], each row renormalized to sum 1, mean of -ln p[target]. A single output is the
 * probability of class 1 (the row is [1 - p, p]).
 */
function negLogLossScore(yTrue: ArrayLike<number>, p: Float32Array, n: number, c: number): number {
  const eps = LOG_LOSS_EPSILON;
  const clip = (v: number) => Math.min(Math.max(v, eps), 1 - eps);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const t = yTrue[i]!;
    if (c === 1) {
      const p1 = clip(p[i]!);
      const p0 = clip(1 - p[i]!);
      total -= Math.log((t === 1 ? p1 : p0) / (p0 + p1));
      continue;
    }
    let sum = 0;
    for (let k = 0; k < c; k++) sum += clip(p[i * c + k]!);
    total -= Math.log(clip(p[i * c + t]!) / sum);
  }
  return -total / n;
}

/**
 * R²: 1 - SS_res / SS_tot per output, averaged over outputs (scikit-learn's uniform_average). A
 * constant target scores 1 when predicted exactly, else 0 (scikit-learn's force_finite).
 */
function r2Score(yTrue: ArrayLike<number>, p: Float32Array, n: number, c: number): number {
  let total = 0;
  for (let k = 0; k < c; k++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += yTrue[i * c + k]!;
    mean /= n;
    let ssRes = 0;
    let ssTot = 0;
    for (let i = 0; i < n; i++) {
      const y = yTrue[i * c + k]!;
      ssRes += (y - p[i * c + k]!) ** 2;
      ssTot += (y - mean) ** 2;
    }
    total += ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
  }
  return total / c;
}

/** Negative mean squared error over every output of every row. */
function negMseScore(yTrue: ArrayLike<number>, p: Float32Array, n: number, c: number): number {
  let ss = 0;
  for (let i = 0; i < n * c; i++) ss += (yTrue[i]! - p[i]!) ** 2;
  return -ss / (n * c);
}

const BUILT_IN: Record<ScoringName, Scorer['score']> = {
  accuracy: accuracyScore,
  neg_log_loss: negLogLossScore,
  r2: r2Score,
  neg_mean_squared_error: negMseScore,
};

/** True for the scorers that compare class indices with class scores. */
export function isClassificationScoring(name: string): boolean {
  return name === 'accuracy' || name === 'neg_log_loss';
}

/**
 * Turns a {@link Scoring} into a {@link Scorer}: the built-in scorers by name (see
 * {@link SCORING_NAMES}), or a function `(yTrue, yPred) => number`.
 *
 * @example
 * ```ts
 * resolveScoring('accuracy').score(Int32Array.of(1, 0), Float32Array.of(0.2, 0.8, 0.6, 0.4), 2, 2); // 1
 * ```
 */
export function resolveScoring(scoring: Scoring): Scorer {
  if (typeof scoring === 'function') {
    return {
      name: scoring.name || 'custom',
      score(yTrue, yPred, n, c) {
        const perRow = yTrue.length / n;
        const y = Float64Array.from(yTrue);
        const s = scoring(
          { data: y, shape: perRow === 1 ? [n] : [n, perRow] } as unknown as NDArray,
          { data: yPred, shape: [n, c] },
        );
        if (typeof s !== 'number' || Number.isNaN(s)) {
          throw new InterpError(
            'NON_FINITE',
            `the scoring function returned ${describe(s)}; it must return a number (greater is better)`,
          );
        }
        return s;
      },
    };
  }
  if (typeof scoring !== 'string' || !(scoring in BUILT_IN)) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid scoring: ${typeof scoring === 'string' ? JSON.stringify(scoring) : describe(scoring)}; expected one of ${SCORING_NAMES.map((s) => `'${s}'`).join(', ')} or a function (yTrue, yPred) => number`,
    );
  }
  if (scoring === 'accuracy')
    return { name: scoring, score: accuracyScore, scoreLabels: accuracyOfLabels };
  return { name: scoring, score: BUILT_IN[scoring as ScoringName] };
}
