import * as tf from '@tensorflow/tfjs-core';

/**
 * For a batch [x; reference] of 2N rows (as DeepLift runs it), the per-row difference
 * (x - reference) repeated for both halves, shape of `t`: Captum's `_compute_diffs`.
 */
export function pairedDifference(t: tf.Tensor): tf.Tensor {
  const half = t.shape[0]! / 2;
  const [a, b] = tf.split(t, [half, half], 0);
  const d = tf.sub(a!, b!);
  return tf.concat([d, d], 0);
}

/** The first and second halves of a paired batch. */
export function halves(t: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const half = t.shape[0]! / 2;
  const [a, b] = tf.split(t, [half, half], 0);
  return [a!, b!];
}
