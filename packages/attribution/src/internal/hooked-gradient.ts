import type { NodeHook } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { asScoreMatrix, type ResolvedModel } from './resolve-model.js';

/**
 * d(sum_r mask[r, :] . f(x)[r, :]) / dx with `hooks` on the graph's nodes (the gradient rules of
 * DeepLift, guided backprop, deconvolution). With `reference` ([N, ...] like x) the model runs on
 * the paired batch [x; reference], as Captum's DeepLift does, so the hooks see each input beside
 * its reference; like Captum, the score is the target scores of both halves (the reference rows'
 * gradient reaches x only through the rules that mix the halves: max pool, softmax).
 *
 * @example
 * ```ts
 * const g = hookedGradient(m, x, targetMask(targets, c), deepLiftHooks(m.graph, where), where, ref);
 * ```
 */
export function hookedGradient(
  model: ResolvedModel,
  x: tf.Tensor,
  mask: tf.Tensor2D,
  hooks: Readonly<Record<string, NodeHook>>,
  where: string,
  reference?: tf.Tensor,
): tf.Tensor {
  const n = x.shape[0]!;
  return tf.grad((z: tf.Tensor) => {
    const batch = reference === undefined ? z : tf.concat([z, reference], 0);
    const { output } = model.graph.run(batch, { hooks });
    if (reference === undefined) return tf.sum(tf.mul(asScoreMatrix(output, n, where), mask));
    return tf.sum(tf.mul(asScoreMatrix(output, 2 * n, where), tf.concat([mask, mask], 0)));
  })(x);
}

/**
 * Each item's target score f(x)[r, target[r]] as an [N] tensor (for convergence deltas).
 */
export function targetScores(
  model: ResolvedModel,
  x: tf.Tensor,
  mask: tf.Tensor2D,
  where: string,
): tf.Tensor1D {
  return tf.tidy(() =>
    tf.sum(tf.mul(asScoreMatrix(model.forward(x), x.shape[0]!, where), mask), 1),
  );
}
