import * as tf from '@tensorflow/tfjs-core';
import type { FusedActivation } from './op-types.js';

/**
 * dy masked by the derivative of the activation, read off its output y: relu passes where y > 0,
 * relu6 where 0 < y < 6. Built from `step`, a unary kernel: tfjs's own relu6 gradient goes through
 * lessEqual and a bool cast, about three times slower on WASM.
 */
export function activationGrad(
  dy: tf.Tensor,
  y: tf.Tensor,
  activation: FusedActivation | 'linear',
): tf.Tensor {
  if (activation === 'relu') return tf.mul(dy, tf.step(y));
  if (activation === 'relu6') return tf.mul(dy, tf.mul(tf.step(y), tf.step(tf.sub(6, y))));
  return dy;
}

/**
 * relu6 with the step-based gradient of {@link activationGrad}.
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
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => activationGrad(dy, saved[0]!, 'relu6'),
    };
  });
  return op(x);
}
