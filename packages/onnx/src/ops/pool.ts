import { InterpError } from '@interp/core/base';
import * as tf from '@tensorflow/tfjs-core';
import { spatialPads } from './conv-padding.js';
import { nchw, nhwc } from './layout.js';
import { alsoOneDimensional } from './one-dimensional.js';
import type { OpContext, OpKernel, Value } from './op-types.js';

type Pair = [number, number];
type Padding4 = [[number, number], [number, number], [number, number], [number, number]];

function image(ctx: OpContext): Value {
  const v = ctx.inputs[0] as Value;
  if (v.tensor.rank !== 4) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${ctx.node.name}: ${ctx.node.opType} on a ${v.tensor.rank}-D input is not supported (only 2-D images, N x C x H x W)`,
    );
  }
  return v;
}

/**
 * Pads of a pooling window: the node's own, plus the extra end padding ceil_mode needs. A window
 * that would start past the input and its begin padding is dropped, as ONNX and PyTorch do.
 */
function poolGeometry(ctx: OpContext, x: tf.Tensor) {
  const a = ctx.node.attrs;
  const kernel = a.ints('kernel_shape', [1, 1]) as Pair;
  const strides = a.ints('strides', [1, 1]) as Pair;
  const dilations = a.ints('dilations', [1, 1]);
  if (dilations.some((d) => d !== 1)) a.unsupported('dilations', dilations);
  if (ctx.node.outputs.length > 1 && ctx.node.outputs[1]) a.unsupported('Indices output', true);
  const inSizes = [x.shape[1]!, x.shape[2]!];
  const pads = spatialPads(a, inSizes, kernel, strides, [1, 1]);
  const ceil = a.int('ceil_mode', 0) === 1;
  const extra = [0, 1].map((i) => {
    const span = inSizes[i]! + pads.begin[i]! + pads.end[i]! - kernel[i]!;
    let out = (ceil ? Math.ceil(span / strides[i]!) : Math.floor(span / strides[i]!)) + 1;
    if (ceil && (out - 1) * strides[i]! >= inSizes[i]! + pads.begin[i]!) out--;
    return Math.max(
      0,
      (out - 1) * strides[i]! + kernel[i]! - (inSizes[i]! + pads.begin[i]! + pads.end[i]!),
    );
  });
  return { kernel, strides, pads, extra };
}

function padding(begin: number[], end: number[]): 'valid' | Padding4 {
  if (begin.every((p) => p === 0) && end.every((p) => p === 0)) return 'valid';
  return [
    [0, 0],
    [begin[0]!, end[0]!],
    [begin[1]!, end[1]!],
    [0, 0],
  ];
}

/** tfjs pooling ignores padded cells: the max of the rest, the mean of the rest. */
const maxPool: OpKernel = (ctx) => {
  const x = nhwc(image(ctx)) as tf.Tensor4D;
  const { kernel, strides, pads, extra } = poolGeometry(ctx, x);
  const end = pads.end.map((p, i) => p + extra[i]!);
  return { tensor: tf.maxPool(x, kernel, strides, padding(pads.begin, end)), nhwc: true };
};

/** count_include_pad counts the node's own pads (as zeros) but never the ceil_mode overhang. */
const averagePool: OpKernel = (ctx) => {
  let x = nhwc(image(ctx)) as tf.Tensor4D;
  const { kernel, strides, pads, extra } = poolGeometry(ctx, x);
  if (ctx.node.attrs.int('count_include_pad', 0) === 1) {
    x = tf.pad(x, [
      [0, 0],
      [pads.begin[0]!, pads.end[0]!],
      [pads.begin[1]!, pads.end[1]!],
      [0, 0],
    ]);
    return { tensor: tf.avgPool(x, kernel, strides, padding([0, 0], extra)), nhwc: true };
  }
  const end = pads.end.map((p, i) => p + extra[i]!);
  return { tensor: tf.avgPool(x, kernel, strides, padding(pads.begin, end)), nhwc: true };
};

function globalPool(reduce: (x: tf.Tensor, axes: number[]) => tf.Tensor): OpKernel {
  return (ctx) => {
    const v = ctx.inputs[0] as Value;
    if (v.nhwc) return { tensor: reduce(v.tensor, [1, 2]), nhwc: true };
    const x = nchw(v);
    const axes = Array.from({ length: x.rank - 2 }, (_, i) => i + 2);
    return { tensor: reduce(x, axes) };
  };
}

/** Pooling. */
export const poolOps: Record<string, OpKernel> = {
  MaxPool: alsoOneDimensional(maxPool),
  AveragePool: alsoOneDimensional(averagePool),
  GlobalAveragePool: globalPool((x, axes) => tf.mean(x, axes, true)),
  GlobalMaxPool: globalPool((x, axes) => tf.max(x, axes, true)),
};
