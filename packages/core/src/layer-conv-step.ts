// A conv or depthwise conv step of the tape-free input gradient, with what layer-step-fusion.ts
// folds into it: the zeros of a ZeroPadding2D before it (explicit padding) and the
// BatchNormalizations after it (inference BN is per-channel x * scale + shift, so the conv's
// filter times scale and bias * scale + shift give the same output in one fused conv, and its
// input gradient is the backprop through that filter). On wasm the folded weights are computed
// once per set of weights and kept (kernels/derived-weight-cache.ts): a new filter per call would
// make XNNPACK repack it every time. Internal to @interp/core.
import * as tf from '@tensorflow/tfjs-core';
import { conv2dBackpropInputWasm } from './kernels/conv2d-backprop-input-wasm.js';
import { derivedWeights, markWeightData } from './kernels/derived-weight-cache.js';
import type { WasmBackend } from './kernels/wasm-kernel-scope.js';
import {
  type ChainActivation,
  type ChainStep,
  type ChannelAffine,
  foldedPadding,
  type SpatialPadding,
} from './layer-step-parts.js';
import type { VariableLike } from './layers-internals.js';

/** A conv layer as the folds see it. */
export interface ConvSpec {
  kind: 'conv2d' | 'depthwise';
  kernel: VariableLike;
  /** Undefined when the layer has no bias. */
  bias: VariableLike | undefined;
  strides: [number, number];
  dilations: [number, number];
  padding: 'valid' | 'same';
  activation: ChainActivation;
  /** The layer's own forward pass (used while no BN is folded in, so outputs equal predict's). */
  call(x: tf.Tensor): tf.Tensor;
}

/** What is folded into a conv step. */
export interface ConvFolds {
  /** A ZeroPadding2D before a 'valid' conv: its padding and forward pass. */
  pad?: { padding: SpatialPadding; forward(x: tf.Tensor): tf.Tensor };
  /** BatchNormalizations after a linear conv, in order. */
  affines: readonly ChannelAffine[];
  /** A ReLU or ReLU6 layer after the BNs, applied by the fused conv. */
  activation?: 'relu' | 'relu6';
}

type Weight = tf.Tensor | tf.TensorInfo;

/**
 * The step for `spec` with `folds`: with BNs folded, the forward is one fused conv by the folded
 * weights (outputs equal the layers' up to float rounding); the backward is the conv's input
 * gradient by the same filter.
 *
 * @example
 * ```ts
 * const step = convStep(spec, { affines: [bn.affine!] });
 * ```
 */
export function convStep(spec: ConvSpec, folds: ConvFolds = { affines: [] }): ChainStep {
  const { pad, affines } = folds;
  const padding = foldedPadding(spec.padding, pad?.padding);
  const folded = affines.length > 0;
  const filter = (): Weight => {
    if (folded) return foldedWeight(spec, affines, 'filter');
    const kernel = spec.kernel.read();
    // Lets the backprop kernels keep the flipped filter they derive from it.
    markWeightData(kernel.dataId);
    return kernel;
  };
  const forward = folded
    ? (x: tf.Tensor) =>
        tf
          .engine()
          .runKernel(
            spec.kind === 'conv2d' ? 'FusedConv2D' : 'FusedDepthwiseConv2D',
            { x, filter: filter(), bias: foldedWeight(spec, affines, 'bias') } as tf.NamedTensorMap,
            {
              strides: spec.strides,
              pad: padding,
              dataFormat: 'NHWC',
              dilations: spec.kind === 'conv2d' ? spec.dilations : [1, 1],
              activation: folds.activation ?? 'linear',
            },
          ) as tf.Tensor
    : pad === undefined
      ? spec.call
      : (x: tf.Tensor) => {
          const padded = pad.forward(x);
          const y = spec.call(padded);
          if (padded !== x && padded !== y) padded.dispose();
          return y;
        };
  return {
    forward,
    activation: folded ? (folds.activation ?? 'linear') : spec.activation,
    backward: (dz, x) => convInputGradient(spec, dz, x.shape, filter(), padding),
    conv: { spec, folds },
  };
}

/**
 * d(score)/d(input) of a conv or depthwise conv (NHWC) given d(score)/d(its linear output): the
 * backprop-input kernel tf.grad runs, by `filter` (declare a model's filter with markWeightData so
 * the wasm kernels keep what they derive from it).
 *
 * @example
 * ```ts
 * const dx = convInputGradient({ kind: 'conv2d', strides: [2, 2], dilations: [1, 1] }, dz, x.shape, w, 'same');
 * ```
 */
