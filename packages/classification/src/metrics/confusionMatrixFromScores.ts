import { assertInteger, InterpError } from '@interp/core/base';
import { badLabel, toRows } from './internal/matrix.js';
import { checkScores } from './internal/validate.js';

/** Options of {@link confusionMatrixFromScores}. */
export interface ConfusionMatrixFromScoresOptions {
  /**
   * Also return every item's cross-entropy `-ln(max(p[target], 1e-12))` (the scores must then be
   * probabilities).
   */
  withLosses?: boolean;
  /**
   * Also return the `topLosses` largest of those losses (largest first, ties to the lower index),
   * found in the same pass without taking the log of every item.
   */
  topLosses?: number;
}

/** What {@link confusionMatrixFromScores} returns. */
export interface ConfusionMatrixFromScores {
  /** `matrix[actual][predicted]` counts. */
  matrix: number[][];
  /** The predicted label of each item (argmax of its row, ties to the lower index). */
  decoded: Int32Array;
  /** Per-item cross-entropy, when `withLosses` is set. */
  losses?: Float64Array;
  /** The largest losses and their item indices, when `topLosses` is set. */
  topLosses?: { losses: Float64Array; indices: Int32Array };
}

const defaults = { withLosses: false, topLosses: undefined } as const;

/** Probabilities are clamped here before the log, so a confident miss costs ln(1e12) ≈ 27.6, not Infinity. */
const EPS = 1e-12;

/**
 * Top-loss candidates are kept while p[target] <= (k-th smallest so far) · (1 + SLACK). The slack is
 * far above the rounding of the log (≈ 1e-14 at a loss of 27.6), so any item left out has a loss
 * strictly below the k-th largest: selecting by p is exact although distinct float64
 * probabilities can round to the same loss.
 */
const SLACK = 2 ** -40;

/**
 * Decodes N x C row-major `scores` by argmax (ties to the lower index) and counts the confusion
 * matrix against `targs`, in one pass over the scores: the fast path for millions of items.
 * Optionally also the per-item losses, or just the top losses. A NaN score throws, as does a
 * target outside `0..numClasses-1`.
 *
 * @example
 * ```ts
 * const scores = Float32Array.of(0.9, 0.1, 0.4, 0.6, 0.5, 0.5);
 * const { matrix, decoded, topLosses } = confusionMatrixFromScores(scores, 2, [0, 0, 1], { topLosses: 1 });
 * // decoded [0, 1, 0] (the 0.5/0.5 tie goes to class 0); matrix [[1, 1], [1, 0]];
 * // topLosses { losses: [0.916...], indices: [1] } (p[target] = 0.4)
 * ```
 */
