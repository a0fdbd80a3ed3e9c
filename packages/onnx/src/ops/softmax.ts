import * as tf from '@tensorflow/tfjs-core';
import { positiveAxis } from './layout.js';
import type { OpKernel } from './op-types.js';

/**
 * Before opset 13 Softmax flattens the input to 2-D at `axis` (default 1) and normalizes each row;
 * from 13 on it normalizes along `axis` alone (default -1).
 */
function softmaxLike(fn: (x: tf.Tensor) => tf.Tensor): OpKernel {
  return (ctx) => {
    const x = ctx.input(0);
    if (ctx.opset < 13) {
      const axis = positiveAxis(ctx.node.attrs.int('axis', 1), x.rank);
      const rows = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
      return { tensor: tf.reshape(fn(tf.reshape(x, [rows, -1])), x.shape) };
    }
    const axis = positiveAxis(ctx.node.attrs.int('axis', -1), x.rank);
    if (axis === x.rank - 1) return { tensor: fn(x) };
    const perm = Array.from({ length: x.rank }, (_, i) => i);
    perm[axis] = x.rank - 1;
    perm[x.rank - 1] = axis;
    return { tensor: tf.transpose(fn(tf.transpose(x, perm)), perm) };
  };
}

/** Softmax and LogSoftmax. */
export const softmaxOps: Record<string, OpKernel> = {
  Softmax: softmaxLike((x) => tf.softmax(x)),
  LogSoftmax: softmaxLike((x) => tf.logSoftmax(x)),
};
