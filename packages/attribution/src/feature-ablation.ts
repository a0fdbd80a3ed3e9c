import type * as tf from '@tensorflow/tfjs-core';
import type { Baseline } from './internal/baseline.js';
import { resolveFeatureMask, spreadFeatures } from './internal/feature-mask.js';
import { singleFeatureDrops, withPerturbationCall } from './internal/perturbation-call.js';
import { type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import type { AttributeOptions, AttributionModel } from './types.js';

/** Options of {@link FeatureAblation.attribute}. */
export interface FeatureAblationAttributeOptions extends AttributeOptions {
  /** What an ablated value becomes: a number (default 0), a tensor like one item or like x. */
  baselines?: Baseline;
  /**
   * Integer feature ids that broadcast against x (e.g. [1, 1, H, W] for per-pixel features of
   * [N, C, H, W] images); values sharing an id are ablated together. Default: every scalar of
   * an item is its own feature.
   */
  featureMask?: tf.Tensor;
  /**
   * Ablated copies of the batch per forward pass (Captum's `perturbations_per_eval`). Default:
   * as many as keep a pass under 2^17 input values. The result does not depend on it.
   */
  perturbationsPerEval?: number;
}

/** Defaults of {@link FeatureAblation.attribute}, written once. */
export const featureAblationDefaults = Object.freeze({ baselines: 0 } as const);

/**
 * Feature ablation with Captum's semantics: each feature (a group of values with one id in
 * `featureMask`, or each scalar) is replaced by the baseline in turn, and F(x) - F(x ablated)
 * at the target class is credited to every value of the feature. Forward passes only. The result
 * has x's shape and is the caller's to dispose.
 *
 * @example
 * ```ts
 * const fa = new FeatureAblation(learn);
 * const attr = await fa.attribute(x, { target: 1, featureMask: tf.tensor([[0, 0, 1, 1]], undefined, 'int32') });
 * attr.dispose();
 * ```
 */
export class FeatureAblation {
  private readonly model: ResolvedModel;

  constructor(model: AttributionModel) {
    this.model = resolveModel(model, 'FeatureAblation');
  }

  async attribute(x: tf.Tensor, options: FeatureAblationAttributeOptions = {}): Promise<tf.Tensor> {
    const where = 'FeatureAblation.attribute';
    return withPerturbationCall(
      this.model,
      x,
      options,
      where,
      featureAblationDefaults.baselines,
      async ({ call, problem }) => {
        const mask = await resolveFeatureMask(options.featureMask, call.x, where);
        const drops = await singleFeatureDrops(problem, mask);
        return spreadFeatures(mask, drops, call.x.shape[0]!, call.x.shape);
      },
    );
  }
}
