import { type RandomState, toRng } from '@interp/core';
import type * as tf from '@tensorflow/tfjs-core';
import { checkSampleCount } from './internal/check-options.js';
import {
  type SurrogateOptions,
  type SurrogateRecipe,
  surrogateAttribute,
} from './internal/lime-base.js';
import { fitWeightedLeastSquares } from './internal/lime-linear-model.js';
import { type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import type { AttributionModel } from './types.js';

/** Options of {@link KernelShap.attribute}. */
export interface KernelShapAttributeOptions extends SurrogateOptions {
  /** Samples per item (Captum's `n_samples`, default 25, at most 100,000), the first two being all features present and all absent. */
  nSamples?: number;
  /** Seed or generator of the samples. */
  randomState?: RandomState;
}

/**
 * Defaults of {@link KernelShap.attribute}. `endpointWeight` is Captum's stand-in for the
 * Shapley kernel's infinite weight on the empty and the full coalition.
 */
export const kernelShapDefaults = Object.freeze({
  nSamples: 25,
  maxSamples: 100_000,
  baselines: 0,
  endpointWeight: 1_000_000,
} as const);

/**
 * Kernel SHAP (Lundberg & Lee 2017) as Captum samples it: the first two samples are all features
 * present and all absent (weight 10^6, so the fit honours F(x) and F(baseline)); each other
 * sample draws its number of present features k in 1..F-1 with probability proportional to
 * (F - 1) / (k (F - k)) and then k features uniformly, which applies the Shapley kernel by
 * sampling, so those samples have weight 1. A weighted least-squares fit with an intercept
 * (Captum's SkLearnLinearRegression) of the target scores gives the attributions, which
 * approach the exact Shapley values as nSamples grows. The result has x's shape and is the
 * caller's to dispose.
 *
 * @example
 * ```ts
 * const ks = new KernelShap(learn);
 * const attr = await ks.attribute(x, { target: 0, featureMask: groups, nSamples: 300, randomState: 0 });
 * attr.dispose();
 * ```
 */
export class KernelShap {
  private readonly model: ResolvedModel;

  constructor(model: AttributionModel) {
    this.model = resolveModel(model, 'KernelShap');
  }

  async attribute(x: tf.Tensor, options: KernelShapAttributeOptions = {}): Promise<tf.Tensor> {
    const where = 'KernelShap.attribute';
    const d = kernelShapDefaults;
    const nSamples = checkSampleCount(options.nSamples ?? d.nSamples, d.maxSamples, where);
    const rng = toRng(options.randomState);
    let cumulative: Float64Array | undefined;
    const recipe: SurrogateRecipe = {
      draw: (r, s, present) => {
        const nf = present.length;
        if (s === 0 || nf < 2) return void present.fill(s === 0 ? 1 : 0);
        if (s === 1) return void present.fill(0);
        cumulative ??= sizeDistribution(nf);
        const u = r.random();
        let k = 1;
        while (k < nf - 1 && u >= cumulative[k]!) k++;
        present.fill(0);
        const order = r.permutation(nf);
        for (let j = 0; j < k; j++) present[order[j]!] = 1;
      },
      weight: (present) => {
        let k = 0;
        for (const v of present) k += v;
        return k === 0 || k === present.length ? d.endpointWeight : 1;
      },
      fit: fitWeightedLeastSquares,
      needsCosine: false,
      defaultBaseline: kernelShapDefaults.baselines,
    };
    return surrogateAttribute(this.model, x, options, nSamples, rng, recipe, where);
  }
}

/** Cumulative probabilities of k = 1..F-1 present features, p(k) proportional to (F-1)/(k(F-k)); index k. */
function sizeDistribution(nf: number): Float64Array {
  const p = new Float64Array(nf);
  let total = 0;
  for (let k = 1; k < nf; k++) total += (nf - 1) / (k * (nf - k));
  let acc = 0;
  for (let k = 1; k < nf; k++) {
    acc += (nf - 1) / (k * (nf - k)) / total;
    p[k] = acc;
  }
  return p;
}
