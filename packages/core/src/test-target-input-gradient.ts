import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';
import { createRng } from './random.js';
import { targetInputGradient } from './target-input-gradient.js';

// Shared by the targetInputGradient test files: models, inputs and the tf.grad oracle.

export type LayerFactory = () => tfl.layers.Layer[];

let seed = 1;
/** A fresh initializer seed per call: every layer of every case gets its own weights. */
export const nextSeed = () => seed++;
export const init = () => ({
  kernelInitializer: tfl.initializers.glorotUniform({ seed: seed++ }),
  // Non-zero biases: ReLU thresholds and max-pool winners then depend on them.
  biasInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 0.3, seed: seed++ }),
});

export function randomInput(shape: number[], s: number): tf.Tensor {
  const rng = createRng(s);
  return tf.tensor(
    Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => rng.normal()),
    shape,
  );
}

export function sequential(inputShape: number[], layers: LayerFactory): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.inputLayer({ inputShape }));
  for (const layer of layers()) model.add(layer);
  return model;
}

/** The same layers wired as a functional model (tf.input -> ... -> tf.model). */
export function functional(inputShape: number[], layers: LayerFactory): tfl.LayersModel {
  const input = tfl.input({ shape: inputShape });
  let out: tfl.SymbolicTensor = input;
  for (const layer of layers()) out = layer.apply(out) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** Independent reference: tf.grad of sum(model.apply(x) * weights) through the tape. */
export function referenceGradient(model: tfl.LayersModel, x: tf.Tensor, weights: tf.Tensor) {
  return tf.grad((z: tf.Tensor) =>
    tf.sum(tf.mul(model.apply(z, { training: false }) as tf.Tensor, weights)),
  )(x);
}

export function oneHotRows(targets: number[], classes: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), classes), 'float32'));
}

/** Max |a - b| and max |b| over two tensors of the same shape. */
export async function difference(a: tf.Tensor, b: tf.Tensor) {
  expect(a.shape).toEqual(b.shape);
  const [av, bv] = [await a.data(), await b.data()];
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < bv.length; i++) {
    diff = Math.max(diff, Math.abs(av[i]! - bv[i]!));
    ref = Math.max(ref, Math.abs(bv[i]!));
  }
  return { diff, ref };
}

/** Gradient (fast path) and outputs match tf.grad and model.apply within 1e-5 relative. */
export async function expectMatchesTape(
  model: tfl.LayersModel,
  x: tf.Tensor,
  targets: number[],
  expectedMethod: 'layers' | 'tape' = 'layers',
) {
  const classes = model.outputs[0]!.shape[1] as number;
  const weights = oneHotRows(targets, classes);
  const ours = targetInputGradient(model, x, targets);
  const reference = referenceGradient(model, x, weights);
  const outputs = model.apply(x) as tf.Tensor;
  try {
    expect(ours.method).toBe(expectedMethod);
    const g = await difference(ours.gradient, reference);
    expect(g.ref).toBeGreaterThan(0);
    expect(g.diff).toBeLessThanOrEqual(1e-5 * g.ref);
    const o = await difference(ours.outputs, outputs);
    expect(o.diff).toBeLessThanOrEqual(1e-5 * o.ref);
  } finally {
    tf.dispose([weights, ours.gradient, ours.outputs, reference, outputs]);
  }
}

export type ConvArgs = Parameters<typeof tfl.layers.conv2d>[0];
export const convRelu = (filters: number, more: Partial<ConvArgs> = {}) =>
  tfl.layers.conv2d({ filters, kernelSize: 3, activation: 'relu', ...init(), ...more });

/**
 * Inference-mode batch norm with seeded, non-trivial statistics, scale and shift; `more`
 * overrides any argument (another initializer range, `scale: false`).
 */
export const seededBatchNorm = (more: Parameters<typeof tfl.layers.batchNormalization>[0] = {}) =>
  tfl.layers.batchNormalization({
    movingMeanInitializer: tfl.initializers.randomNormal({ seed: nextSeed() }),
    movingVarianceInitializer: tfl.initializers.randomUniform({
      minval: 0.5,
      maxval: 2,
      seed: nextSeed(),
    }),
    gammaInitializer: tfl.initializers.randomNormal({ mean: 1, stddev: 0.5, seed: nextSeed() }),
    betaInitializer: tfl.initializers.randomNormal({ seed: nextSeed() }),
    ...more,
  });

/**
 * Checks every `every`-th entry of `g` (d score / dx for `model`'s output `cls`, one item)
 * against central finite differences of `model.predict` with step `h` (default 1e-2), to 1% of
 * g's largest entry: coarse (float32 forwards, ReLU kinks), but a dropped branch or a gradient
 * not summed at a fan-out is off by O(largest entry).
 */
export async function expectFiniteDifferences(
  model: { predict(x: tf.Tensor): unknown },
  x: tf.Tensor,
  g: ArrayLike<number>,
  cls: number,
  every: number,
  h = 1e-2,
): Promise<void> {
  const values = await x.data();
  const score = (v: Float32Array) =>
    tf.tidy(() => (model.predict(tf.tensor(v, x.shape)) as tf.Tensor).dataSync()[cls]!);
  const scale = Math.max(...Array.from(g, Math.abs));
  for (let i = 0; i < values.length; i += every) {
    const up = Float32Array.from(values);
    const down = Float32Array.from(values);
    up[i]! += h;
    down[i]! -= h;
    const fd = (score(up) - score(down)) / (2 * h);
    expect(Math.abs(fd - g[i]!)).toBeLessThanOrEqual(1e-2 * scale);
  }
}
