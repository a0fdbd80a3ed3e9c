import { activationBackward } from '@interp/core/backward';
import * as tf from '@tensorflow/tfjs-core';

/**
 * relu6 whose gradient is core's ReLU6 mask read off its output (`activationBackward`: one fused
 * SIMD pass on wasm, where tfjs's own relu6 gradient runs lessEqual, a bool cast and more), as
 * core's own backward and the tape-free ONNX backward apply it.
 *
 * @example
 * ```ts
 * const y = relu6(x); // as tf.relu6(x), cheaper to differentiate on WASM
 * ```
 */
export function relu6(x: tf.Tensor): tf.Tensor {
  const op = tf.customGrad((input, save) => {
    const y = tf.relu6(input as tf.Tensor);
    (save as tf.GradSaveFunc)([y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => activationBackward('relu6', dy, saved[0]!),
    };
  });
  return op(x);
}
