import * as tf from '@tensorflow/tfjs-core';

/** fastai's ActivationStats constants: `(x <= 0.05)` counts as near zero; `histc(40, 0, 10)`. */
export const NEAR_ZERO = 0.05;
export const HIST_BINS = 40;
export const HIST_MIN = 0;
export const HIST_MAX = 10;

/**
 * One layer output summarized on the device: `[mean, std, nearZero]`, then with `withHist` the 40
 * counts of `torch.histc(x, 40, 0, 10)`. `std` is the sample std (n - 1), as torch's `std()`;
 * histc ignores values outside [0, 10] and NaN, and counts 10 itself in the last bin. The caller
 * disposes the result.
 */
export function activationSummary(output: tf.Tensor, withHist: boolean): tf.Tensor1D {
  return tf.tidy(() => {
    const flat = tf.reshape(output.dtype === 'float32' ? output : tf.cast(output, 'float32'), [-1]);
    const n = flat.size;
    const mean = tf.mean(flat);
    // Bessel's correction; n = 1 gives NaN, as torch does. squaredDifference is one pass.
    const std = tf.sqrt(tf.div(tf.sum(tf.squaredDifference(flat, mean)), n - 1));
    const nearZero = tf.mean(tf.cast(tf.lessEqual(flat, NEAR_ZERO), 'float32'));
    const parts: tf.Tensor[] = [
      tf.reshape(mean, [1]),
      tf.reshape(std, [1]),
      tf.reshape(nearZero, [1]),
    ];
    if (withHist) parts.push(histc(flat));
    return tf.concat(parts) as tf.Tensor1D;
  });
}

/**
 * `torch.histc(x, 40, 0, 10)` of a flat float32 tensor as float32 counts: bin k holds
 * [k/4, (k+1)/4), the last bin also 10. The edges are multiples of 1/4, so `floor(4x)` is exact.
 */
export function histc(flat: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const scale = HIST_BINS / (HIST_MAX - HIST_MIN);
    const inRange = tf.logicalAnd(tf.greaterEqual(flat, HIST_MIN), tf.lessEqual(flat, HIST_MAX));
    const bin = tf.cast(
      tf.minimum(tf.floor(tf.mul(tf.sub(flat, HIST_MIN), scale)), HIST_BINS - 1),
      'int32',
    );
    // Out-of-range values go to bin 40, which bincount (size 40) ignores.
    const idx = tf.where(inRange, bin, tf.fill(bin.shape, HIST_BINS, 'int32')) as tf.Tensor1D;
    return tf.bincount(idx, tf.tensor1d([], 'float32'), HIST_BINS);
  });
}
