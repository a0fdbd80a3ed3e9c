// What the MaxPool and MaxPoolGrad kernels share: reading the pool attributes into tfjs's
// geometry, deciding whether the 2x2 / stride 2 fast paths apply, and walking the windows
// (clipped to the input) in the generic path.
import { backend_util } from '@tensorflow/tfjs-core';

/** The MaxPool / MaxPoolGrad attributes. */
export interface MaxPoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** tfjs's pool geometry, plus whether every window is a whole 2x2 / stride 2 one (`pairs`). */
export interface MaxPoolGeometry extends backend_util.Conv2DInfo {
  top: number;
  left: number;
  pairs: boolean;
}

/**
 * The pool geometry of an NHWC input of `shape` under `attrs`.
 * @example maxPoolGeometry([1, 4, 4, 8], { filterSize: 2, strides: 2, pad: 'valid' }).pairs // true
 */
export function maxPoolGeometry(shape: readonly number[], attrs: unknown): MaxPoolGeometry {
  const { filterSize, strides, pad, dimRoundingMode } = attrs as MaxPoolAttrs;
  const info = backend_util.computePool2DInfo(
    shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { inHeight, inWidth, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const pairs =
    filterHeight === 2 &&
    filterWidth === 2 &&
    strideHeight === 2 &&
    strideWidth === 2 &&
    top === 0 &&
    left === 0 &&
    2 * outHeight <= inHeight &&
    2 * outWidth <= inWidth;
  return { ...info, top, left, pairs };
}

/**
 * Calls `visit` for every output pixel in NHWC order with its batch item, its output offset
 * (`((b * outHeight + oy) * outWidth + ox) * channels`) and its window clipped to the input
 * (rows `yFrom..yTo - 1`, columns `xFrom..xTo - 1`).
 * @example forEachPoolWindow(g, (b, o, yFrom, yTo, xFrom, xTo) => { ... })
 */
export function forEachPoolWindow(
  g: MaxPoolGeometry,
  visit: (b: number, o: number, yFrom: number, yTo: number, xFrom: number, xTo: number) => void,
): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = g;
  const { strideHeight, strideWidth, filterHeight, filterWidth, top, left } = g;
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - top;
      const yFrom = Math.max(0, y0);
      const yTo = Math.min(inHeight, y0 + filterHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - left;
        const xFrom = Math.max(0, x0);
        const xTo = Math.min(inWidth, x0 + filterWidth);
        visit(b, ((b * outHeight + oy) * outWidth + ox) * c, yFrom, yTo, xFrom, xTo);
      }
    }
  }
}
