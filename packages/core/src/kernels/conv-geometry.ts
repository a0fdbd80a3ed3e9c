import { backend_util } from '@tensorflow/tfjs-core';
import { InterpError } from '../errors.js';

type Conv2DInfo = backend_util.Conv2DInfo;
type PadAttr = 'valid' | 'same' | number | backend_util.ExplicitPadding;

/** The convolution attributes the four backprop kernels share (tfjs kernel attrs). */
export interface ConvBackpropAttrs {
  strides: number | [number, number];
  pad: PadAttr;
  dilations?: number | [number, number];
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** One spatial axis of a forward conv: sizes, filter, stride, dilation, leading pad. */
export interface ConvAxis {
  /** Input size (H or W). */
  inSize: number;
  /** Output size (OH or OW). */
  outSize: number;
  filter: number;
  stride: number;
  dilation: number;
  /** Zeros added before the input (top or left). */
  padBefore: number;
}

/** Rows to drop (`crop > 0`) or zeros to add (`pad`), before and after, on one axis. */
export interface AxisPadding {
  cropBefore: number;
  cropAfter: number;
  padBefore: number;
  padAfter: number;
}

/**
 * Forward-conv geometry exactly as tfjs computes it (same padding, explicit pads, rounding,
 * effective filter size of dilated filters), checked against the shape of `dy`.
 */
export function forwardConvInfo(
  kernel: string,
  xShape: number[],
  filterShape: number[],
  dyShape: number[],
  attrs: ConvBackpropAttrs,
  depthwise: boolean,
): Conv2DInfo {
  if (attrs.dataFormat === 'NCHW') {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${kernel} on wasm supports dataFormat 'NHWC' only (as does wasm's forward Conv2D); got 'NCHW'. Use channels-last tensors.`,
    );
  }
  const info = backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
  const expected = info.outShape;
  if (dyShape.length !== 4 || dyShape.some((d, i) => d !== expected[i])) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${kernel}: dy has shape [${dyShape}] but the convolution of [${xShape}] by [${filterShape}] gives [${expected}]; pass the gradient of that conv's output`,
    );
  }
  return info;
}

/** The two spatial axes of `info` (height, then width). */
export function convAxes(info: Conv2DInfo): [ConvAxis, ConvAxis] {
  return [
    {
      inSize: info.inHeight,
      outSize: info.outHeight,
      filter: info.filterHeight,
      stride: info.strideHeight,
      dilation: info.dilationHeight,
      padBefore: info.padInfo.top,
    },
    {
      inSize: info.inWidth,
      outSize: info.outWidth,
      filter: info.filterWidth,
      stride: info.strideWidth,
      dilation: info.dilationWidth,
      padBefore: info.padInfo.left,
    },
  ];
}

/** Splits a signed padding into a crop (negative part) and a pad (positive part). */
export function signedPadding(before: number, after: number): AxisPadding {
  return {
    cropBefore: Math.max(0, -before),
    cropAfter: Math.max(0, -after),
    padBefore: Math.max(0, before),
    padAfter: Math.max(0, after),
  };
}

/**
 * Input gradient as a stride-1 conv over `dy` spread with `stride - 1` zeros (length
 * `outSize * stride`, trailing zeros included) by the flipped filter with the forward dilation:
 * dx[h] = sum_i dySpread[h + padBefore - i * dilation] w[i], so the spread `dy` needs
 * `(filter - 1) * dilation - padBefore` zeros before it and enough after it for `inSize` outputs.
 */
export function inputGradPadding(a: ConvAxis): AxisPadding {
  const spreadLength = a.outSize * a.stride;
  const before = (a.filter - 1) * a.dilation - a.padBefore;
  const after = a.inSize + a.padBefore - spreadLength;
  return signedPadding(before, after);
}

/**
 * Filter gradient with `dy` as the filter: dw[i] = sum_o xPadded[i * dilation + o * stride] dy[o],
 * a conv of the padded input with conv stride = forward dilation and filter dilation = forward
 * stride, producing exactly `filter` outputs.
 */
export function filterGradByDyPadding(a: ConvAxis): AxisPadding {
  const needed = (a.filter - 1) * a.dilation + (a.outSize - 1) * a.stride + 1;
  return signedPadding(a.padBefore, needed - a.padBefore - a.inSize);
}

/**
 * Filter gradient with `x` as the filter (stride 1 only): dw[f-1-p] = sum_y dyPadded[p * dilation + y] x[y],
 * with `dy` padded by `(filter - 1) * dilation - padBefore` before it.
 */
export function filterGradByXPadding(a: ConvAxis): AxisPadding {
  const before = (a.filter - 1) * a.dilation - a.padBefore;
  const after = a.inSize + a.padBefore - a.outSize;
  return signedPadding(before, after);
}

/** tfjs explicit padding for a 4-D NHWC tensor from the two spatial paddings. */
export function explicitPad(h: AxisPadding, w: AxisPadding): backend_util.ExplicitPadding {
  return [
    [0, 0],
    [h.padBefore, h.padAfter],
    [w.padBefore, w.padAfter],
    [0, 0],
  ];
}
