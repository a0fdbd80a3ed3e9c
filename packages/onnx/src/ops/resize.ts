import * as tf from '@tensorflow/tfjs-core';
import { nhwc } from './layout.js';
import type { OpKernel, Value } from './op-types.js';

/**
 * Resize of the H and W axes of an image, nearest or linear. ONNX's coordinate modes map to tfjs's
 * flags: half_pixel (and pytorch_half_pixel) -> halfPixelCenters, align_corners -> alignCorners,
 * asymmetric -> neither. Nearest supports the modes that agree with tfjs's rounding: floor with
 * asymmetric (PyTorch's export of `nearest`), round_prefer_ceil with align_corners, and
 * round_prefer_floor with half_pixel on integer scales.
 */
const resize: OpKernel = (ctx) => {
  const a = ctx.node.attrs;
  const v = ctx.inputs[0] as Value;
  const x = nhwc(v) as tf.Tensor4D;
  const [, h, w] = x.shape;
  // Inputs: X, scales (opset 10); X, roi, scales, sizes (11+).
  const scales = ctx.floats(ctx.opset >= 11 ? 2 : 1);
  const sizes = ctx.opset >= 11 ? ctx.ints(3) : undefined;
  let size: [number, number];
  if (sizes && sizes.length === 4) size = [sizes[2]!, sizes[3]!];
  else if (scales && scales.length === 4) {
    if (scales[0] !== 1 || scales[1] !== 1) a.unsupported('scales on N or C', scales);
    size = [Math.floor(h * scales[2]!), Math.floor(w * scales[3]!)];
  } else return a.unsupported('scales/sizes', 'missing or not 4-D');
  const mode = a.string('mode', 'nearest');
  const coords = a.string('coordinate_transformation_mode', 'half_pixel');
  const alignCorners = coords === 'align_corners';
  const halfPixel = coords === 'half_pixel' || coords === 'pytorch_half_pixel';
  if (!alignCorners && !halfPixel && coords !== 'asymmetric')
    a.unsupported('coordinate_transformation_mode', coords);
  if (mode === 'linear') {
    return { tensor: tf.image.resizeBilinear(x, size, alignCorners, halfPixel), nhwc: true };
  }
  if (mode === 'nearest') {
    const nearest = a.string('nearest_mode', 'round_prefer_floor');
    const ok =
      (coords === 'asymmetric' && nearest === 'floor') ||
      (alignCorners && nearest === 'round_prefer_ceil') ||
      (halfPixel && nearest === 'round_prefer_floor');
    if (!ok) a.unsupported('nearest_mode', `${nearest} with ${coords}`);
    return { tensor: tf.image.resizeNearestNeighbor(x, size, alignCorners, halfPixel), nhwc: true };
  }
  return a.unsupported('mode', mode);
};

/** Resize. */
export const resizeOps: Record<string, OpKernel> = { Resize: resize };
