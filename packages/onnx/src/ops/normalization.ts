import * as tf from '@tensorflow/tfjs-core';
import { positiveAxis } from './layout.js';
import type { OpContext, OpKernel, Value } from './op-types.js';

/** Shape that puts a per-channel vector on the channel axis of `x` (last when held NHWC). */
function channelShape(v: Value, channels: number): number[] {
  if (v.nhwc) return [channels];
  return [channels, ...new Array(Math.max(0, v.tensor.rank - 2)).fill(1)];
}

/** Inference BatchNormalization as one scale and one shift per channel, folded once from constants. */
const batchNormalization: OpKernel = (ctx) => {
  const v = ctx.inputs[0] as Value;
  const eps = ctx.node.attrs.float('epsilon', 1e-5);
  const make = () =>
    tf.tidy(() => {
      const scale = tf.div(ctx.input(1), tf.sqrt(tf.add(ctx.input(4), eps)));
      const shift = tf.sub(ctx.input(2), tf.mul(ctx.input(3), scale));
      const shape = channelShape(v, scale.shape[0]!);
      return tf.stack([tf.reshape(scale, shape), tf.reshape(shift, shape)]);
    });
  const constant = [1, 2, 3, 4].every((i) => ctx.isConstant(i));
  const both = constant ? ctx.memo(v.nhwc ? 'bn-nhwc' : `bn-${v.tensor.rank}`, make) : make();
  const [scale, shift] = tf.unstack(both);
  return { tensor: tf.add(tf.mul(v.tensor, scale!), shift!), nhwc: v.nhwc };
};

function normalize(x: tf.Tensor, axes: number[], eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, axes, true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
}

const instanceNormalization: OpKernel = (ctx: OpContext) => {
  const v = ctx.inputs[0] as Value;
  const eps = ctx.node.attrs.float('epsilon', 1e-5);
  const x = v.tensor;
  const axes = v.nhwc ? [1, 2] : Array.from({ length: x.rank - 2 }, (_, i) => i + 2);
  const shape = channelShape(v, x.shape[v.nhwc ? 3 : 1]!);
  const y = tf.add(
    tf.mul(normalize(x, axes, eps), tf.reshape(ctx.input(1), shape)),
    tf.reshape(ctx.input(2), shape),
  );
  return { tensor: y, nhwc: v.nhwc };
};

/** LayerNormalization (opset 17): normalizes over the axes from `axis` to the last. */
const layerNormalization: OpKernel = (ctx) => {
  const x = ctx.input(0);
  const axis = positiveAxis(ctx.node.attrs.int('axis', -1), x.rank);
  const eps = ctx.node.attrs.float('epsilon', 1e-5);
  const axes = Array.from({ length: x.rank - axis }, (_, i) => axis + i);
  let y = tf.mul(normalize(x, axes, eps), ctx.input(1));
  if (ctx.inputs[2]) y = tf.add(y, ctx.input(2));
  return { tensor: y };
};

/** Normalization layers. */
export const normalizationOps: Record<string, OpKernel> = {
  BatchNormalization: batchNormalization,
  InstanceNormalization: instanceNormalization,
  LayerNormalization: layerNormalization,
};
