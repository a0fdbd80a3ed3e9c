import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core';
import { type ConvAxis, explicitPad, inputGradPadding } from './conv-geometry.js';
import type { WasmKernelScope } from './wasm-kernel-scope.js';

/**
 * `dy` ready for an input gradient computed as a stride-1 correlation with the flipped filter:
 * spread with `stride - 1` zeros (when strided), cropped where the forward pads reach past what
 * the filter covers, plus the explicit padding that correlation needs to give exactly the
 * input's height and width.
 */
export function spreadDyForInputGrad(
  s: WasmKernelScope,
  dy: TensorInfo,
  ah: ConvAxis,
  aw: ConvAxis,
): { dy: TensorInfo; pad: backend_util.ExplicitPadding } {
  const ph = inputGradPadding(ah);
  const pw = inputGradPadding(aw);
  const spread = s.spread4d(dy, [ah.stride, aw.stride]);
  const [, sh, sw] = spread.shape as [number, number, number, number];
  const cropped = s.crop4d(
    spread,
    [ph.cropBefore, pw.cropBefore],
    [sh - ph.cropBefore - ph.cropAfter, sw - pw.cropBefore - pw.cropAfter],
  );
  return { dy: cropped, pad: explicitPad(ph, pw) };
}
