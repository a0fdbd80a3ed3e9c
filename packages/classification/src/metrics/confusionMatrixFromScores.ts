import { InterpError } from '@interp/core/base';
import { badLabel, toRows } from './internal/matrix.js';
import { checkScores } from './internal/validate.js';

/** Options of {@link confusionMatrixFromScores}. */
export interface ConfusionMatrixFromScoresOptions {
  /**
   * Also return each item's cross-entropy `-ln(max(p[target], 1e-12))`, read in the same pass
   * (the scores must then be probabilities).
   */
  withLosses?: boolean;
}

/** What {@link confusionMatrixFromScores} returns. */
export interface ConfusionMatrixFromScores {
  /** `matrix[actual][predicted]` counts. */
  matrix: number[][];
  /** The predicted label of each item (argmax of its row, ties to the lower index). */
  decoded: Int32Array;
  /** Per-item cross-entropy, when `withLosses` is set. */
  losses?: Float64Array;
}

const defaults = { withLosses: false } as const;

/** Probabilities are clamped here before the log, so a confident miss costs ln(1e12) ≈ 27.6, not Infinity. */
const EPS = 1e-12;

/**
 * Decodes N x C row-major `scores` by argmax (ties to the lower index) and counts the confusion
 * matrix against `targs`, in one pass over the scores: the fast path for millions of items.
 * A NaN score throws, as does a target outside `0..numClasses-1`.
 *
 * @example
 * ```ts
 * const scores = Float32Array.of(0.9, 0.1, 0.4, 0.6, 0.5, 0.5);
 * const { matrix, decoded } = confusionMatrixFromScores(scores, 2, [0, 0, 1]);
 * // decoded [0, 1, 0] (the 0.5/0.5 tie goes to class 0); matrix [[1, 1], [1, 0]]
 * ```
 */
export function confusionMatrixFromScores(
  scores: Float32Array | Float64Array,
  numClasses: number,
  targs: ArrayLike<number>,
  { withLosses = defaults.withLosses }: ConfusionMatrixFromScoresOptions = {},
): ConfusionMatrixFromScores {
  const n = checkScores(scores, numClasses);
  const c = numClasses;
  if (targs.length !== n) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `targs has ${targs.length} items but scores has ${n} rows of ${c}; pass one target per row`,
    );
  }
  const counts = new Float64Array(c * c);
  const decoded = new Int32Array(n);
  const losses = withLosses ? new Float64Array(n) : undefined;
  let off = 0;
  for (let i = 0; i < n; i++, off += c) {
    const t = targs[i]!;
    if (t >>> 0 !== t || t >= c) throw badLabel('targs', i, t, c);
    let best = scores[off]!;
    let arg = 0;
    if (Number.isNaN(best)) throw nanScore(i, 0);
    for (let j = 1; j < c; j++) {
      const v = scores[off + j]!;
      // One compare on the common path: true for a new maximum or for NaN (strict > keeps ties low).
      if (!(v <= best)) {
        if (Number.isNaN(v)) throw nanScore(i, j);
        best = v;
        arg = j;
      }
    }
    decoded[i] = arg;
    counts[t * c + arg]!++;
    if (losses !== undefined) {
      const p = scores[off + t]!;
      // 0 - x, not -x: a certain prediction (p = 1) costs +0, not -0.
      losses[i] = 0 - Math.log(Math.max(p, EPS));
    }
  }
  const result: ConfusionMatrixFromScores = { matrix: toRows(counts, c), decoded };
  if (losses !== undefined) result.losses = losses;
  return result;
}

function nanScore(i: number, j: number): InterpError {
  return new InterpError(
    'NON_FINITE',
    `scores[${i}][${j}] is NaN; every score must be a number (check the model outputs)`,
  );
}
