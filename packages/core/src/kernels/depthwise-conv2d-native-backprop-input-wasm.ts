import {
  DepthwiseConv2dNativeBackpropInput,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { InterpError } from '../errors.js';
import { type CappedReluGradAttrs, cappedReluGradWasm } from './capped-relu-grad-wasm.js';
import { type ConvBackpropAttrs, convAxes, forwardConvInfo } from './conv-geometry.js';
import { depthwiseInputGradSimd } from './depthwise-input-grad-simd.js';
import { spreadDyForInputGrad } from './spread-dy-for-input-grad.js';
import { withWasmScope } from './wasm-kernel-scope.js';
import { heapOffset } from './wasm-simd-module.js';

const bitsOf = (v: number) => new Int32Array(new Float32Array([v]).buffer)[0]!;

/**
 * The input gradient, then (with attr `inputMask` and input `x`, our extension) the gradient of
 * the capped ReLU whose output `x` is the conv's input: fused into the SIMD pass when it runs.
 */
const depthwiseConv2dNativeBackpropInput: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const mask = (attrs as { inputMask?: CappedReluGradAttrs }).inputMask;
  const x = (inputs as { x?: TensorInfo }).x;
  if (mask === undefined || x === undefined) return inputGradient(args, undefined);
  const inputShape = (attrs as unknown as { inputShape: number[] }).inputShape;
  if (x.dtype !== 'float32' || x.shape.some((d, i) => d !== inputShape[i])) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `DepthwiseConv2dNativeBackpropInput: the masking input x is ${x.dtype} [${x.shape}], the conv's input is [${inputShape}]; pass the float32 activation the conv read`,
    );
  }
  const dx = inputGradient(args, { mask, x });
  if (dx !== NOT_FUSED) return dx;
  // Another path (XNNPACK's, or rows of a vector and a tail): the mask as its own pass.
  const unmasked = inputGradient(args, undefined);
  const masked = cappedReluGradWasm.kernelFunc({
    inputs: { dy: unmasked, x },
    backend,
    attrs: { ...mask } as unknown as NamedAttrMap,
  }) as TensorInfo;
  (backend as { disposeData(dataId: object): boolean }).disposeData(unmasked.dataId);
  return masked;
};

/** Returned by inputGradient when it cannot fuse the mask it was given (the caller then masks). */
const NOT_FUSED = { shape: [], dtype: 'float32', dataId: {} } as unknown as TensorInfo;

function inputGradient(
  { inputs, backend, attrs }: Parameters<KernelFunc>[0],
  fuse: { mask: CappedReluGradAttrs; x: TensorInfo } | undefined,
): TensorInfo {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as ConvBackpropAttrs & { inputShape: number[] };
  const info = forwardConvInfo(
    'DepthwiseConv2dNativeBackpropInput',
    a.inputShape,
    filter.shape,
    dy.shape,
    a,
    true,
  );
  const [ah, aw] = convAxes(info);
  const [fh, fw, channels, multiplier] = filter.shape as [number, number, number, number];
  const [n, h, w] = info.inShape;
  // Strided, multiplier 1: one SIMD pass adding each dy pixel times each tap into the input
  // position it came from, the forward conv's work (the zero-spread dy below is stride^2 times it).
  const strided = ah.stride > 1 || aw.stride > 1;
  // The mask runs over whole dx rows as vectors: a row must be whole vectors.
  const fusable = fuse !== undefined && (w * channels) % 4 === 0;
  const simd =
    strided && multiplier === 1 && (fuse === undefined || fusable)
      ? depthwiseInputGradSimd(backend, fuse?.mask.form)
      : undefined;
  if (fuse !== undefined && simd === undefined) return NOT_FUSED;
  if (simd !== undefined) {
    return withWasmScope(backend, (s) => {
      const out = s.make([n, h, w, channels], 'float32');
      s.heap(out).fill(0);
      const at = (t: TensorInfo) => heapOffset(backend, t.dataId);
      simd(
        at(dy),
        at(filter),
        at(out),
        n,
        ah.outSize,
        aw.outSize,
        fh,
        fw,
        channels,
        ah.inSize,
        aw.inSize,
        ah.stride,
        aw.stride,
        ah.dilation,
        aw.dilation,
        ah.padBefore,
        aw.padBefore,
        fuse ? at(fuse.x) : 0,
        fuse ? bitsOf(fuse.mask.max) : 0,
      );
      return s.keep(out);
    });
  }
  return withWasmScope(backend, (s) => {
    // Each of the channels * multiplier output channels feeds back through its own flipped
    // filter: a depthwise conv (multiplier 1) over the zero-spread dy, then a sum over the
    // multiplier. Same cost as the forward depthwise conv.
    const { dy: spread, pad } = spreadDyForInputGrad(s, dy, ah, aw);
    const flipped = s.flippedFilter(filter, false);
    const perChannel = s.conv(
      'DepthwiseConv2dNative',
      spread,
      s.view(flipped, [fh, fw, channels * multiplier, 1]),
      [1, 1],
      pad,
      [ah.dilation, aw.dilation],
    );
    if (multiplier === 1) return s.keep(perChannel);
    const summed = s.run(
      'Sum',
      { x: s.view(perChannel, [n, h, w, channels, multiplier]) },
      { axis: [4], keepDims: false },
    );
    return s.keep(summed);
  });
}

/**
 * tfjs `DepthwiseConv2dNativeBackpropInput` for the wasm backend (tfjs-backend-wasm 4.22 has
 * none): one XNNPACK depthwise conv of the zero-spread `dy` by the flipped filter, summed over the
 * channel multiplier; strided with multiplier 1, one SIMD scatter of dy by the filter
 * (depthwise-input-grad-simd.ts). Registered by `registerWasmKernels()`. Our extension: with
 * input `x` (the conv's input, made by a ReLU or ReLU6) and attr `inputMask`
 * ({@link CappedReluGradAttrs}, as cappedReluGrad takes), the result is that activation's input
 * gradient too, fused into the SIMD scatter when it runs (else a second pass).
 *
 * @example
 * ```ts
 * registerKernel(depthwiseConv2dNativeBackpropInputWasm); // what registerWasmKernels() does
 * ```
 */
export const depthwiseConv2dNativeBackpropInputWasm: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dNativeBackpropInput,
};
