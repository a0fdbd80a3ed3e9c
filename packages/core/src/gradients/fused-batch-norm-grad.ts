import * as tf from '@tensorflow/tfjs-core';

/**
 * The names of the inputs the gradient reads, whose `map` drops absent ones. tfjs saves
 * `inputsToSave.map((name) => inputs[name])` and clones each: an absent `scale`
 * (BatchNormalization with `scale: false`) makes tfjs-core 4.22's own config crash with
 * "Cannot read properties of undefined (reading 'dtype')". x, mean and variance are always
 * present, so the gradient knows `scale` was given exactly when four tensors were saved.
 */
function presentInputs(names: string[]): string[] {
  Object.defineProperty(names, 'map', {
    value<U>(this: string[], fn: (name: string, i: number, all: string[]) => U): U[] {
      return Array.prototype.map.call(this, fn).filter((t) => t != null) as U[];
    },
  });
  return Object.freeze(names) as string[];
}

/** Sums `t` down to `shape` over the axes where `shape` was broadcast (none when equal). */
function sumTo(t: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, t.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, shape);
}

/**
 * Gradient of `FusedBatchNorm` (what `tf.batchNorm` and tfjs-layers' BatchNormalization run).
 * Replaces tfjs-core 4.22's, which tiles `1/sqrt(var + eps)` to the input's full size before
 * multiplying (most of a MobileNetV2 saliency pass went to `Tile`) and crashes when `scale` is
 * absent. Here the per-channel factor broadcasts in the multiply, and each input's gradient is
 * computed only when the tape asks for it (the thunks), so an input gradient pays one multiply.
 *
 * @example
 * ```ts
 * tf.registerGradient(fusedBatchNormGradConfig);
 * tf.grad((x) => tf.sum(tf.batchNorm(x, mean, variance)))(x); // no Tile, no crash without scale
 * ```
 */
export const fusedBatchNormGradConfig: tf.GradConfig = {
  kernelName: tf.FusedBatchNorm,
  inputsToSave: presentInputs(['x', 'mean', 'variance', 'scale']),
  gradFunc: (dy, saved, attrs) => {
    const dyT = dy as tf.Tensor;
    const [x, mean, variance, scale] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor?];
    const eps = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
    // 1/sqrt(var + eps), times scale when present: the whole derivative of y with respect to x.
    const inv = () => tf.rsqrt(tf.add(variance, tf.scalar(eps)));
    const factor = () => (scale === undefined ? inv() : tf.mul(inv(), scale));
    return {
      x: () => tf.mul(dyT, factor()),
      mean: () => tf.neg(sumTo(tf.mul(dyT, factor()), mean.shape)),
      variance: () => {
        const r = inv();
        const r3 = tf.mul(tf.mul(r, r), r);
        const s = scale === undefined ? r3 : tf.mul(r3, scale);
        return sumTo(tf.mul(tf.mul(dyT, tf.sub(x, mean)), tf.mul(s, tf.scalar(-0.5))), mean.shape);
      },
      scale: () => sumTo(tf.mul(tf.mul(dyT, tf.sub(x, mean)), inv()), mean.shape),
      offset: () => sumTo(dyT, mean.shape),
    };
  },
};
