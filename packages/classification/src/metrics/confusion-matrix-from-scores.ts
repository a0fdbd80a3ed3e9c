import { InterpError, PROBABILITY_EPSILON } from '@interp/core/base';
import { assertInteger } from '@interp/core/internal';
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

/** confusionMatrixFromScores defaults, written once. */
export const confusionMatrixFromScoresDefaults = Object.freeze({
  withLosses: false,
  topLosses: undefined,
} as const);

/** Probabilities are clamped here before the log (core's one constant), so a confident miss costs ln(1e12) ≈ 27.6, not Infinity. */
const EPS = PROBABILITY_EPSILON;

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
    withLosses = confusionMatrixFromScoresDefaults.withLosses,
    topLosses = confusionMatrixFromScoresDefaults.topLosses,
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
  const state: Pass = { scores, c, targs, counts, decoded, losses, top };
  if (scores instanceof Float32Array) passFloat32(state, scores);
  else passGeneric(state);
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

/** What one pass over the scores reads and fills. */
interface Pass {
  scores: Float32Array | Float64Array;
  c: number;
  targs: ArrayLike<number>;
  counts: Float64Array;
  decoded: Int32Array;
  losses: Float64Array | undefined;
  top: TopCandidates | undefined;
}

/** Checks the target, counts the cell and keeps what the loss options need, for row i. */
function record(s: Pass, i: number, off: number, arg: number): void {
  const t = s.targs[i]!;
  s.decoded[i] = arg;
  s.counts[t * s.c + arg]!++;
  if (s.losses !== undefined) s.losses[i] = s.scores[off + t]!;
  if (s.top !== undefined) {
    const p = s.scores[off + t]!;
    if (p <= s.top.limit) s.top.add(Math.max(p, EPS), i);
  }
}

/**
 * Argmax of row i (from `off`), ties to the lower index, -0 equal to +0, NaN throwing: one compare
 * per value on the common path (true for a new maximum or for NaN).
 */
function argmaxRow(scores: Float32Array | Float64Array, off: number, c: number, i: number): number {
  let best = scores[off]!;
  let at = off;
  if (Number.isNaN(best)) throw nanScore(i, 0);
  for (let j = off + 1, end = off + c; j < end; j++) {
    const v = scores[j]!;
    if (!(v <= best)) {
      if (Number.isNaN(v)) throw nanScore(i, j - off);
      best = v;
      at = j;
    }
  }
  return at - off;
}

function passGeneric(s: Pass): void {
  const { scores, c, targs } = s;
  const n = s.decoded.length;
  for (let i = 0, off = 0; i < n; i++, off += c) {
    const t = targs[i]!;
    if (t >>> 0 !== t || t >= c) throw badLabel('targs', i, t, c);
    record(s, i, off, argmaxRow(scores, off, c, i));
  }
}

/**
 * The argmax on float32 bit patterns, without branches: which of two random scores is larger is
 * a coin flip the branch predictor loses, and on such data this takes about half the time of
 * {@link argmaxRow}. Non-negative float32s order like their bits read as int32 (+Infinity is
 * 0x7f800000, a positive NaN above it); a row with a sign bit set anywhere (a negative score, -0
 * or a negative NaN) takes {@link argmaxRow} instead.
 */
function passFloat32(s: Pass, scores: Float32Array): void {
  // Fields in locals: this loop runs ten million times.
  const c = s.c;
  const n = s.decoded.length;
  const bits = new Int32Array(scores.buffer, scores.byteOffset, scores.length);
  let limit = s.top?.limit ?? 0;
  let i = 0;
  let off = 0;
  // Two rows at a time: each row's running maximum is a chain of dependent selects, and two
  // independent chains keep the CPU busy (about 1.4x faster than one row at a time).
  for (; i + 1 < n; i += 2, off += 2 * c) {
    const offB = off + c;
    let bestA = bits[off]!;
    let bestB = bits[offB]!;
    let signsA = bestA;
    let signsB = bestB;
    let argA = 0;
    let argB = 0;
    for (let col = 1; col < c; col++) {
      const xa = bits[off + col]!;
      const xb = bits[offB + col]!;
      signsA |= xa;
      signsB |= xb;
      // -(true) is -1, all bits set: select x and its column without a jump. (Number(...) or a
      // ternary here compiles to a branch and loses the gain.)
      const ma = -((xa > bestA) as unknown as number);
      const mb = -((xb > bestB) as unknown as number);
      bestA ^= (bestA ^ xa) & ma;
      argA ^= (argA ^ col) & ma;
      bestB ^= (bestB ^ xb) & mb;
      argB ^= (argB ^ col) & mb;
    }
    limit = finishRow(s, scores, i, off, bestA, signsA, argA, limit);
    limit = finishRow(s, scores, i + 1, offB, bestB, signsB, argB, limit);
  }
  if (i < n) {
    let best = bits[off]!;
    let signs = best;
    let arg = 0;
    for (let col = 1; col < c; col++) {
      const x = bits[off + col]!;
      signs |= x;
      const mask = -((x > best) as unknown as number);
      best ^= (best ^ x) & mask;
      arg ^= (arg ^ col) & mask;
    }
    finishRow(s, scores, i, off, best, signs, arg, limit);
  }
}

/**
 * Records row i of the float32 pass given its branch-free argmax (`arg`, `best`) and the OR of its
 * bits (`signs`); returns the top-losses limit. A plain function, not a closure, so the hot loop's
 * variables stay in registers.
 */
function finishRow(
  s: Pass,
  scores: Float32Array,
  i: number,
  off: number,
  best: number,
  signs: number,
  arg: number,
  limit: number,
): number {
  const c = s.c;
  const t = s.targs[i]!;
  if (t >>> 0 !== t || t >= c) throw badLabel('targs', i, t, c);
  if (signs < 0) arg = argmaxRow(scores, off, c, i);
  else if (best > 0x7f800000) argmaxRow(scores, off, c, i); // throws on the NaN
  s.decoded[i] = arg;
  s.counts[t * c + arg]!++;
  if (s.losses !== undefined) s.losses[i] = scores[off + t]!;
  if (s.top !== undefined) {
    // The limit is never below EPS, so clamping can wait until an item qualifies.
    const p = scores[off + t]!;
    if (p <= limit) return s.top.add(Math.max(p, EPS), i);
  }
  return limit;
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

  /** Adds a candidate (p already clamped to EPS); returns the limit, which pruning may lower. */
  add(p: number, i: number): number {
    if (this.size === this.p.length) this.prune();
    this.p[this.size] = p;
    this.idx[this.size++] = i;
    return this.limit;
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
