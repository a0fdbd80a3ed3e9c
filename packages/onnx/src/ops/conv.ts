import {
  activationBackward,
  convInputGradient as coreConvInputGradient,
  markWeightData,
} from '@interp/core/backward';
import { InterpError } from '@interp/core/base';
import * as tf from '@tensorflow/tfjs-core';
import { hostHwioFilter } from '../host-conv-weights.js';
import { relu6 } from './activation-grads.js';
import { spatialPads, tfPadding } from './conv-padding.js';
import { nhwc, TO_NCHW } from './layout.js';
import { alsoOneDimensional } from './one-dimensional.js';
import type { FusedActivation, OpContext, OpKernel, Value } from './op-types.js';
import { recordingGradients } from './recording-gradients.js';

type Pair = [number, number];
type Shape4 = [number, number, number, number];

/** Strides, dilations and tfjs padding of a Conv node over an input of spatial `size`. */
export function convGeometry(ctx: OpContext, size: Pair, kernel: Pair) {
  const a = ctx.node.attrs;
  const strides = a.ints('strides', [1, 1]) as Pair;
  const dilations = a.ints('dilations', [1, 1]) as Pair;
  const pads = spatialPads(a, size, kernel, strides, dilations);
  if ((strides[0] > 1 || strides[1] > 1) && (dilations[0] > 1 || dilations[1] > 1)) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${ctx.node.name}: a convolution with both strides and dilations above 1 is not supported by tfjs`,
    );
  }
  return { strides, dilations, pad: tfPadding(pads) };
}

function requireImage(ctx: OpContext, v: Value): void {
  if (v.tensor.rank !== 4) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${ctx.node.name}: ${ctx.node.opType} on a ${v.tensor.rank}-D input is not supported (only 2-D images, N x C x H x W)`,
    );
  }
}

/** Conv: groups (depthwise when groups = input channels), dilations, pads, auto_pad, bias, fused ReLU/ReLU6. */
const conv: OpKernel = (ctx) => {
  const xv = ctx.inputs[0] as Value;
  requireImage(ctx, xv);
  const w = ctx.input(1);
  const [, cInPerGroup, kh, kw] = w.shape as Shape4;
  const group = ctx.node.attrs.int('group', 1);
  const x = nhwc(xv);
  const { strides, dilations, pad } = convGeometry(ctx, [x.shape[1]!, x.shape[2]!], [kh, kw]);
  const bias = ctx.inputs[2] ? ctx.input(2) : undefined;
  const activation = ctx.fuseActivation ?? 'linear';
  const keep = <T extends tf.Tensor>(key: string, make: () => T) =>
    ctx.isConstant(1) ? ctx.memo(key, make) : make();
  const cIn = x.shape[3]!;
  let y: tf.Tensor;
  // Forward passes use tfjs's fused convs. Under tf.grad those would also compute filter and bias
  // gradients (never needed: weights are constants) and have no relu6 gradient, so a conv there
  // is a fused conv with an input-only gradient (or plain ops, whose gradients tfjs prunes).
  const fused = !recordingGradients();
  if (group === 1) {
    const filter = hwioFilter(ctx, w);
    const x4 = x as tf.Tensor4D;
    if (fused) {
      const y = tf.fused.conv2d({
        x: x4,
        filter,
        strides,
        pad,
        dataFormat: 'NHWC',
        dilations,
        bias,
        activation,
      });
      return { tensor: y, nhwc: true };
    }
    if (dilations[0] === 1 && dilations[1] === 1) {
      return {
        tensor: convWithInputGradient(x4, filter, strides, pad, bias, activation),
        nhwc: true,
      };
    }
    y = tf.conv2d(x4, filter, strides, pad, 'NHWC', dilations);
  } else if (group === cIn && cInPerGroup === 1) {
    const filter = depthwiseFilter(ctx, w);
    // Depthwise convs take one pad for all sides; uneven pads are applied to the input.
    const even = pad === 'valid' || pad.flat().every((p, k) => k < 2 || k > 5 || p === pad[1][0]);
    const x4 = (even ? x : tf.pad(x, pad as [number, number][])) as tf.Tensor4D;
    const dwPad = even ? (pad === 'valid' ? 'valid' : pad[1][0]) : 'valid';
    if (fused) {
      const y = tf.fused.depthwiseConv2d({
        x: x4,
        filter,
        strides,
        pad: dwPad,
        dataFormat: 'NHWC',
        dilations,
        bias,
        activation,
      });
      return { tensor: y, nhwc: true };
    }
    y = tf.depthwiseConv2d(x4, filter, strides, dwPad, 'NHWC', dilations);
  } else {
    const filters = keep(
      'grouped',
      () => tf.stack(tf.split(tf.transpose(w, [2, 3, 1, 0]), group, 3)) as tf.Tensor5D,
    );
    const parts = tf.split(x, group, 3).map((xg, g) => {
      const filter = tf.squeeze(tf.slice(filters, [g], [1]), [0]) as tf.Tensor4D;
      return tf.conv2d(xg as tf.Tensor4D, filter, strides, pad, 'NHWC', dilations);
    });
    y = tf.concat(parts, 3);
  }
  if (bias) y = tf.add(y, bias);
  if (activation === 'relu') y = tf.relu(y);
  if (activation === 'relu6') y = relu6(y);
  return { tensor: y, nhwc: true };
};

