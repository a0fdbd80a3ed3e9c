import * as tf from '@tensorflow/tfjs-core';
import type { Value } from './op-types.js';

/** NHWC -> NCHW and back. */
export const TO_NCHW = [0, 3, 1, 2];
export const TO_NHWC = [0, 2, 3, 1];

/** The value in ONNX's own layout (NCHW for images). */
export function nchw(v: Value): tf.Tensor {
  return v.nhwc ? tf.transpose(v.tensor, TO_NCHW) : v.tensor;
}

/** A 4-D value channels-last, as tfjs conv and pool want it. */
export function nhwc(v: Value): tf.Tensor {
  return v.nhwc ? v.tensor : tf.transpose(v.tensor, TO_NHWC);
}

/** Maps an axis of the logical NCHW tensor to the axis of its NHWC storage. */
export function nhwcAxis(axis: number): number {
  return [0, 3, 1, 2][axis]!;
}

/** Normalizes a possibly negative axis against a rank. */
export function positiveAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
