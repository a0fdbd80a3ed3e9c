// Test-only case tables and the shared "run on wasm, run on cpu, compare" scaffolding of the
// kernel tests (excluded from the build by the test-* pattern).
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { expectNoLeakedTensors } from '../testing.js';
import { derivedWeightCacheSize } from './derived-weight-cache.js';
import { backendDataIds, expectCloseToReference, randn, runOn } from './test-kernel-helpers.js';

/** A tensor of standard-normal values from a seeded generator. */
export function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(randn(tf.util.sizeFromShape(shape), seed), shape);
}

/**
 * Runs `run` on wasm and `reference` (by default the same function) on cpu, and compares the
 * results within the tolerance; resolves to the wasm result.
 */
export async function expectWasmMatchesCpu(
  run: () => tf.Tensor,
  reference: () => tf.Tensor = run,
): Promise<Float32Array> {
  const ours = await runOn('wasm', run);
  expectCloseToReference(ours, await runOn('cpu', reference));
  return ours;
}

/**
 * Runs `run` and checks it frees every tensor and wasm buffer it made except the derived filters
 * it cached for `inputs` (derived-weight-cache.ts); then disposes `inputs` and checks those
 * are freed too.
 */
export async function expectFreesEverything(inputs: tf.Tensor[], run: () => tf.Tensor) {
  // Also frees what earlier cases cached for their (now disposed) inputs.
  const cached = derivedWeightCacheSize();
  const before = backendDataIds();
  await expectNoLeakedTensors(run);
  const kept = derivedWeightCacheSize() - cached;
  expect(backendDataIds() - before).toBe(kept);
  tf.dispose(inputs);
  expect(derivedWeightCacheSize()).toBe(cached);
  expect(backendDataIds()).toBe(before - inputs.length);
}

