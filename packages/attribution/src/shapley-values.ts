import { InterpError } from '@interp/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { Baseline } from './internal/baseline.js';
import { fillFeatureMask, resolveFeatureMask, spreadFeatures } from './internal/feature-mask.js';
import { withPerturbationCall } from './internal/perturbation-call.js';
import { perturbedScores } from './internal/perturbation-engine.js';
import { type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import type { AttributeOptions, AttributionModel } from './types.js';

/** Options of {@link ShapleyValues.attribute}. */
export interface ShapleyValuesAttributeOptions extends AttributeOptions {
  /** The "absent" value of a feature: a number (default 0), a tensor like one item or like x. */
  baselines?: Baseline;
  /**
   * Integer feature ids that broadcast against x; default: each scalar is its own feature.
   * At most {@link shapleyValuesDefaults}.maxFeatures features.
   */
  featureMask?: tf.Tensor;
  /** Perturbed copies of the batch per forward pass; default from the batch budget. */
  perturbationsPerEval?: number;
}

/**
 * Defaults of {@link ShapleyValues.attribute}. `maxFeatures` (16) bounds the 2^F coalitions
 * evaluated per item (65,536); Captum enumerates F! orders and warns above 10 features.
 */
export const shapleyValuesDefaults = Object.freeze({ baselines: 0, maxFeatures: 16 } as const);

/**
 * Exact Shapley values, equal to Captum's ShapleyValues (the average over all F! feature orders
 * of each feature's marginal contribution) but computed from the 2^F coalitions: feature f gets
 * the sum over coalitions S without f of |S|! (F - |S| - 1)! / F! * (v(S + f) - v(S)), where
 * v(S) is the target score with the features in S from x and the rest from the baseline. Their
 * sum is F(x) - F(baseline). The result has x's shape and is the caller's to dispose.
 *
 * @example
 * ```ts
 * const sv = new ShapleyValues(learn);
 * const attr = await sv.attribute(x, { target: 0, featureMask: groups });
 * attr.dispose();
 * ```
 */
export class ShapleyValues {
  private readonly model: ResolvedModel;

  constructor(model: AttributionModel) {
    this.model = resolveModel(model, 'ShapleyValues');
  }

  async attribute(x: tf.Tensor, options: ShapleyValuesAttributeOptions = {}): Promise<tf.Tensor> {
    const where = 'ShapleyValues.attribute';
    return withPerturbationCall(
      this.model,
      x,
      options,
      where,
      shapleyValuesDefaults.baselines,
      async ({ call, problem }) => {
        const xs = call.x;
        const mask = await resolveFeatureMask(options.featureMask, xs, where);
        const nf = mask.numFeatures;
        const max = shapleyValuesDefaults.maxFeatures;
        if (nf > max) {
          throw new InterpError(
            'INVALID_ARGUMENT',
            `${where}: ${nf} features need 2^${nf} evaluations per item; exact Shapley values take at most ${max} features: group values with a featureMask or use ShapleyValueSampling`,
          );
        }
        const n = xs.shape[0]!;
        const coalitions = 2 ** nf;
        const off = new Uint8Array(nf);
        const scores = await perturbedScores(problem, coalitions, (s, i, out) => {
          for (let f = 0; f < nf; f++) off[f] = (s >> f) & 1 ? 0 : 1;
          fillFeatureMask(mask, i, off, out);
        });
        const weight = coalitionWeights(nf);
        const perFeature = new Float64Array(n * nf);
        for (let s = 0; s < coalitions; s++) {
          const size = popcount(s);
          for (let f = 0; f < nf; f++) {
            if ((s >> f) & 1) continue;
            const w = weight[size]!;
            const withF = (s | (1 << f)) * n;
            for (let i = 0; i < n; i++) {
              perFeature[i * nf + f]! += w * (scores[withF + i]! - scores[s * n + i]!);
            }
          }
        }
        return spreadFeatures(mask, perFeature, n, xs.shape);
      },
    );
  }
}

/** |S|! (F - |S| - 1)! / F! for |S| = 0..F-1. */
function coalitionWeights(nf: number): Float64Array {
  const w = new Float64Array(nf);
  for (let s = 0; s < nf; s++) {
    // 1 / (F * C(F - 1, s)), built up without large factorials.
    let binom = 1;
    for (let k = 1; k <= s; k++) binom = (binom * (nf - 1 - s + k)) / k;
    w[s] = 1 / (nf * binom);
  }
  return w;
}

function popcount(v: number): number {
  let c = 0;
  for (let b = v; b; b &= b - 1) c++;
  return c;
}