export function convInputGradient(
  spec: Pick<ConvSpec, 'kind' | 'strides' | 'dilations'>,
  dz: tf.Tensor,
  inputShape: number[],
  filter: Weight,
  pad: ReturnType<typeof foldedPadding>,
): tf.Tensor {
  const { strides, dilations } = spec;
  const dilated = dilations[0] > 1 || dilations[1] > 1;
  if (spec.kind === 'depthwise') {
    // tfjs-layers' DepthwiseConv2D.call passes no dilations (its dilationRate is ignored); a
    // GraphModel's dilated depthwise conv (atrous, DeepLab) goes through its zero-spread twin.
    const spreadOut = dilated ? spreadFilter(filter as tf.Tensor4D, dilations) : filter;
    return tf
      .engine()
      .runKernel(
        'DepthwiseConv2dNativeBackpropInput',
        { dy: dz, filter: spreadOut } as tf.NamedTensorMap,
        { strides, pad, dilations: [1, 1], inputShape },
      ) as tf.Tensor;
  }
  // Other backends' kernels ignore dilations: a dilated filter is its zero-spread twin.
  const spread = dilated && !ownsWasmConvBackpropInput();
  return tf.engine().runKernel(
    'Conv2DBackpropInput',
    {
      dy: dz,
      filter: spread ? spreadFilter(filter as tf.Tensor4D, dilations) : filter,
    } as tf.NamedTensorMap,
    { strides, pad, dataFormat: 'NHWC', inputShape, dilations: spread ? [1, 1] : dilations },
  ) as tf.Tensor;
}

/** True when the wasm backend runs our Conv2DBackpropInput, which supports dilations. */
function ownsWasmConvBackpropInput(): boolean {
  return (
    tf.getBackend() === 'wasm' &&
    tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc === conv2dBackpropInputWasm.kernelFunc
  );
}

/** `[fh, fw, a, b]` with `dilation - 1` zeros between taps: `[(fh-1)dh+1, (fw-1)dw+1, a, b]`. */
function spreadFilter(filter: tf.Tensor4D, [dh, dw]: [number, number]): tf.Tensor4D {
  const [fh, fw, a, b] = filter.shape;
  const padded = tf.pad(tf.reshape(filter, [fh, 1, fw, 1, a, b]), [
    [0, 0],
    [0, dh - 1],
    [0, 0],
    [0, dw - 1],
    [0, 0],
    [0, 0],
  ]);
  return tf.slice(tf.reshape(padded, [fh * dh, fw * dw, a, b]) as tf.Tensor4D, 0, [
    (fh - 1) * dh + 1,
    (fw - 1) * dw + 1,
    a,
    b,
  ]);
}

/**
 * The conv's filter or bias with `affines` folded in. On wasm (unless a dilated filter must be
 * spread with tensor ops) it is kept across calls, keyed on the data ids of every weight it is
 * computed from, so new weights (Variable.assign) miss the cache; elsewhere it is computed per call.
 */
function foldedWeight(
  spec: ConvSpec,
  affines: readonly ChannelAffine[],
  which: 'filter' | 'bias',
): Weight {
  const compute = () => tf.tidy(() => fold(spec, affines)[which]);
  const dilated = spec.dilations[0] > 1 || spec.dilations[1] > 1;
  if (tf.getBackend() !== 'wasm' || (dilated && !ownsWasmConvBackpropInput())) return compute();
  const backend = tf.backend() as unknown as WasmBackend;
  const sources = [spec.kernel, ...(spec.bias ? [spec.bias] : [])]
    .concat(affines.flatMap((a) => a.sources))
    .map((v) => v.read().dataId);
  const tag = `${spec.kind} ${which} ${affines.map((a) => a.tag).join(' ')}`;
  return derivedWeights(backend, sources, tag, () => {
    const t = compute();
    const info = backend.makeOutput(t.shape, 'float32');
    backend.typedArrayFromHeap(info).set(backend.typedArrayFromHeap(t as tf.TensorInfo));
    t.dispose();
    return info;
  });
}

/** filter * scale (on the output channels) and bias * scale + shift, for each affine in turn. */
function fold(
  spec: ConvSpec,
  affines: readonly ChannelAffine[],
): { filter: tf.Tensor; bias: tf.Tensor } {
  let filter = spec.kernel.read();
  let bias: tf.Tensor | undefined = spec.bias?.read();
  const [, , a, b] = filter.shape as [number, number, number, number];
  for (const affine of affines) {
    const { scale, shift } = affine.read();
    // A depthwise output channel c * multiplier + m comes from filter[:, :, c, m].
    filter = tf.mul(filter, spec.kind === 'conv2d' ? scale : tf.reshape(scale, [1, 1, a, b]));
    bias = bias === undefined ? shift : tf.add(tf.mul(bias, scale), shift);
  }
  return { filter, bias: bias! };
}
