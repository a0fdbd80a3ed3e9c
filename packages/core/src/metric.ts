import * as tf from '@tensorflow/tfjs-core';

/**
 * A validation metric: a scalar from the whole validation set's activated predictions and
 * targets, computed once per epoch. It is reported under `metricName`, else its function name
 * (give custom metrics a `metricName`: minifiers rename functions).
 */
export type Metric = ((probs: tf.Tensor, targs: tf.Tensor) => tf.Scalar) & { metricName?: string };

/** The name a metric is reported under. */
export function metricName(m: Metric): string {
  return m.metricName ?? m.name;
}

/**
 * Fraction of items whose argmax class equals the target (ties go to the lower class index).
 * Targets are class indices, or one-hot rows.
 *
 * @example
 * ```ts
 * const learn = Learner.fromLayersModel(model, { dls, metrics: [accuracy] });
 * ```
 */
export const accuracy: Metric = Object.assign(
  (probs: tf.Tensor, targs: tf.Tensor): tf.Scalar =>
    tf.tidy(() => {
      const pred = tf.argMax(probs, -1);
      const t = targs.rank === probs.rank ? tf.argMax(targs, -1) : tf.cast(targs, 'int32');
      return tf.mean(tf.cast(tf.equal(pred, t), 'float32')) as tf.Scalar;
    }),
  { metricName: 'accuracy' },
);