export function confusionMatrixFromScores(
  scores: Float32Array | Float64Array,
  numClasses: number,
  targs: ArrayLike<number>,
  {
    withLosses = defaults.withLosses,
    topLosses = defaults.topLosses,
  }: ConfusionMatrixFromScoresOptions = {},
): ConfusionMatrixFromScores {
  const n = checkScores(scores, numClasses);
  const c = numClasses;
  if (targs.length !== n) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `targs has ${targs.length} items but scores has ${n} rows of ${c}; pass one target per row`,
    );
  }
  const k = topLosses === undefined ? 0 : assertInteger(topLosses, 'topLosses', 0, n);
  const counts = new Float64Array(c * c);
  const decoded = new Int32Array(n);
  // Holds p[target] during the pass; the logs are taken after it (cheaper than in the hot loop).
  const losses = withLosses ? new Float64Array(n) : undefined;
  const top = k > 0 ? new TopCandidates(k) : undefined;
  // The argmax is unrolled by two: an odd number of remaining columns is handled first.
  const odd = (c - 1) & 1;
  let off = 0;
  for (let i = 0; i < n; i++) {
    const t = targs[i]!;
    if (t >>> 0 !== t || t >= c) throw badLabel('targs', i, t, c);
    const end = off + c;
    let best = scores[off]!;
    let at = off;
    if (Number.isNaN(best)) throw nanScore(i, 0);
    let j = off + 1;
    if (odd === 1) {
      const v = scores[j]!;
      // One compare on the common path: true for a new maximum or for NaN (strict > keeps ties low).
      if (!(v <= best)) {
        if (Number.isNaN(v)) throw nanScore(i, j - off);
        best = v;
        at = j;
      }
      j++;
    }
    for (; j < end; j += 2) {
      const a = scores[j]!;
      const b = scores[j + 1]!;
      if (!(a <= best)) {
        if (Number.isNaN(a)) throw nanScore(i, j - off);
        best = a;
        at = j;
      }
      if (!(b <= best)) {
        if (Number.isNaN(b)) throw nanScore(i, j + 1 - off);
        best = b;
        at = j + 1;
      }
    }
    const arg = at - off;
    decoded[i] = arg;
    counts[t * c + arg]!++;
    if (losses !== undefined) losses[i] = scores[off + t]!;
    if (top !== undefined) {
      const p = Math.max(scores[off + t]!, EPS);
      if (p <= top.limit) top.add(p, i);
    }
    off = end;
  }
  const result: ConfusionMatrixFromScores = { matrix: toRows(counts, c), decoded };
  if (losses !== undefined) {
    // 0 - x, not -x: a certain prediction (p = 1) costs +0, not -0.
    for (let i = 0; i < n; i++) losses[i] = 0 - Math.log(Math.max(losses[i]!, EPS));
    result.losses = losses;
  }
  if (topLosses !== undefined) {
    result.topLosses = top?.result() ?? { losses: new Float64Array(0), indices: new Int32Array(0) };
  }
  return result;
}

/**
 * Items that may hold one of the k smallest clamped p[target] (the k largest losses), in index
 * order. Pruned to the current k-th smallest (plus slack) whenever the buffer fills.
 */
class TopCandidates {
  limit = Number.POSITIVE_INFINITY;
  private p: Float64Array;
  private idx: Int32Array;
  private size = 0;

  constructor(private readonly k: number) {
    const cap = Math.max(1024, 4 * k);
    this.p = new Float64Array(cap);
    this.idx = new Int32Array(cap);
  }

  add(p: number, i: number): void {
    if (this.size === this.p.length) this.prune();
    this.p[this.size] = p;
    this.idx[this.size++] = i;
  }

  private prune(): void {
    const sorted = this.p.slice(0, this.size).sort();
    this.limit = sorted[this.k - 1]! * (1 + SLACK);
    let kept = 0;
    for (let r = 0; r < this.size; r++) {
      if (this.p[r]! <= this.limit) {
        this.p[kept] = this.p[r]!;
        this.idx[kept++] = this.idx[r]!;
      }
    }
    this.size = kept;
    // Many near-equal probabilities: grow instead of pruning again right away.
    if (kept > this.p.length / 2) {
      const p = new Float64Array(this.p.length * 2);
      const idx = new Int32Array(this.p.length * 2);
      p.set(this.p.subarray(0, kept));
      idx.set(this.idx.subarray(0, kept));
      this.p = p;
      this.idx = idx;
    }
  }

  result(): { losses: Float64Array; indices: Int32Array } {
    const losses = new Float64Array(this.size);
    for (let r = 0; r < this.size; r++) losses[r] = 0 - Math.log(this.p[r]!);
    const order = Array.from({ length: this.size }, (_, r) => r);
    // Loss descending, then item index ascending (candidates are stored in index order).
    order.sort((a, b) => (losses[b]! > losses[a]! ? 1 : losses[b]! < losses[a]! ? -1 : a - b));
    const take = order.slice(0, this.k);
    return {
      losses: Float64Array.from(take, (r) => losses[r]!),
      indices: Int32Array.from(take, (r) => this.idx[r]!),
    };
  }
}

function nanScore(i: number, j: number): InterpError {
  return new InterpError(
    'NON_FINITE',
    `scores[${i}][${j}] is NaN; every score must be a number (check the model outputs)`,
  );
}
