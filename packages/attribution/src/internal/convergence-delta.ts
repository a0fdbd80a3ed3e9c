import * as tf from '@tensorflow/tfjs-core';
import { targetScores } from './hooked-gradient.js';
import type { ResolvedModel } from './resolve-model.js';

/**
 * Captum's convergence delta: for each row, the sum of its attributions minus
 * (f(x)[t] - f(reference)[t]). `reference` broadcasts against x; the result is [rows].
 *
 * @example
 * ```ts
 * const delta = convergenceDelta(m, x, ref, attributions, targetMask(targets, c), where);
 * ```
 */
export function convergenceDelta(
  model: ResolvedModel,
  x: tf.Tensor,
  reference: tf.Tensor,
  attributions: tf.Tensor,
  mask: tf.Tensor2D,
  where: string,
): tf.Tensor1D {
  return tf.tidy(() => {
    const n = x.shape[0]!;
    const ref = tf.broadcastTo(reference, x.shape);
    const total = tf.sum(tf.reshape(attributions, [n, -1]), 1);
    const change = tf.sub(
      targetScores(model, x, mask, where),
      targetScores(model, ref, mask, where),
    );
    return tf.sub(total, change) as tf.Tensor1D;
  });
}
