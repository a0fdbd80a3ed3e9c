import * as tf from '@tensorflow/tfjs-core';
import { convGeometry } from './conv.js';
import { TO_NCHW } from './layout.js';
import type { OpContext } from './op-types.js';

type Shape4 = [number, number, number, number];
type Padding4 = [[number, number], [number, number], [number, number], [number, number]];

/**
 * The input's share of a Conv node's vector-Jacobian product, for the tape-free backward pass:
 * `dy` (the gradient of the node's linear output, NHWC) back to the node's input, in that input's
 * storage layout. Undefined for what it does not cover (1-D, grouped or dilated convs, a filter
 * computed at run time): the caller differentiates the node with tf.grad.
 *
 * A stride-1 conv's input gradient is itself a stride-1 conv of dy with the filter flipped and its
 * channel axes swapped, padded by k - 1 - p: that runs tfjs-wasm's forward conv (XNNPACK, which
 * uses every thread) instead of a transposed-conv kernel. Strided convs take the transposed conv
 * that tf.grad uses.
 *
 * @example
 * ```ts
 * const dx = convInputGradient(ctx, dy); // shaped like the conv's input
 * ```
 */
export function convInputGradient(ctx: OpContext, dy: tf.Tensor): tf.Tensor | undefined {
  const xv = ctx.inputs[0];
  const w = ctx.inputs[1];
  if (xv?.tensor.rank !== 4 || w?.tensor.rank !== 4 || !ctx.isConstant(1)) return undefined;
  const [cOut, cInPerGroup, kh, kw] = w.tensor.shape as Shape4;
  const group = ctx.node.attrs.int('group', 1);
  const shape = xv.tensor.shape as Shape4;
  const xShape: Shape4 = xv.nhwc ? shape : [shape[0], shape[2], shape[3], shape[1]];
  const { strides, dilations, pad } = convGeometry(ctx, [xShape[1], xShape[2]], [kh, kw]);
  if (dilations[0] !== 1 || dilations[1] !== 1) return undefined;
  const cIn = xShape[3];
  const unitStride = strides[0] === 1 && strides[1] === 1;
  const [[,], [top, bottom], [left, right]] = pad === 'valid' ? zeroPads() : pad;
  const back: Padding4 = [
    [0, 0],
    [kh - 1 - top, kh - 1 - bottom],
    [kw - 1 - left, kw - 1 - right],
    [0, 0],
  ];
  const flippable = unitStride && back.flat().every((p) => p >= 0);
  let dx: tf.Tensor;
  if (group === 1) {
    if (flippable) {
      const flipped = ctx.memo(
        'hwoi-flipped',
        () => tf.reverse(tf.transpose(w.tensor, [2, 3, 0, 1]), [0, 1]) as tf.Tensor4D,
      );
      dx = tf.conv2d(dy as tf.Tensor4D, flipped, 1, unpadded(back));
    } else {
      const filter = ctx.memo('hwio', () => tf.transpose(w.tensor, [2, 3, 1, 0]) as tf.Tensor4D);
      dx = tf.conv2dTranspose(dy as tf.Tensor4D, filter, xShape, strides, pad);
    }
  } else if (group === cIn && cInPerGroup === 1) {
    dx = depthwiseInputGradient(ctx, dy, xShape, strides, pad, back, flippable && cOut === cIn);
  } else {
    return undefined;
  }
  return xv.nhwc ? dx : tf.transpose(dx, TO_NCHW);
}

function depthwiseInputGradient(
  ctx: OpContext,
  dy: tf.Tensor,
  xShape: Shape4,
  strides: [number, number],
  pad: 'valid' | Padding4,
  back: Padding4,
  flippable: boolean,
): tf.Tensor {
  const w = ctx.inputs[1]!.tensor;
  const [cOut, , kh, kw] = w.shape as Shape4;
  const cIn = xShape[3];
  const uniformBack = back.flat().every((p, k) => k < 2 || k > 5 || p === back[1][0]);
  if (flippable && uniformBack) {
    const flipped = ctx.memo('depthwise-flipped', () =>
      tf.reverse(tf.reshape(tf.transpose(w, [2, 3, 0, 1]), [kh, kw, cIn, 1]), [0, 1]),
    ) as tf.Tensor4D;
    return tf.depthwiseConv2d(
      dy as tf.Tensor4D,
      flipped,
      1,
      back[1][0] === 0 ? 'valid' : back[1][0],
    );
  }
  const filter = ctx.memo(
    'depthwise',
    () => tf.reshape(tf.transpose(w, [2, 3, 0, 1]), [kh, kw, cIn, cOut / cIn]) as tf.Tensor4D,
  );
  // The forward pass padded uneven pads into the input: the gradient of that input, cropped.
  const uneven =
    pad === 'valid' || pad.flat().every((p, k) => k < 2 || k > 5 || p === pad[1][0])
      ? undefined
      : pad;
  const padded: Shape4 = uneven
    ? [
        xShape[0],
        xShape[1] + uneven[1][0] + uneven[1][1],
        xShape[2] + uneven[2][0] + uneven[2][1],
        cIn,
      ]
    : xShape;
  let dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, {
    strides,
    pad: uneven || pad === 'valid' ? 'valid' : pad[1][0],
    dilations: [1, 1],
    inputShape: padded,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
  if (uneven) dx = tf.slice(dx, [0, uneven[1][0], uneven[2][0], 0], xShape);
  return dx;
}

function zeroPads(): Padding4 {
  return [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
  ];
}

function unpadded(p: Padding4): 'valid' | Padding4 {
  return p.flat().every((v) => v === 0) ? 'valid' : p;
}
