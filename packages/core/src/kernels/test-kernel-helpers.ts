// Test-only helpers for the wasm kernels (excluded from the build by the test-* pattern).
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { createRng } from '../random.js';

/** `n` standard-normal values from a seeded generator. */
export function randn(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Runs `fn` on `backend` (tensors made inside live there), reads its result and switches back. */
export async function runOn(backend: string, fn: () => tf.Tensor): Promise<Float32Array> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    const t = fn();
    const data = (await t.data()) as Float32Array;
    const shape = t.shape;
    t.dispose();
    (data as Float32Array & { shape?: number[] }).shape = shape;
    return data;
  } finally {
    await tf.setBackend(previous);
  }
}

/** The tolerance: max |actual - reference| <= 1e-4 * max |reference|. */
export function expectCloseToReference(actual: ArrayLike<number>, reference: ArrayLike<number>) {
  expect(actual.length).toBe(reference.length);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < reference.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i]! - reference[i]!));
    maxRef = Math.max(maxRef, Math.abs(reference[i]!));
  }
  expect(maxRef).toBeGreaterThan(0);
  expect(maxDiff).toBeLessThanOrEqual(1e-4 * maxRef);
}

/** Spreads a [fh, fw, a, b] filter with dilation - 1 zeros between taps (the undilated twin). */
export function spreadFilter(
  values: Float32Array,
  shape: [number, number, number, number],
  dilations: [number, number],
): { values: Float32Array; shape: [number, number, number, number] } {
  const [fh, fw, a, b] = shape;
  const [dh, dw] = dilations;
  const eh = (fh - 1) * dh + 1;
  const ew = (fw - 1) * dw + 1;
  const out = new Float32Array(eh * ew * a * b);
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      const from = (i * fw + j) * a * b;
      const to = (i * dh * ew + j * dw) * a * b;
      out.set(values.subarray(from, from + a * b), to);
    }
  }
  return { values: out, shape: [eh, ew, a, b] };
}

/** Takes every dilation-th tap of a spread [eh, ew, a, b] filter gradient. */
export function unspreadFilter(
  values: ArrayLike<number>,
  shape: [number, number, number, number],
  dilations: [number, number],
): Float32Array {
  const [fh, fw, a, b] = shape;
  const [dh, dw] = dilations;
  const ew = (fw - 1) * dw + 1;
  const out = new Float32Array(fh * fw * a * b);
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      for (let k = 0; k < a * b; k++) {
        out[(i * fw + j) * a * b + k] = values[(i * dh * ew + j * dw) * a * b + k]!;
      }
    }
  }
  return out;
}

/** Number of data buffers the active backend holds (catches kernel-internal leaks). */
export function backendDataIds(): number {
  return (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
}

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];

/** One convolution to differentiate: input and filter shapes and the conv attributes. */
export interface ConvCase {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
  dilations: [number, number];
}

function convCase(
  name: string,
  x: ConvCase['x'],
  filter: ConvCase['filter'],
  strides: [number, number],
  pad: Pad,
  dilations: [number, number] = [1, 1],
): ConvCase {
  return { name, x, filter, strides, pad, dilations };
}

/**
 * Small shapes covering strides 1 and 2, same/valid/numeric/explicit padding (including pads
 * larger than the filter reach, which need crops), odd and non-square sizes, batch 1 and > 1,
 * channel counts 1 and > 1 on either side, and dilation 2. The filter's third dim is the input
 * channel count; its fourth is the output channel count (conv) or the multiplier (depthwise).
 */
export const convCases: ConvCase[] = [
  convCase(
    '3x3 stride 1 same, batch 2, 3 -> 4 channels',
    [2, 7, 5, 3],
    [3, 3, 3, 4],
    [1, 1],
    'same',
  ),
  convCase('3x3 stride 1 same, 5 -> 2 channels', [2, 6, 6, 5], [3, 3, 5, 2], [1, 1], 'same'),
  convCase(
    '3x2 stride 2 same, 1 -> 2 channels, batch 3',
    [3, 8, 6, 1],
    [3, 2, 1, 2],
    [2, 2],
    'same',
  ),
  convCase('3x3 stride 2 same, odd sizes', [2, 9, 7, 2], [3, 3, 2, 3], [2, 2], 'same'),
  convCase('3x3 stride 2 valid, odd sizes', [2, 9, 7, 2], [3, 3, 2, 3], [2, 2], 'valid'),
  convCase(
    '2x2 stride 2 valid, batch 1, 4 -> 1 channels',
    [1, 6, 6, 4],
    [2, 2, 4, 1],
    [2, 2],
    'valid',
  ),
  convCase('1x3 strides [1, 2] same', [2, 5, 8, 3], [1, 3, 3, 2], [1, 2], 'same'),
  convCase(
    '1x1 stride 2 valid (trailing input rows unused)',
    [2, 5, 5, 2],
    [1, 1, 2, 3],
    [2, 2],
    'valid',
  ),
  convCase('3x3 stride 1 valid, 1 channel each', [2, 6, 7, 1], [3, 3, 1, 1], [1, 1], 'valid'),
  convCase('3x3 stride 2 same, 1 -> 4 channels', [2, 9, 8, 1], [3, 3, 1, 4], [2, 2], 'same'),
  convCase('2x2 stride 1 valid, 1 -> 3 channels', [3, 5, 6, 1], [2, 2, 1, 3], [1, 1], 'valid'),
  convCase('5x5 stride 1 same, 1 -> 2 channels', [2, 8, 9, 1], [5, 5, 1, 2], [1, 1], 'same'),
  convCase('3x3 stride 2 numeric pad 1', [2, 7, 6, 2], [3, 3, 2, 2], [2, 2], 1),
  convCase(
    '3x3 stride 1 explicit asymmetric pads',
    [2, 6, 5, 2],
    [3, 3, 2, 3],
    [1, 1],
    [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  ),
  convCase(
    '2x2 stride 1 explicit pads beyond the filter reach',
    [1, 5, 6, 3],
    [2, 2, 3, 2],
    [1, 1],
    [
      [0, 0],
      [0, 3],
      [3, 0],
      [0, 0],
    ],
  ),
  convCase(
    '2x3 stride 2 explicit pads beyond the filter reach',
    [2, 7, 6, 2],
    [2, 3, 2, 2],
    [2, 2],
    [
      [0, 0],
      [3, 1],
      [0, 4],
      [0, 0],
    ],
  ),
  convCase('3x3 dilation 2 same', [2, 9, 8, 2], [3, 3, 2, 3], [1, 1], 'same', [2, 2]),
  convCase(
    '3x2 dilations [2, 1] valid, 3 -> 1 channels',
    [2, 8, 7, 3],
    [3, 2, 3, 1],
    [1, 1],
    'valid',
    [2, 1],
  ),
];
