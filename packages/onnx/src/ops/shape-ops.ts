import { InterpError } from '@interp/core/base';
import * as tf from '@tensorflow/tfjs-core';
import { type HostTensor, hostTensorOf } from '../host-tensor.js';
import { positiveAxis } from './layout.js';
import type { OpContext, OpKernel, Value } from './op-types.js';

/** A constant value: a tensor plus its host copy, so shape arithmetic never reads the backend. */
export function constantValue(host: HostTensor): Value {
  return { tensor: tf.tensor(host.data, host.shape, host.dtype), host };
}

/** Axes given as an attribute before `inputFrom` (opset 13 for Squeeze/Unsqueeze), as input 1 after. */
function axesOf(ctx: OpContext, inputFrom: number): number[] | undefined {
  return ctx.opset >= inputFrom ? ctx.ints(1) : ctx.node.attrs.ints('axes');
}

const reshape: OpKernel = (ctx) => {
  const x = ctx.input(0);
  const target = ctx.ints(1) ?? [];
  const allowZero = ctx.node.attrs.int('allowzero', 0) === 1;
  const shape = target.map((d, i) => (d === 0 && !allowZero ? x.shape[i]! : d));
  const known = shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const inferred = shape.map((d) => (d === -1 ? x.size / known : d));
  if (
    inferred.reduce((a, b) => a * b, 1) !== x.size ||
    inferred.some((d) => !Number.isInteger(d))
  ) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${ctx.node.name}: cannot reshape [${x.shape.join(', ')}] to [${target.join(', ')}]; check the input shape the model expects`,
    );
  }
  return { tensor: tf.reshape(x, inferred) };
};

const flatten: OpKernel = (ctx) => {
  const v = ctx.inputs[0] as Value;
  const rank = v.tensor.rank;
  const axis = positiveAxis(ctx.node.attrs.int('axis', 1), rank);
  // N x 1 x 1 x C held NHWC flattens to the same order as N x C x 1 x 1: no transpose needed.
  const direct = v.nhwc && axis === 1 && v.tensor.shape[1] === 1 && v.tensor.shape[2] === 1;
  const x = direct ? v.tensor : ctx.input(0);
  const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  return { tensor: tf.reshape(x, [outer, x.size / Math.max(outer, 1)]) };
};

const transpose: OpKernel = (ctx) => {
  const x = ctx.input(0);
  const perm =
    ctx.node.attrs.ints('perm') ?? Array.from({ length: x.rank }, (_, i) => x.rank - 1 - i);
  return { tensor: tf.transpose(x, perm) };
};

const squeeze: OpKernel = (ctx) => {
  const x = ctx.input(0);
  const axes = axesOf(ctx, 13)?.map((a) => positiveAxis(a, x.rank));
  return { tensor: tf.squeeze(x, axes && axes.length > 0 ? axes : undefined) };
};

const unsqueeze: OpKernel = (ctx) => {
  const x = ctx.input(0);
  const axes = axesOf(ctx, 13) ?? [];
  const rank = x.rank + axes.length;
  const sorted = axes.map((a) => positiveAxis(a, rank)).sort((a, b) => a - b);
  const shape = [...x.shape];
  for (const a of sorted) shape.splice(a, 0, 1);
  return { tensor: tf.reshape(x, shape) };
};

/** Shape (with opset 15's start and end) is known on the host: no backend read downstream. */
const shape: OpKernel = (ctx) => {
  const v = ctx.inputs[0] as Value;
  const s = v.tensor.shape;
  const dims = v.nhwc ? [s[0]!, s[3]!, s[1]!, s[2]!] : s;
  const rank = dims.length;
  const clampAxis = (a: number) => Math.min(rank, Math.max(0, positiveAxis(a, rank)));
  const start = clampAxis(ctx.node.attrs.int('start', 0));
  const end = clampAxis(ctx.node.attrs.int('end', rank));
  const data = Int32Array.from(dims.slice(start, end));
  return constantValue({ dtype: 'int32', shape: [data.length], data });
};

const constant: OpKernel = (ctx) => {
  const a = ctx.node.attrs;
  const t = a.tensor('value');
  if (t) return constantValue(hostTensorOf(t));
  const f = a.floats('value_floats');
  if (f) return constantValue({ dtype: 'float32', shape: [f.length], data: Float32Array.from(f) });
  const i = a.ints('value_ints');
  if (i) return constantValue({ dtype: 'int32', shape: [i.length], data: Int32Array.from(i) });
  if (a.has('value_float')) {
    return constantValue({
      dtype: 'float32',
      shape: [],
      data: Float32Array.of(a.float('value_float', 0)),
    });
  }
  if (a.has('value_int')) {
    return constantValue({ dtype: 'int32', shape: [], data: Int32Array.of(a.int('value_int', 0)) });
  }
  return a.unsupported('value', 'sparse or string constant');
};

const constantOfShape: OpKernel = (ctx) => {
  const dims = ctx.ints(0) ?? [];
  const t = ctx.node.attrs.tensor('value');
  const value = t
    ? hostTensorOf(t)
    : { dtype: 'float32' as const, shape: [1], data: Float32Array.of(0) };
  return { tensor: tf.fill(dims, value.data[0] ?? 0, value.dtype) };
};

/** Ops that only move data around or describe shapes. */
export const shapeOps: Record<string, OpKernel> = {
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Shape: shape,
  Constant: constant,
  ConstantOfShape: constantOfShape,
};
