import {
  DepthwiseConv2dNativeBackpropInput,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { type ConvBackpropAttrs, convAxes, forwardConvInfo } from './conv-geometry.js';
import { depthwiseInputGradSimd } from './depthwise-input-grad-simd.js';
import { spreadDyForInputGrad } from './spread-dy-for-input-grad.js';
import { withWasmScope } from './wasm-kernel-scope.js';
import { heapOffset } from './wasm-simd-module.js';

const depthwiseConv2dNativeBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
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
  // position it came from, the forward conv's work (the zero-spread dy below is stride^2 times it);
  // the images split between the main thread and the helper worker on the threaded build.
  const strided = ah.stride > 1 || aw.stride > 1;
  const simd = strided && multiplier === 1 ? depthwiseInputGradSimd(backend) : undefined;
  if (simd !== undefined) {
    return withWasmScope(backend, (s) => {
      // The kernel zeroes out itself (memory.fill; a JS fill of shared memory is ~10x slower).
      const out = s.make([n, h, w, channels], 'float32');
      const at = (t: TensorInfo) => heapOffset(backend, t.dataId);
      const geometry = s.int32([
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
      ]);
      const bytes = 4 * (util.sizeFromShape(dy.shape) + n * h * w * channels);
      simd([at(dy), at(filter), at(out), at(geometry)], n, bytes);
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
};

/**
 * tfjs `DepthwiseConv2dNativeBackpropInput` for the wasm backend (tfjs-backend-wasm 4.22 has
 * none): one XNNPACK depthwise conv of the zero-spread `dy` by the flipped filter, summed over the
 * channel multiplier; strided with multiplier 1, one SIMD scatter of dy by the filter
 * (depthwise-input-grad-simd.ts). Registered by `registerWasmKernels()`.
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
