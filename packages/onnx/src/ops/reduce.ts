import * as tf from '@tensorflow/tfjs-core';
import { nhwcAxis, positiveAxis } from './layout.js';
import type { OpContext, OpKernel, Value } from './op-types.js';

/**
 * The axes of a Reduce node: the `axes` attribute, or (ReduceSum from opset 13) the second input.
 * No axes means all axes, unless noop_with_empty_axes asks for the identity.
 */
function reduceAxes(ctx: OpContext, rank: number): number[] | 'noop' {
  const fromInput = ctx.node.opType === 'ReduceSum' && ctx.opset >= 13;
  const axes = fromInput ? ctx.ints(1) : ctx.node.attrs.ints('axes');
  if (axes === undefined || axes.length === 0) {
    if (ctx.node.attrs.int('noop_with_empty_axes', 0) === 1) return 'noop';
    return Array.from({ length: rank }, (_, i) => i);
  }
  return axes.map((a) => positiveAxis(a, rank));
}

function reduce(fn: (x: tf.Tensor, axes: number[], keep: boolean) => tf.Tensor): OpKernel {
  return (ctx) => {
    const v = ctx.inputs[0] as Value;
    const keep = ctx.node.attrs.int('keepdims', 1) === 1;
    const axes = reduceAxes(ctx, v.tensor.rank);
    if (axes === 'noop') return { tensor: tf.clone(v.tensor), nhwc: v.nhwc };
    // Kept dims leave the rank at 4, so an NHWC operand can stay NHWC.
    if (v.nhwc && keep) return { tensor: fn(v.tensor, axes.map(nhwcAxis), true), nhwc: true };
    return { tensor: fn(ctx.input(0), axes, keep) };
  };
}

/** Reductions. */
export const reduceOps: Record<string, OpKernel> = {
  ReduceMean: reduce((x, axes, keep) => tf.mean(x, axes, keep)),
  ReduceSum: reduce((x, axes, keep) => tf.sum(x, axes, keep)),
  ReduceMax: reduce((x, axes, keep) => tf.max(x, axes, keep)),
};