/** Spreads a [fh, fw, a, b] filter with dilation - 1 zeros between taps (the undilated twin). */
function spreadFilter(
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
function unspreadFilter(
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

/** A {@link ConvCase} from positional fields (dilations default to 1). */
export function convCase(
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

/** The shared cases read as depthwise convs: filter [fh, fw, channels, multiplier]. */
export function asDepthwise<C extends ConvCase>(cases: C[]): (C & { multiplier: number })[] {
  return cases.map((c) => ({ ...c, multiplier: c.filter[3] }));
}

/** The conv backprop kernels under test. */
export type ConvBackpropKernel =
  | 'Conv2DBackpropFilter'
  | 'Conv2DBackpropInput'
  | 'DepthwiseConv2dNativeBackpropFilter'
  | 'DepthwiseConv2dNativeBackpropInput';

function isDepthwise(kernel: ConvBackpropKernel): boolean {
  return kernel.startsWith('Depthwise');
}

function isFilterGrad(kernel: ConvBackpropKernel): boolean {
  return kernel.endsWith('Filter');
}

/** Shape of the conv output (the dy the backprops take) for `c`. */
export function convDyShape(c: ConvCase, depthwise = false): number[] {
  return backend_util.computeConv2DInfo(
    c.x,
    c.filter,
    c.strides,
    c.dilations,
    c.pad,
    undefined,
    depthwise,
  ).outShape;
}

/**
 * Runs a conv backprop kernel on the active backend: the filter grads take `[x, dy]`, the input
 * grads `[dy, filter]`. `filterShape` and `dilations` default to the case's.
 */
export function convBackprop(
  kernel: ConvBackpropKernel,
  inputs: [tf.Tensor, tf.Tensor],
  c: ConvCase,
  {
    filterShape = c.filter,
    dilations = c.dilations,
  }: { filterShape?: number[]; dilations?: number[] } = {},
): tf.Tensor {
  const [a, b] = inputs;
  const filterGrad = isFilterGrad(kernel);
  return tf.engine().runKernel(kernel, filterGrad ? { x: a, dy: b } : { dy: a, filter: b }, {
    strides: c.strides,
    pad: c.pad,
    dilations,
    ...(isDepthwise(kernel) ? {} : { dataFormat: 'NHWC' }),
    ...(filterGrad ? { filterShape } : { inputShape: c.x }),
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** Shapes of a backprop kernel's two inputs (`[x, dy]` or `[dy, filter]`) for `c`. */
function convInputShapes(kernel: ConvBackpropKernel, c: ConvCase): [number[], number[]] {
  const dy = convDyShape(c, isDepthwise(kernel));
  return isFilterGrad(kernel) ? [c.x, dy] : [dy, c.filter];
}

/**
 * Runs `kernel` on wasm and on cpu from the same seeded inputs and compares within the issue's
 * tolerance. tfjs's cpu kernels ignore (or mishandle) dilations, so the reference uses the
 * undilated zero-spread twin filter: differentiated and then sampled at every dilation-th tap
 * for the filter grads, or passed as the filter for the input grads.
 */
export async function expectBackpropMatchesCpu(
  kernel: ConvBackpropKernel,
  c: ConvCase,
  seeds: [number, number],
): Promise<void> {
  const [shapeA, shapeB] = convInputShapes(kernel, c);
  const a = randn(tf.util.sizeFromShape(shapeA), seeds[0]);
  const b = randn(tf.util.sizeFromShape(shapeB), seeds[1]);
  const ours = await runOn('wasm', () =>
    convBackprop(kernel, [tf.tensor(a, shapeA), tf.tensor(b, shapeB)], c),
  );
  const undilated = { dilations: [1, 1] };
  let reference: Float32Array;
  if (isFilterGrad(kernel)) {
    const [dh, dw] = c.dilations;
    const filterShape = [
      (c.filter[0] - 1) * dh + 1,
      (c.filter[1] - 1) * dw + 1,
      c.filter[2],
      c.filter[3],
    ];
    const spread = await runOn('cpu', () =>
      convBackprop(kernel, [tf.tensor(a, shapeA), tf.tensor(b, shapeB)], c, {
        filterShape,
        ...undilated,
      }),
    );
    reference = unspreadFilter(spread, c.filter, c.dilations);
  } else {
    const spread = spreadFilter(b, c.filter, c.dilations);
    reference = await runOn('cpu', () =>
      convBackprop(
        kernel,
        [tf.tensor(a, shapeA), tf.tensor(spread.values, spread.shape)],
        c,
        undilated,
      ),
    );
  }
  expect((ours as unknown as { shape: number[] }).shape).toEqual(
    isFilterGrad(kernel) ? c.filter : c.x,
  );
  expectCloseToReference(ours, reference);
}

/** Runs `kernel` on seeded inputs for `c` and checks it leaks no tensors and no wasm buffers. */
export async function expectBackpropFreesEverything(
  kernel: ConvBackpropKernel,
  c: ConvCase,
  seeds: [number, number],
): Promise<void> {
  const [shapeA, shapeB] = convInputShapes(kernel, c);
  const inputs: [tf.Tensor, tf.Tensor] = [
    randomTensor(shapeA, seeds[0]),
    randomTensor(shapeB, seeds[1]),
  ];
  await expectFreesEverything(inputs, () => convBackprop(kernel, inputs, c));
}

/** One max pool to differentiate. */
export interface PoolCase {
  name: string;
  x: [number, number, number, number];
  filterSize: [number, number];
  strides: [number, number];
  pad: 'same' | 'valid' | number;
}

function poolCase(
  name: string,
  x: PoolCase['x'],
  filterSize: [number, number],
  strides: [number, number],
  pad: PoolCase['pad'],
): PoolCase {
  return { name, x, filterSize, strides, pad };
}

/** Small pools: 2x2 stride 2 (with and without the SIMD channel counts), overlapping windows, numeric pads. */
export const poolCases: PoolCase[] = [
  poolCase('2x2 stride 2 valid, batch 2', [2, 8, 6, 3], [2, 2], [2, 2], 'valid'),
  poolCase('2x2 stride 2 valid, odd sizes', [2, 7, 5, 1], [2, 2], [2, 2], 'valid'),
  poolCase(
    '2x2 stride 2 valid, 8 channels (SIMD path), batch 2',
    [2, 6, 8, 8],
    [2, 2],
    [2, 2],
    'valid',
  ),
  poolCase(
    '2x2 stride 2 valid, 4 channels (SIMD path), odd sizes',
    [3, 7, 5, 4],
    [2, 2],
    [2, 2],
    'valid',
  ),
  poolCase('3x3 stride 2 same (overlapping)', [2, 9, 8, 4], [3, 3], [2, 2], 'same'),
  poolCase('3x2 stride 1 same (overlapping)', [1, 6, 7, 2], [3, 2], [1, 1], 'same'),
  poolCase('2x3 strides [1, 2] numeric pad 1', [2, 5, 7, 2], [2, 3], [1, 2], 1),
];

/** Shape of the max-pool output (the dy its gradient takes) for `c`. */
export function poolDyShape(c: PoolCase): number[] {
  return backend_util.computePool2DInfo(c.x, c.filterSize, c.strides, 1, c.pad).outShape;
}