/**
 * The filter tensor of a constant weight, made once per model (`ctx.memo`) and declared weight
 * data, so core's wasm backprop kernels keep the flipped and per-phase filters they derive from it;
 * made per call from a weight computed at run time.
 */
function weightFilter(ctx: OpContext, key: string, make: () => tf.Tensor4D): tf.Tensor4D {
  if (!ctx.isConstant(1)) return make();
  return ctx.memo(key, () => {
    const filter = make();
    markWeightData(filter.dataId);
    return filter;
  });
}

/**
 * The conv weight [Cout, Cin, kh, kw] as tfjs's HWIO filter (written straight from the host for a
 * weight the loader kept there).
 */
function hwioFilter(ctx: OpContext, w: tf.Tensor): tf.Tensor4D {
  return weightFilter(
    ctx,
    'hwio',
    () => hostHwioFilter(w) ?? (tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D),
  );
}

/** The depthwise conv weight [C * m, 1, kh, kw] as tfjs's [kh, kw, C, m] filter. */
function depthwiseFilter(ctx: OpContext, w: tf.Tensor): tf.Tensor4D {
  const [cOut, , kh, kw] = w.shape as Shape4;
  const cIn = ctx.node.attrs.int('group', 1);
  return weightFilter(
    ctx,
    'depthwise',
    () => tf.reshape(tf.transpose(w, [2, 3, 0, 1]), [kh, kw, cIn, cOut / cIn]) as tf.Tensor4D,
  );
}

/**
 * The input's share of a Conv node's vector-Jacobian product, for the tape-free backward pass:
 * `dy` (the gradient of the node's linear output, NHWC) back to the node's input, in that input's
 * storage layout. Runs core's convInputGradient (the layers models' and GraphModels' conv
 * backward too): tfjs's `Conv2DBackpropInput` / `DepthwiseConv2dNativeBackpropInput` on the
 * forward pass's own filter: on wasm, core's kernels (conv2d-backprop-input-wasm.ts: one
 * XNNPACK conv with the flipped filter for stride 1, per-phase convs or a matmul + col2im when
 * strided), which keep the filters they derive since the filter is declared weight data.
 * Undefined for what it does not cover (1-D, grouped or dilated convs, a filter computed at run
 * time): the caller differentiates the node with tf.grad.
 *
 * @example
 * ```ts
 * const dx = convInputGradient(ctx, dy); // shaped like the conv's input
 * ```
 */
export function convInputGradient(ctx: OpContext, dy: tf.Tensor): tf.Tensor | undefined {
  if (!convInputGradientCovers(ctx)) return undefined;
  const xv = ctx.inputs[0]!;
  const w = ctx.inputs[1]!;
  const [, , kh, kw] = w.tensor.shape as Shape4;
  const shape = xv.tensor.shape as Shape4;
  const xShape: Shape4 = xv.nhwc ? shape : [shape[0], shape[2], shape[3], shape[1]];
  const { strides, dilations, pad } = convGeometry(ctx, [xShape[1], xShape[2]], [kh, kw]);
  const kind = ctx.node.attrs.int('group', 1) === 1 ? 'conv2d' : 'depthwise';
  // Uneven pads (the forward pads the input for them) are explicit pads for depthwise too.
  const filter = kind === 'conv2d' ? hwioFilter(ctx, w.tensor) : depthwiseFilter(ctx, w.tensor);
  const dx = coreConvInputGradient({ kind, strides, dilations }, dy, xShape, filter, pad);
  return xv.nhwc ? dx : tf.transpose(dx, TO_NCHW);
}

/**
 * True when {@link convInputGradient} takes the conv: 2-D, constant filter, no dilation, one group
 * or depthwise. It then reads the input's shape and layout only, never its values, so the tape-free
 * gradient may free the input after the forward pass. Dilated convs stay with tf.grad of the node
 * (tfjs's cpu Conv2DBackpropInput ignores dilations; core's convInputGradient would spread the
 * filter, not yet checked against onnxruntime here).
 */
