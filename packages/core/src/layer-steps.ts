// More one-input steps of the tape-free input gradient (see layer-chain.ts): the layers MobileNet-
// style models add to plain CNNs. Each backward pass is the input half of tfjs's own gradient of
// what the layer's `call` runs, so the numbers equal tf.grad's. Internal to @interp/core.
import * as tf from '@tensorflow/tfjs-core';
import { cappedReluGrad } from './kernels/capped-relu-grad-wasm.js';
import { convStep } from './layer-conv-step.js';
import {
  activationOf,
  type ChainStep,
  call,
  channelsLast,
  pair,
  type SpatialPadding,
  UnsupportedAtRuntime,
} from './layer-step-parts.js';
import type { LayerLike, VariableLike } from './layers-internals.js';

/** A step for `layer` among the layers handled here; undefined if unsupported. */
export function planMoreSteps(layer: LayerLike): ChainStep | undefined {
  switch (layer.getClassName()) {
    case 'DepthwiseConv2D':
      return depthwiseStep(layer);
    case 'ZeroPadding2D':
      return zeroPaddingStep(layer);
    case 'ReLU':
      return cappedReluStep(layer);
    default:
      return undefined;
  }
}

function depthwiseStep(layer: LayerLike): ChainStep | undefined {
  const activation = activationOf(layer);
  const strides = pair(layer.strides);
  const kernel = layer.depthwiseKernel as VariableLike | undefined | null;
  const padding = layer.padding;
  // tfjs-layers' DepthwiseConv2D.call passes no dilations (its dilationRate is ignored).
  if (
    activation === undefined ||
    strides === undefined ||
    (padding !== 'valid' && padding !== 'same') ||
    !channelsLast(layer) ||
    !kernel
  ) {
    return undefined;
  }
  return convStep({
    kind: 'depthwise',
    kernel,
    bias: (layer.bias as VariableLike | null | undefined) ?? undefined,
    strides,
    dilations: [1, 1],
    padding,
    activation,
    call: call(layer),
  });
}

function zeroPaddingStep(layer: LayerLike): ChainStep | undefined {
  const p = layer.padding as unknown;
  const ok =
    Array.isArray(p) &&
    p.length === 2 &&
    p.every((a) => Array.isArray(a) && a.length === 2 && a.every((d) => Number.isInteger(d)));
  if (!ok || !channelsLast(layer)) return undefined;
  const padding = p as SpatialPadding;
  const [[top], [left]] = padding;
  return {
    zeroPadding: padding,
    forward: (x) => {
      if (x.rank !== 4) throw new UnsupportedAtRuntime();
      return call(layer)(x);
    },
    activation: 'linear',
    backward: (dz, x) => spatialPadInputGradient(dz, x.shape, top, left),
  };
}

/**
 * tf.pad's input gradient for zeros around an NHWC tensor's height and width (`top` rows and
 * `left` columns before it): the slice of dz where x was. Sliced as [n, h, w * c] rows: wasm's
 * rank-4 Slice copies one pixel's channels at a time, ~30x slower than whole rows.
 *
 * @example
 * ```ts
 * const dx = spatialPadInputGradient(dz, x.shape, 1, 1); // x was padded by [[1, b], [1, r]]
 * ```
 */
export function spatialPadInputGradient(
  dz: tf.Tensor,
  xShape: readonly number[],
  top: number,
  left: number,
): tf.Tensor {
  const [n, h, w, c] = xShape as [number, number, number, number];
  const rows = tf.reshape(dz, [n, dz.shape[1]!, dz.shape[2]! * c]);
  return tf.reshape(tf.slice(rows, [0, top, left * c], [n, h, w * c]), [...xShape]);
}

/** ReLU with a `maxValue` (Keras' ReLU(6.0)): tfjs runs clipByValue(relu(x), 0, max). */
function cappedReluStep(layer: LayerLike): ChainStep | undefined {
  const max = layer.maxValue;
  if (typeof max !== 'number' || !(max > 0)) return undefined;
  return {
    forward: call(layer),
    activation: 'linear',
    // Relu's gradient passes where x > 0, ClipByValue's where relu(x) <= max: 0 < x <= max,
    // which the output alone cannot tell from x > max. One fused pass on wasm.
    backward: (dz, x) => cappedReluGrad(dz, x, { max, form: 'clipByValue' }),
    // Fused into a conv, only the output is kept: the gradient then passes where 0 < y < 6, which
    // differs from the above only where x is exactly 6.
    ...(max === 6 ? { fusableActivation: 'relu6' as const } : {}),
  };
}
