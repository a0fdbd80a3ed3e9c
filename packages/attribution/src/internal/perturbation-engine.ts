import * as tf from '@tensorflow/tfjs-core';
import { defaultRowsPerChunk, maxRowsPerChunk, ThroughputChunks } from './batch-budget.js';
import { asScoreMatrix } from './resolve-model.js';
import { targetMask } from './targets.js';

/**
 * What a perturbation method evaluates: a forward function (raw outputs [rows, C] or [rows]),
 * the batch x [N, ...item], what perturbed values are replaced by (`replacement`, [1 or N,
 * ...item]: a baseline, or for FeaturePermutation x's rows in permuted order) and one target
 * class per item. The engine owns none of these tensors.
 */
export interface PerturbationProblem {
  forward: (x: tf.Tensor) => tf.Tensor;
  x: tf.Tensor;
  replacement: tf.Tensor;
  targets: Int32Array;
  numClasses: number;
  where: string;
  /**
   * Row of `replacement` that item `item` takes its values from under perturbation `p`
   * (FeaturePermutation: a new permutation per feature). Default: the item's own row, or row 0
   * of a one-row replacement.
   */
  replacementRow?: (p: number, item: number) => number;
  /**
   * Perturbed copies of the whole batch per forward pass; by default the first pass takes
   * {@link perturbationsPerEvalFor}'s and later ones grow while they run faster per row
   * ({@link ThroughputChunks}).
   */
  perturbationsPerEval?: number;
}

/**
 * Writes perturbation `p` for item `item` into `mask` (one item's values, zeroed beforehand):
 * 1 = take the replacement's value, 0 = keep x's.
 */
export type MaskFiller = (p: number, item: number, mask: Uint8Array) => void;

/**
 * Perturbed copies of a batch of N items that one forward pass holds by default: as many as
 * keep the pass's input under the batch budget (2^17 values), at least one. A forward pass
 * keeps no activations for a backward pass, so this is the same budget as the gradient methods'
 * and leaves room for the model's own activations.
 */
export function perturbationsPerEvalFor(n: number, itemSize: number): number {
  return Math.max(1, Math.floor(defaultRowsPerChunk(itemSize) / n));
}

/** The target score of every item of x: [N] float32. */
export async function targetScores(
  forward: (x: tf.Tensor) => tf.Tensor,
  x: tf.Tensor,
  targets: Int32Array,
  numClasses: number,
  where: string,
): Promise<Float32Array> {
  const n = x.shape[0]!;
  const scores = tf.tidy(() =>
    tf.sum(tf.mul(asScoreMatrix(forward(x), n, where), targetMask(targets, numClasses)), 1),
  );
  const data = (await scores.data()) as Float32Array;
  scores.dispose();
  return data;
}

/**
 * The perturbation engine every forward-only method shares (FeatureAblation, FeaturePermutation,
 * the Shapley methods, Lime, KernelShap; Layer/NeuronFeatureAblation with a layer's forward):
 * evaluates `count` perturbed copies of the batch, `perturbationsPerEval` copies per forward
 * pass, and returns the target score of every row, perturbation-major: `scores[p * N + i]` is
 * item i under perturbation p. The copy is `x * (1 - mask) + replacement * mask` as in Captum, so
 * each value is x's or the replacement's bit for bit, and the result does not depend
 * on how the perturbations are grouped into passes.
 *
 * @example
 * ```ts
 * // Scores with each of 4 features of a [N, 4] batch ablated to 0 in turn.
 * const scores = await perturbedScores({ forward, x, replacement: zeros, targets, numClasses: 3,
 *   where: 'demo' }, 4, (p, _i, mask) => { mask[p] = 1; });
 * ```
 */
export async function perturbedScores(
  problem: PerturbationProblem,
  count: number,
  fill: MaskFiller,
): Promise<Float32Array> {
  const { x, targets, numClasses, where } = problem;
  const n = x.shape[0]!;
  const item = x.shape.slice(1);
  const itemSize = x.size / n;
  const fixed = problem.perturbationsPerEval;
  const chunks =
    fixed === undefined
      ? new ThroughputChunks(perturbationsPerEvalFor(n, itemSize) * n, maxRowsPerChunk(itemSize))
      : undefined;
  const out = new Float32Array(count * n);
  for (let start = 0; start < count; ) {
    const wanted = Math.max(1, Math.min(count, fixed ?? Math.floor(chunks!.next() / n)));
    const k = Math.min(wanted, count - start);
    const started = performance.now();
    const masks = new Uint8Array(k * n * itemSize);
    for (let p = 0; p < k; p++) {
      for (let i = 0; i < n; i++) {
        const offset = (p * n + i) * itemSize;
        fill(start + p, i, masks.subarray(offset, offset + itemSize));
      }
    }
    const rowTargets = new Int32Array(k * n);
    for (let p = 0; p < k; p++) rowTargets.set(targets, p * n);
    const rowOf = problem.replacementRow;
    const rows = rowOf ? new Int32Array(k * n) : undefined;
    if (rows && rowOf) {
      for (let p = 0; p < k; p++) for (let i = 0; i < n; i++) rows[p * n + i] = rowOf(start + p, i);
    }
    const scores = tf.tidy(() => {
      const mask = tf.tensor(masks, [k, n, ...item], 'float32');
      const replacement = rows
        ? tf.reshape(tf.gather(problem.replacement, tf.tensor1d(rows, 'int32')), [k, n, ...item])
        : tf.expandDims(problem.replacement, 0);
      const keep = tf.sub(1, mask);
      const batch = tf.reshape(
        tf.add(tf.mul(tf.expandDims(x, 0), keep), tf.mul(replacement, mask)),
        [k * n, ...item],
      );
      const raw = asScoreMatrix(problem.forward(batch), k * n, where);
      return tf.sum(tf.mul(raw, targetMask(rowTargets, numClasses)), 1);
    });
    out.set((await scores.data()) as Float32Array, start * n);
    scores.dispose();
    if (k === wanted) chunks?.record(k * n, performance.now() - started);
    start += k;
  }
  return out;
}
