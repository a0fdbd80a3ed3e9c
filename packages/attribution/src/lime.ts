import { type RandomState, toRng } from '@interp/core';
import type * as tf from '@tensorflow/tfjs-core';
import { checkNonNegative, checkSampleCount } from './internal/check-options.js';
import {
  type SurrogateOptions,
  type SurrogateRecipe,
  surrogateAttribute,
} from './internal/lime-base.js';
import { fitLasso } from './internal/lime-linear-model.js';
import { type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import type { AttributionModel } from './types.js';

/** Options of {@link Lime.attribute}. */
export interface LimeAttributeOptions extends SurrogateOptions {
  /** Random samples per item (Captum's `n_samples`, default 50, at most 100,000). */
  nSamples?: number;
  /** Seed or generator of the samples. */
  randomState?: RandomState;
}

/** Options of the {@link Lime} constructor (Captum's defaults). */
export interface LimeOptions {
  /** Lasso penalty of the interpretable model (Captum: SkLearnLasso(alpha=0.01)). */
  alpha?: number;
  /** Width of the exponential kernel on the cosine distance (Captum: 1.0). */
  kernelWidth?: number;
}

/** Defaults of {@link Lime}, written once. */
export const limeDefaults = Object.freeze({
  nSamples: 50,
  maxSamples: 100_000,
  alpha: 0.01,
  kernelWidth: 1,
  baselines: 0,
} as const);

/**
 * LIME (Ribeiro et al. 2016) with Captum's defaults: the interpretable features are the ids of
 * `featureMask` (default: each scalar); each item gets `nSamples` random binary samples (each
 * feature present with probability 1/2, absent features take the baseline), weighted by
 * exp(-d^2 / (2 w^2)) with d the cosine distance between the item and its perturbed copy and w
 * the kernel width (Captum's `get_exp_kernel_similarity_function('cosine', 1.0)`), and a Lasso
 * (scikit-learn's objective, alpha 0.01) fitted to the target scores. Its coefficients,
 * spread over each feature's values, are the attributions. The result has x's shape and is the
 * caller's to dispose.
 *
 * @example
 * ```ts
 * const lime = new Lime(learn);
 * const attr = await lime.attribute(image, { target: 3, featureMask: superpixels, nSamples: 300, randomState: 0 });
 * attr.dispose();
 * ```
 */
export class Lime {
  private readonly model: ResolvedModel;
  private readonly recipe: SurrogateRecipe;

  constructor(model: AttributionModel, options: LimeOptions = {}) {
    this.model = resolveModel(model, 'Lime');
    const alpha = options.alpha ?? limeDefaults.alpha;
    const width = options.kernelWidth ?? limeDefaults.kernelWidth;
    checkNonNegative(alpha, 'Lime: alpha');
    checkNonNegative(width, 'Lime: kernelWidth', true);
    this.recipe = {
      draw: (rng, _s, present) => {
        for (let k = 0; k < present.length; k++) present[k] = rng.random() < 0.5 ? 1 : 0;
      },
      weight: (_present, cos) => Math.exp(-((1 - cos) ** 2) / (2 * width * width)),
      fit: (x, y, w, m, p) => fitLasso(x, y, w, m, p, alpha),
      needsCosine: true,
      defaultBaseline: limeDefaults.baselines,
    };
  }

  async attribute(x: tf.Tensor, options: LimeAttributeOptions = {}): Promise<tf.Tensor> {
    const where = 'Lime.attribute';
    const nSamples = checkSampleCount(
      options.nSamples ?? limeDefaults.nSamples,
      limeDefaults.maxSamples,
      where,
    );
    const rng = toRng(options.randomState);
    return surrogateAttribute(this.model, x, options, nSamples, rng, this.recipe, where);
  }
}
