import * as tf from '@tensorflow/tfjs-core';

/**
 * A validation metric: a scalar from the whole validation set's activated predictions and
 * targets, computed once per epoch. Its function name is the metric's name.
 */
export type Metric = (probs: tf.Tensor, targs: tf.Tensor) => tf.Scalar;

/**
 * Fraction of items whose argmax class equals the target (ties go to the lower class index).
 * Targets are class indices, or one-hot rows.
 *
 * @example
 * ```ts
 * const learn = Learner.fromLayersModel(model, { dls, metrics: [accuracy] });
 * ```
 */
export function accuracy(probs: tf.Tensor, targs: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const pred = tf.argMax(probs, -1);
    const t = targs.rank === probs.rank ? tf.argMax(targs, -1) : tf.cast(targs, 'int32');
    return tf.mean(tf.cast(tf.equal(pred, t), 'float32')) as tf.Scalar;
  });
}
