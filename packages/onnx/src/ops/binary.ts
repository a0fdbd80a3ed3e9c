import * as tf from '@tensorflow/tfjs-core';
import { TO_NHWC } from './layout.js';
import type { OpContext, OpKernel, Value } from './op-types.js';

/**
 * Brings a broadcasting operand to the NHWC storage of its partner: right-align it to rank 4 as
 * numpy does, then move the channel axis last. Constants (a bias of shape [C, 1, 1]) are converted
 * once and kept.
 */
function asNhwc(v: Value, i: number, ctx: OpContext): tf.Tensor {
  if (v.nhwc) return v.tensor;
  const convert = () => {
    const t = v.tensor;
    if (t.rank === 0) return tf.clone(t);
    const shape = [...new Array(4 - t.rank).fill(1), ...t.shape];
    return tf.transpose(tf.reshape(t, shape), TO_NHWC);
  };
  return ctx.isConstant(i) ? ctx.memo(`nhwc${i}`, convert) : convert();
}

/** A broadcasting binary op that runs in NHWC when an operand is held NHWC and the other fits. */
function binary(fn: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): OpKernel {
  return (ctx) => {
    const a = ctx.inputs[0] as Value;
    const b = ctx.inputs[1] as Value;
    if ((a.nhwc || b.nhwc) && a.tensor.rank <= 4 && b.tensor.rank <= 4) {
      return { tensor: fn(asNhwc(a, 0, ctx), asNhwc(b, 1, ctx)), nhwc: true };
    }
    return { tensor: fn(ctx.input(0), ctx.input(1)) };
  };
}

/** Broadcasting arithmetic and comparisons (numpy rules, as ONNX). */
export const binaryOps: Record<string, OpKernel> = {
  Add: binary((a, b) => tf.add(a, b)),
  Sub: binary((a, b) => tf.sub(a, b)),
  Mul: binary((a, b) => tf.mul(a, b)),
  Div: binary((a, b) => tf.div(a, b)),
  Pow: binary((a, b) => tf.pow(a, b)),
  Equal: binary((a, b) => tf.equal(a, b)),
  Greater: binary((a, b) => tf.greater(a, b)),
  Less: binary((a, b) => tf.less(a, b)),
  Where: (ctx) => ({ tensor: tf.where(ctx.input(0), ctx.input(1), ctx.input(2)) }),
};
