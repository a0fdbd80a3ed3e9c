import { InterpError, type RandomGenerator } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { convergenceDelta } from './convergence-delta.js';
import type { ResolvedModel } from './resolve-model.js';
import { targetGradient } from './target-gradient.js';
import { targetMask } from './targets.js';

/**
 * The random draws of one GradientShap call, one per row r = item * nSamples + sample of the
 * expanded batch (Captum's repeat_interleave order): the Gaussian noise added to the item, the
 * index of the baseline drawn, and the point alpha on the path from baseline to noisy input.
 */
export interface GradientShapDraws {
  /** [rows, ...item] noise already scaled by stdevs, or undefined for none (stdevs 0). */
  noise: tf.Tensor | undefined;
  baselineIndices: Int32Array;
  alphas: Float32Array;
}

/**
 * Draws GradientShap's randomness as Captum does: per row, a baseline uniformly from the
 * distribution, Gaussian noise N(0, stdevs^2) on every input value, alpha uniform in [0, 1).
 * The caller disposes `noise`.
 *
 * @example
 * ```ts
 * const draws = drawGradientShapSamples(toRng(0), x.shape, 5, 0.1, baselines.shape[0]);
 * ```
 */
export function drawGradientShapSamples(
  rng: RandomGenerator,
  xShape: readonly number[],
  nSamples: number,
  stdevs: number,
  nBaselines: number,
): GradientShapDraws {
  const rows = xShape[0]! * nSamples;
  const item = xShape.slice(1);
  const baselineIndices = Int32Array.from({ length: rows }, () => rng.int(nBaselines));
  const alphas = Float32Array.from({ length: rows }, () => rng.random());
  let noise: tf.Tensor | undefined;
  if (stdevs > 0) {
    const size = rows * item.reduce((a, b) => a * b, 1);
    noise = tf.tensor(
      Float32Array.from({ length: size }, () => stdevs * rng.normal()),
      [rows, ...item],
    );
  }
  return { noise, baselineIndices, alphas };
}

/** The expanded batch of a GradientShap call: points to differentiate at and their factors. */
export interface GradientShapBatch {
  /** [rows, ...item]: baseline + alpha * (noisy input - baseline). */
  points: tf.Tensor;
  /** [rows, ...item]: the noisy inputs. */
  noisy: tf.Tensor;
  /** [rows, ...item]: the drawn baselines. */
  baselines: tf.Tensor;
}

/**
 * Builds the expanded batch of rows from x [N, ...item], the baseline distribution [B, ...item]
 * and the draws (Captum's InputBaselineXGradient inputs inside its NoiseTunnel). Call it inside
 * a tidy.
 */
export function gradientShapBatch(
  x: tf.Tensor,
  distribution: tf.Tensor,
  draws: GradientShapDraws,
  nSamples: number,
): GradientShapBatch {
  const n = x.shape[0]!;
  const item = x.shape.slice(1);
  const rows = n * nSamples;
  if (draws.alphas.length !== rows || draws.baselineIndices.length !== rows) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `GradientShap: ${draws.alphas.length} alphas and ${draws.baselineIndices.length} baseline indices for ${rows} rows (N x nSamples)`,
    );
  }
  const repeated = tf.reshape(tf.tile(tf.expandDims(x, 1), [1, nSamples, ...item.map(() => 1)]), [
    rows,
    ...item,
  ]);
  const noisy = draws.noise ? tf.add(repeated, draws.noise) : repeated;
  const baselines = tf.gather(distribution, tf.tensor1d(draws.baselineIndices, 'int32'));
  const alpha = tf.reshape(tf.tensor1d(draws.alphas), [rows, ...item.map(() => 1)]);
  const points = tf.add(baselines, tf.mul(alpha, tf.sub(noisy, baselines)));
  return { points, noisy, baselines };
}

/**
 * GradientShap's attributions from given draws: the mean over each item's rows of
 * (noisy - baseline) x gradient at the row's point (the gradient alone without
 * `multiplyByInputs`), and with `wantDelta` each row's convergence delta ([N * nSamples]).
 * Replays Captum's recorded draws in the tests; layer variants can reuse the batch and draws.
 *
 * @example
 * ```ts
 * const { attributions } = gradientShapAttributions(m, call, dist, draws, 5, true, false, where);
 * ```
 */
export function gradientShapAttributions(
  model: ResolvedModel,
  call: { x: tf.Tensor; targets: Int32Array; numClasses: number },
  distribution: tf.Tensor,
  draws: GradientShapDraws,
  nSamples: number,
  multiplyByInputs: boolean,
  wantDelta: boolean,
  where: string,
): tf.Tensor | { attributions: tf.Tensor; delta: tf.Tensor1D } {
  const [attributions, delta] = tf.tidy(() => {
    const n = call.x.shape[0]!;
    const item = call.x.shape.slice(1);
    const { points, noisy, baselines } = gradientShapBatch(call.x, distribution, draws, nSamples);
    const targets = Int32Array.from(
      { length: n * nSamples },
      (_, r) => call.targets[Math.floor(r / nSamples)]!,
    );
    const mask = targetMask(targets, call.numClasses);
    const grads = targetGradient(model, points, mask, where);
    const rows = multiplyByInputs ? tf.mul(grads, tf.sub(noisy, baselines)) : grads;
    const mean = tf.mean(tf.reshape(rows, [n, nSamples, ...item]), 1);
    if (!wantDelta) return [mean];
    return [mean, convergenceDelta(model, noisy, baselines, rows, mask, where)];
  });
  return delta === undefined
    ? attributions!
    : { attributions: attributions!, delta: delta as tf.Tensor1D };
}
