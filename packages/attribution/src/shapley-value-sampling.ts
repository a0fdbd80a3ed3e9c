import { type RandomState, toRng } from '@interp/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { Baseline } from './internal/baseline.js';
import { checkSampleCount } from './internal/check-options.js';
import { fillFeatureMask, resolveFeatureMask, spreadFeatures } from './internal/feature-mask.js';
import { withPerturbationCall } from './internal/perturbation-call.js';
import { perturbedScores, targetScores } from './internal/perturbation-engine.js';
import { type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import type { AttributeOptions, AttributionModel } from './types.js';

/** Options of {@link ShapleyValueSampling.attribute}. */
export interface ShapleyValueSamplingAttributeOptions extends AttributeOptions {
  /** The "absent" value of a feature: a number (default 0), a tensor like one item or like x. */
  baselines?: Baseline;
  /** Integer feature ids that broadcast against x; default: each scalar is its own feature. */
  featureMask?: tf.Tensor;
  /** Random feature orders averaged (Captum's `n_samples`, default 25, at most 10,000). */
  nSamples?: number;
  /** Perturbed copies of the batch per forward pass; default from the batch budget. */
  perturbationsPerEval?: number;
  /** Seed or generator of the feature orders. */
  randomState?: RandomState;
}

/** Defaults of {@link ShapleyValueSampling.attribute}, written once. */
export const shapleyValueSamplingDefaults = Object.freeze({
  baselines: 0,
  nSamples: 25,
  maxSamples: 10_000,
} as const);

/**
 * Shapley value sampling (Castro et al. 2009) with Captum's semantics: for each of `nSamples`
 * random feature orders (the same order for every item), the features are switched from the
 * baseline to the input one at a time and each is credited the change of the target score it
 * causes; the credits are averaged over the orders. For every item the attributions of the
 * features sum to F(x) - F(baseline) exactly (up to float rounding). The result has x's shape
 * and is the caller's to dispose.
 *
 * @example
 * ```ts
 * const svs = new ShapleyValueSampling(learn);
 * const attr = await svs.attribute(x, { target: 0, nSamples: 50, randomState: 0 });
 * attr.dispose();
 * ```
 */
export class ShapleyValueSampling {
  private readonly model: ResolvedModel;

  constructor(model: AttributionModel) {
    this.model = resolveModel(model, 'ShapleyValueSampling');
  }

  async attribute(
    x: tf.Tensor,
    options: ShapleyValueSamplingAttributeOptions = {},
  ): Promise<tf.Tensor> {
    const where = 'ShapleyValueSampling.attribute';
    const d = shapleyValueSamplingDefaults;
    const nSamples = checkSampleCount(options.nSamples ?? d.nSamples, d.maxSamples, where);
    const rng = toRng(options.randomState);
    return shapleyAttribute(this.model, x, options, where, (numFeatures) => {
      const orders: Int32Array[] = [];
      for (let s = 0; s < nSamples; s++) orders.push(rng.permutation(numFeatures));
      return orders;
    });
  }
}

/**
 * Shapley values averaged over the given feature orders: each order costs F - 1 evaluations
 * (the empty and the full coalition are the baseline and x, evaluated once).
 */
async function shapleyAttribute(
  m: ResolvedModel,
  x: tf.Tensor,
  options: ShapleyValueSamplingAttributeOptions,
  where: string,
  drawOrders: (numFeatures: number) => Int32Array[],
): Promise<tf.Tensor> {
  return withPerturbationCall(
    m,
    x,
    options,
    where,
    shapleyValueSamplingDefaults.baselines,
    async ({ call, problem }) => {
      const xs = call.x;
      const { targets, numClasses } = call;
      const mask = await resolveFeatureMask(options.featureMask, xs, where);
      const n = xs.shape[0]!;
      const nf = mask.numFeatures;
      const orders = drawOrders(nf);
      // position[s][f]: where feature f comes in order s; coalition (s, k) holds positions < k.
      const position = orders.map((order) => {
        const pos = new Int32Array(nf);
        for (let k = 0; k < nf; k++) pos[order[k]!] = k;
        return pos;
      });
      const inner = Math.max(0, nf - 1);
      const full = await targetScores(m.forward, xs, targets, numClasses, where);
      const off = new Uint8Array(nf);
      const scores = await perturbedScores(problem, 1 + orders.length * inner, (p, i, out) => {
        if (p === 0) off.fill(1);
        else {
          const pos = position[Math.floor((p - 1) / inner)]!;
          const k = ((p - 1) % inner) + 1;
          for (let f = 0; f < nf; f++) off[f] = pos[f]! >= k ? 1 : 0;
        }
        fillFeatureMask(mask, i, off, out);
      });
      const value = (s: number, k: number, i: number): number =>
        k === 0 ? scores[i]! : k === nf ? full[i]! : scores[(1 + s * inner + k - 1) * n + i]!;
      const perFeature = new Float64Array(n * nf);
      for (let s = 0; s < orders.length; s++) {
        const pos = position[s]!;
        for (let i = 0; i < n; i++) {
          for (let f = 0; f < nf; f++) {
            const k = pos[f]!;
            perFeature[i * nf + f]! += value(s, k + 1, i) - value(s, k, i);
          }
        }
      }
      for (let j = 0; j < perFeature.length; j++) perFeature[j]! /= orders.length;
      return spreadFeatures(mask, perFeature, n, xs.shape);
    },
  );
}