export function convInputGradientCovers(ctx: OpContext): boolean {
  const xv = ctx.inputs[0];
  const w = ctx.inputs[1];
  if (xv?.tensor.rank !== 4 || w?.tensor.rank !== 4 || !ctx.isConstant(1)) return false;
  if (ctx.node.attrs.ints('dilations', [1, 1]).some((d) => d !== 1)) return false;
  const group = ctx.node.attrs.int('group', 1);
  const channels = xv.tensor.shape[xv.nhwc ? 3 : 1];
  return group === 1 || (group === channels && w.tensor.shape[1] === 1);
}

/**
 * A fused conv (bias and activation in one kernel) whose gradient flows to the input only: the
 * activation's mask from the saved output, then one transposed conv.
 */
function convWithInputGradient(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  strides: Pair,
  pad: 'valid' | [[number, number], [number, number], [number, number], [number, number]],
  bias: tf.Tensor | undefined,
  activation: FusedActivation | 'linear',
): tf.Tensor {
  const inputShape = x.shape;
  const op = tf.customGrad((input, save) => {
    const y = tf.fused.conv2d({
      x: input as tf.Tensor4D,
      filter,
      strides,
      pad,
      dataFormat: 'NHWC',
      bias,
      activation,
    });
    (save as tf.GradSaveFunc)([y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.conv2dTranspose(
          activationBackward(activation, dy, saved[0]!) as tf.Tensor4D,
          filter,
          inputShape,
          strides,
          pad,
        ),
    };
  });
  return op(x);
}

/** ConvTranspose (groups 1, no dilations): a full transposed conv, then the pads cropped away. */
const convTranspose: OpKernel = (ctx) => {
  const xv = ctx.inputs[0] as Value;
  requireImage(ctx, xv);
  const a = ctx.node.attrs;
  const w = ctx.input(1);
  const [, cOut, kh, kw] = w.shape as [number, number, number, number];
  const dilations = a.ints('dilations', [1, 1]);
  if (a.int('group', 1) !== 1) a.unsupported('group', a.int('group', 1));
  if (dilations.some((d) => d !== 1)) a.unsupported('dilations', dilations);
  const strides = a.ints('strides', [1, 1]) as Pair;
  const x = nhwc(xv) as tf.Tensor4D;
  const [n, h, wd] = x.shape as [number, number, number, number];
  const full = [(h - 1) * strides[0] + kh, (wd - 1) * strides[1] + kw];
  const outPad = a.ints('output_padding', [0, 0]);
  let begin: number[];
  let size: number[];
  const explicit = a.ints('output_shape');
  if (explicit) {
    const total = explicit.map((o, i) => Math.max(0, full[i]! + outPad[i]! - o));
    const autoPad = a.string('auto_pad', 'NOTSET');
    begin = total.map((t) =>
      autoPad === 'SAME_UPPER' ? Math.floor(t / 2) : t - Math.floor(t / 2),
    );
    size = explicit;
  } else {
    const pads = a.ints('pads', [0, 0, 0, 0]);
    begin = [pads[0]!, pads[1]!];
    size = full.map((f, i) => f + outPad[i]! - pads[i]! - pads[i + 2]!);
  }
  const filter = (
    ctx.isConstant(1)
      ? ctx.memo('filter', () => tf.transpose(w, [2, 3, 1, 0]))
      : tf.transpose(w, [2, 3, 1, 0])
  ) as tf.Tensor4D;
  let y: tf.Tensor = tf.conv2dTranspose(x, filter, [n, full[0]!, full[1]!, cOut], strides, 'valid');
  // output_padding may reach past the full result: those rows only get the bias.
  const extra = [0, 1].map((i) => Math.max(0, begin[i]! + size[i]! - full[i]!));
  if (extra[0]! > 0 || extra[1]! > 0)
    y = tf.pad(y, [
      [0, 0],
      [0, extra[0]!],
      [0, extra[1]!],
      [0, 0],
    ]);
  y = tf.slice(y, [0, begin[0]!, begin[1]!, 0], [n, size[0]!, size[1]!, cOut]);
  if (ctx.inputs[2]) y = tf.add(y, ctx.input(2));
  return { tensor: y, nhwc: true };
};

/** Convolutions. */
export const convOps: Record<string, OpKernel> = {
  Conv: alsoOneDimensional(conv),
  ConvTranspose: convTranspose,
};
