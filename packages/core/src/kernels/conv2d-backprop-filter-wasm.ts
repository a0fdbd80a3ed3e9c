import {
  Conv2DBackpropFilter,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import {
  type ConvBackpropAttrs,
  convAxes,
  explicitPad,
  filterGradByDyPadding,
  filterGradByXPadding,
  forwardConvInfo,
} from './conv-geometry.js';
import { withWasmScope } from './wasm-kernel-scope.js';

const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const a = attrs as unknown as ConvBackpropAttrs & { filterShape: number[] };
  const info = forwardConvInfo('Conv2DBackpropFilter', x.shape, a.filterShape, dy.shape, a, false);
  const [ah, aw] = convAxes(info);
  // The sum over batch and output pixels becomes the reduction of one XNNPACK conv whose
  // "filter" is either dy or x. XNNPACK repacks that filter on every call, which dominates, so
  // the smaller of the two is the filter; x can be the filter only for stride 1.
  const strideOne = ah.stride === 1 && aw.stride === 1;
  const xAsFilter = strideOne && util.sizeFromShape(x.shape) < util.sizeFromShape(dy.shape);
  return withWasmScope(backend, (s) => {
    if (xAsFilter) {
      const ph = filterGradByXPadding(ah);
      const pw = filterGradByXPadding(aw);
      // dyT: [Cout, OH, OW, N] (batch = Cout, channels = N); xF: [H, W, N, Cin].
      const dyT = s.transpose(dy, [3, 1, 2, 0]);
      const [, oh, ow] = dyT.shape as [number, number, number, number];
      const dyC = s.crop4d(
        dyT,
        [ph.cropBefore, pw.cropBefore],
        [oh - ph.cropBefore - ph.cropAfter, ow - pw.cropBefore - pw.cropAfter],
      );
      const xF = s.transpose(x, [1, 2, 0, 3]);
      const out = s.conv(
        'Conv2D',
        dyC,
        xF,
        [ah.dilation, aw.dilation],
        explicitPad(ph, pw),
        [1, 1],
      );
      // out[co, fh-1-i, fw-1-j, ci] = dw[i, j, ci, co].
      const unflipped = s.run('Reverse', { x: out }, { dims: [1, 2] });
      return s.keep(s.transpose(unflipped, [1, 2, 3, 0]));
    }
    const ph = filterGradByDyPadding(ah);
    const pw = filterGradByDyPadding(aw);
    // xT: [Cin, H, W, N] (batch = Cin, channels = N); dyF: [OH, OW, N, Cout].
    const xT = s.transpose(x, [3, 1, 2, 0]);
    const [, h, w] = xT.shape as [number, number, number, number];
    const xC = s.crop4d(xT, [0, 0], [h - ph.cropAfter, w - pw.cropAfter]);
    const dyF = s.transpose(dy, [1, 2, 0, 3]);
    const out = s.conv('Conv2D', xC, dyF, [ah.dilation, aw.dilation], explicitPad(ph, pw), [
      ah.stride,
      aw.stride,
    ]);
    return s.keep(s.transpose(out, [1, 2, 0, 3]));
  });
};

/**
 * tfjs `Conv2DBackpropFilter` for the wasm backend (tfjs-backend-wasm 4.22 has none): one XNNPACK
 * conv of the batch-and-channel-swapped input by `dy` (or, for stride 1 when `x` is smaller, of `dy`
 * by `x`). Registered by `registerWasmKernels()`.
 *
 * @example
 * ```ts
 * registerKernel(conv2dBackpropFilterWasm); // what registerWasmKernels() does
 * ```
 */
export const conv2dBackpropFilterWasm: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter,
};
