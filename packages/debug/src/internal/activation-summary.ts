import * as tf from '@tensorflow/tfjs-core';

/** fastai's ActivationStats constants: `(x <= 0.05)` counts as near zero; `histc(40, 0, 10)`. */
export const NEAR_ZERO = 0.05;
export const HIST_BINS = 40;
export const HIST_MIN = 0;
export const HIST_MAX = 10;

// On tfjs's wasm backend, comparisons and logical ops (bool tensors) cost several times an
// arithmetic op over the same values, so everything below is arithmetic, one pass per op.

/**
 * One layer output summarized on the device: `[mean, std, nearZero]`, then with `withHist` the 40
 * counts of `torch.histc(x, 40, 0, 10)`. `std` is the sample std (n - 1), as torch's `std()`.
 * An output holding NaN gets NaN mean, std and near-zero fraction (its histogram skips the NaN).
 * The caller disposes the result.
 */
export function activationSummary(output: tf.Tensor, withHist: boolean): tf.Tensor1D {
  return tf.tidy(() => {
    const flat = tf.reshape(output.dtype === 'float32' ? output : tf.cast(output, 'float32'), [-1]);
    const n = flat.size;
    const mean = tf.mean(flat);
    // Bessel's correction; n = 1 gives NaN, as torch does.
    const std = tf.sqrt(tf.div(tf.sum(tf.squaredDifference(flat, mean)), n - 1));
    // step(x - 0.05) is 1 exactly where x > 0.05, so x == 0.05 counts as near zero.
    const nearZero = tf.sub(1, tf.div(tf.sum(tf.step(tf.sub(flat, NEAR_ZERO))), n));
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
 * [k/4, (k+1)/4), the last bin also 10 itself; values outside [0, 10], infinities and NaN are
 * not counted.
 *
 * With v = 4x (exact), `floor(v) + ceil(v)` is 2k when v is the integer k and 2k + 1 when v lies
 * strictly between k and k + 1, so one bincount tells the edge 10 (v = 40) apart from (10, 10.25).
 * Everything below 0 (and NaN, which casts to 0) lands in slot 0 after the shift and is dropped.
 */
export function histc(flat: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const scale = HIST_BINS / (HIST_MAX - HIST_MIN);
    const v = HIST_MIN === 0 ? tf.mul(flat, scale) : tf.mul(tf.sub(flat, HIST_MIN), scale);
    const g = tf.add(tf.floor(v), tf.ceil(v));
    const slots = 2 * HIST_BINS + 3;
    const s = tf.cast(tf.add(tf.clipByValue(g, -1, slots - 1), 1), 'int32') as tf.Tensor1D;
    const c = tf.bincount(s, tf.tensor1d([], 'float32'), slots);
    // Slots 2k + 1 and 2k + 2 (v = k and v in (k, k + 1)) make bin k; slot 81 (x = 10) joins bin 39.
    const pairs = tf.sum(tf.reshape(tf.slice(c, [1], [2 * HIST_BINS]), [HIST_BINS, 2]), 1);
    const edge = tf.slice(c, [2 * HIST_BINS + 1], [1]);
    return tf.add(pairs, tf.pad(edge, [[HIST_BINS - 1, 0]])) as tf.Tensor1D;
  });
}
