import {
  Conv2DBackpropInput,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import {
  type ConvBackpropAttrs,
  convAxes,
  explicitPad,
  forwardConvInfo,
  inputGradPadding,
} from './conv-geometry.js';
import { withWasmScope } from './wasm-kernel-scope.js';

const conv2dBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const a = attrs as unknown as ConvBackpropAttrs & { inputShape: number[] };
  const info = forwardConvInfo(
    'Conv2DBackpropInput',
    a.inputShape,
    filter.shape,
    dy.shape,
    a,
    false,
  );
  const [ah, aw] = convAxes(info);
  const ph = inputGradPadding(ah);
  const pw = inputGradPadding(aw);
  return withWasmScope(backend, (s) => {
    // dx is the stride-1 correlation of the zero-spread dy with the spatially flipped filter
    // whose in/out channels are swapped: the same cost as the forward conv on XNNPACK.
    const spread = s.spread4d(dy, [ah.stride, aw.stride]);
    const [, sh, sw] = spread.shape as [number, number, number, number];
    const cropped = s.crop4d(
      spread,
      [ph.cropBefore, pw.cropBefore],
      [sh - ph.cropBefore - ph.cropAfter, sw - pw.cropBefore - pw.cropAfter],
    );
    const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = s.transpose(flipped, [0, 1, 3, 2]);
    const dx = s.run(
      'Conv2D',
      { x: cropped, filter: swapped },
      {
        strides: [1, 1],
        pad: explicitPad(ph, pw),
        dilations: [ah.dilation, aw.dilation],
        dataFormat: 'NHWC',
      },
    );
    return s.keep(dx);
  });
};

/**
 * tfjs `Conv2DBackpropInput` for the wasm backend, replacing the built-in loop kernel (about 10x
 * the forward conv) with one XNNPACK conv of about the forward's cost. Registered by
 * `registerWasmKernels()`.
 *
 * @example
 * ```ts
 * registerKernel(conv2dBackpropInputWasm); // what registerWasmKernels() does
 * ```
 */
export const conv2dBackpropInputWasm: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput,
};
