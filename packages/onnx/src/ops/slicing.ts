import { InterpError } from '@interp/core/base';
import * as tf from '@tensorflow/tfjs-core';
import { positiveAxis } from './layout.js';
import type { OpKernel, Value } from './op-types.js';

/** Concat along the channel axis of NHWC operands stays NHWC (the channel axis is last there). */
const concat: OpKernel = (ctx) => {
  const values = ctx.inputs.filter((v): v is Value => v !== undefined);
  const rank = values[0]!.tensor.rank;
  const axis = positiveAxis(ctx.node.attrs.int('axis', 0), rank);
  if (axis === 1 && values.every((v) => v.nhwc)) {
    return {
      tensor: tf.concat(
        values.map((v) => v.tensor),
        3,
      ),
      nhwc: true,
    };
  }
  const tensors = values.map((_, i) => ctx.input(ctx.inputs.indexOf(values[i]!)));
  return { tensor: tf.concat(tensors, axis) };
};

/** Split sizes: the `split` attribute before opset 13, input 1 from 13, else equal parts. */
const split: OpKernel = (ctx) => {
  const x = ctx.input(0);
  const axis = positiveAxis(ctx.node.attrs.int('axis', 0), x.rank);
  const sizes = ctx.opset >= 13 ? ctx.ints(1) : ctx.node.attrs.ints('split');
  const parts = sizes && sizes.length > 0 ? sizes : ctx.node.outputs.length;
  return tf.split(x, parts, axis).map((tensor) => ({ tensor }));
};

/**
 * Slice (starts, ends, axes, steps as inputs from opset 10, attributes before), clamped as ONNX
 * specifies; negative steps run on the reversed axis.
 */
const slice: OpKernel = (ctx) => {
  let x = ctx.input(0);
  const a = ctx.node.attrs;
  const starts = (ctx.opset >= 10 ? ctx.ints(1) : a.ints('starts')) ?? [];
  const ends = (ctx.opset >= 10 ? ctx.ints(2) : a.ints('ends')) ?? [];
  const axes = (ctx.opset >= 10 ? ctx.ints(3) : a.ints('axes')) ?? starts.map((_, i) => i);
  const steps = (ctx.opset >= 10 ? ctx.ints(4) : undefined) ?? starts.map(() => 1);
  const begin = new Array(x.rank).fill(0);
  const end = [...x.shape];
  const strides = new Array(x.rank).fill(1);
  const reversed: number[] = [];
  axes.forEach((rawAxis, i) => {
    const axis = positiveAxis(rawAxis, x.rank);
    const dim = x.shape[axis]!;
    const step = steps[i]!;
    if (step === 0) throw new InterpError('INVALID_ARGUMENT', `${ctx.node.name}: Slice step 0`);
    let s = starts[i]! < 0 ? starts[i]! + dim : starts[i]!;
    let e = ends[i]! < 0 ? ends[i]! + dim : ends[i]!;
    if (step > 0) {
      s = Math.min(Math.max(s, 0), dim);
      e = Math.min(Math.max(e, 0), dim);
    } else {
      s = Math.min(Math.max(s, 0), dim - 1);
      e = Math.min(Math.max(e, -1), dim - 1);
      reversed.push(axis);
      s = dim - 1 - s;
      e = dim - 1 - e;
    }
    begin[axis] = s;
    end[axis] = Math.max(e, s);
    strides[axis] = Math.abs(step);
  });
  if (reversed.length > 0) x = tf.reverse(x, reversed);
  if (strides.every((st) => st === 1)) {
    return {
      tensor: tf.slice(
        x,
        begin,
        end.map((e, i) => e - begin[i]!),
      ),
    };
  }
  return { tensor: tf.stridedSlice(x, begin, end, strides) };
};

/** Gather with negative indices counted from the end, as ONNX allows. */
const gather: OpKernel = (ctx) => {
  const x = ctx.input(0);
  const axis = positiveAxis(ctx.node.attrs.int('axis', 0), x.rank);
  const dim = x.shape[axis]!;
  const host = ctx.isConstant(1) ? ctx.ints(1) : undefined;
  let indices: tf.Tensor;
  if (host) {
    const shape = (ctx.inputs[1] as Value).tensor.shape;
    indices = tf.tensor(
      host.map((i) => (i < 0 ? i + dim : i)),
      shape,
      'int32',
    );
  } else {
    const raw = tf.cast(ctx.input(1), 'int32');
    indices = tf.where(tf.less(raw, 0), tf.add(raw, dim), raw);
  }
  return { tensor: tf.gather(x, indices, axis) };
};

/** Edge padding (tfjs has none): the first and last slice of each axis repeated. */
function edgePad(x: tf.Tensor, paddings: [number, number][]): tf.Tensor {
  let y = x;
  paddings.forEach(([before, after], axis) => {
    if (before === 0 && after === 0) return;
    const n = y.shape[axis]!;
    const reps = (k: number) => y.shape.map((_, i) => (i === axis ? k : 1));
    const edge = (at: number) =>
      tf.slice(
        y,
        y.shape.map((_, i) => (i === axis ? at : 0)),
        y.shape.map((d, i) => (i === axis ? 1 : d)),
      );
    const parts = [
      ...(before > 0 ? [tf.tile(edge(0), reps(before))] : []),
      y,
      ...(after > 0 ? [tf.tile(edge(n - 1), reps(after))] : []),
    ];
    y = tf.concat(parts, axis);
  });
  return y;
}

/** Pad (constant, reflect, edge); pads as an attribute before opset 11, as input 1 from 11. */
const pad: OpKernel = (ctx) => {
  const x = ctx.input(0);
  const a = ctx.node.attrs;
  const mode = a.string('mode', 'constant');
  const pads = (ctx.opset >= 11 ? ctx.ints(1) : a.ints('pads')) ?? [];
  const value = ctx.opset >= 11 ? (ctx.floats(2)?.[0] ?? 0) : a.float('value', 0);
  const r = x.rank;
  const paddings = Array.from(
    { length: r },
    (_, i) => [pads[i] ?? 0, pads[i + r] ?? 0] as [number, number],
  );
  if (paddings.some(([b, e]) => b < 0 || e < 0)) a.unsupported('pads', pads);
  if (mode === 'constant') return { tensor: tf.pad(x, paddings, value) };
  if (mode === 'reflect') return { tensor: tf.mirrorPad(x, paddings, 'reflect') };
  if (mode === 'edge') return { tensor: edgePad(x, paddings) };
  return a.unsupported('mode', mode);
};

/** Ops that cut tensors apart or put them together. */
export const slicingOps: Record<string, OpKernel> = {
  Concat: concat,
  Split: split,
  Slice: slice,
  Gather: gather,
  Pad: pad,
};
