import * as tf from '@tensorflow/tfjs-core';
import { tfDtypeOf } from '../host-tensor.js';
import { relu6 } from './activation-grads.js';
import type { OpContext, OpKernel, Value } from './op-types.js';

/** Element-wise ops keep the input's storage layout: they do not care about axes. */
function elementwise(fn: (x: tf.Tensor, ctx: OpContext) => tf.Tensor): OpKernel {
  return (ctx) => {
    const x = ctx.inputs[0] as Value;
    return { tensor: fn(x.tensor, ctx), nhwc: x.nhwc };
  };
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_GAMMA = 1.0507009873554805;

/**
 * Clip's bounds: attributes before opset 11, optional inputs from 11 on.
 *
 * @example
 * ```ts
 * const [lo, hi] = clipBounds(ctx); // [0, 6] for torch's ReLU6
 * ```
 */
export function clipBounds(ctx: OpContext): [number, number] {
  const lo =
    ctx.opset < 11 ? ctx.node.attrs.float('min', -Infinity) : (ctx.floats(1)?.[0] ?? -Infinity);
  const hi =
    ctx.opset < 11 ? ctx.node.attrs.float('max', Infinity) : (ctx.floats(2)?.[0] ?? Infinity);
  return [lo, hi];
}

function clip(x: tf.Tensor, ctx: OpContext): tf.Tensor {
  const [lo, hi] = clipBounds(ctx);
  if (lo === 0 && hi === 6) return relu6(x);
  if (lo === 0 && hi === Infinity) return tf.relu(x);
  return tf.clipByValue(x, Math.max(lo, -3.4e38), Math.min(hi, 3.4e38));
}

/** Unary activations and math ops (ONNX defaults for their attributes). */
export const unaryOps: Record<string, OpKernel> = {
  Identity: elementwise((x) => tf.clone(x)),
  Sqrt: elementwise((x) => tf.sqrt(x)),
  Exp: elementwise((x) => tf.exp(x)),
  Log: elementwise((x) => tf.log(x)),
  Neg: elementwise((x) => tf.neg(x)),
  Abs: elementwise((x) => tf.abs(x)),
  Erf: elementwise((x) => tf.erf(x)),
  Relu: elementwise((x) => tf.relu(x)),
  Sigmoid: elementwise((x) => tf.sigmoid(x)),
  Tanh: elementwise((x) => tf.tanh(x)),
  Softplus: elementwise((x) => tf.softplus(x)),
  LeakyRelu: elementwise((x, c) => tf.leakyRelu(x, c.node.attrs.float('alpha', 0.01))),
  Elu: elementwise((x, c) => {
    const alpha = c.node.attrs.float('alpha', 1);
    return alpha === 1
      ? tf.elu(x)
      : tf.where(tf.greater(x, 0), x, tf.mul(alpha, tf.sub(tf.exp(x), 1)));
  }),
  Selu: elementwise((x, c) => {
    const alpha = c.node.attrs.float('alpha', SELU_ALPHA);
    const gamma = c.node.attrs.float('gamma', SELU_GAMMA);
    const neg = tf.mul(alpha, tf.sub(tf.exp(tf.minimum(x, 0)), 1));
    return tf.mul(gamma, tf.where(tf.greater(x, 0), x, neg));
  }),
  HardSigmoid: elementwise((x, c) => {
    const alpha = c.node.attrs.float('alpha', 0.2);
    const beta = c.node.attrs.float('beta', 0.5);
    return tf.clipByValue(tf.add(tf.mul(x, alpha), beta), 0, 1);
  }),
  HardSwish: elementwise((x) => tf.mul(x, tf.clipByValue(tf.add(tf.div(x, 6), 0.5), 0, 1))),
  Clip: elementwise(clip),
  Cast: elementwise((x, c) => {
    const to = c.node.attrs.int('to', 1);
    const dtype = tfDtypeOf(to) ?? c.node.attrs.unsupported('to', to);
    return x.dtype === dtype ? tf.clone(x) : tf.cast(x, dtype);
  }),
  // Inference: Dropout is the identity (its optional mask output is all true).
  Dropout: (ctx) => {
    const x = ctx.inputs[0] as Value;
    const out: Value[] = [{ tensor: tf.clone(x.tensor), nhwc: x.nhwc }];
    if (ctx.node.outputs.length > 1 && ctx.node.outputs[1])
      out.push({ tensor: tf.cast(tf.onesLike(x.tensor), 'bool'), nhwc: x.nhwc });
    return out;
  },
};
