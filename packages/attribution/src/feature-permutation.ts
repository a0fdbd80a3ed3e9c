import { InterpError, type RandomState, toRng } from '@interp/core';
import type * as tf from '@tensorflow/tfjs-core';
import { resolveFeatureMask, spreadFeatures } from './internal/feature-mask.js';
import { singleFeatureDrops } from './internal/perturbation-call.js';
import { prepareCall } from './internal/prepare-call.js';
import { type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import { optionalPositiveInt } from './internal/validate-input.js';
import type { AttributeOptions, AttributionModel } from './types.js';

/** Options of {@link FeaturePermutation.attribute}. */
export interface FeaturePermutationAttributeOptions extends AttributeOptions {
  /** Integer feature ids that broadcast against x; default: each scalar is its own feature. */
  featureMask?: tf.Tensor;
  /** Permuted copies of the batch per forward pass; default from the batch budget. */
  perturbationsPerEval?: number;
  /** Seed or generator of the permutations (one per feature, as Captum draws them). */
  randomState?: RandomState;
}

/**
 * Permutation feature importance per item with Captum's semantics: for each feature in turn, its
 * values are shuffled across the batch (a fresh random permutation of the items, never the
 * identity) and F(x) - F(x permuted) at the target class is credited to every value of the
 * feature. Needs a batch of at least 2 items. The result has x's shape and is the caller's to
 * dispose.
 *
 * @example
 * ```ts
 * const fp = new FeaturePermutation(learn);
 * const attr = await fp.attribute(batch, { target: 1, randomState: 0 });
 * attr.dispose();
 * ```
 */
export class FeaturePermutation {
  private readonly model: ResolvedModel;

  constructor(model: AttributionModel) {
    this.model = resolveModel(model, 'FeaturePermutation');
  }

  async attribute(
    x: tf.Tensor,
    options: FeaturePermutationAttributeOptions = {},
  ): Promise<tf.Tensor> {
    const where = 'FeaturePermutation.attribute';
    const m = this.model;
    const call = await prepareCall(m, x, options, where);
    const xs = call.x;
    const { targets, numClasses } = call;
    try {
      const n = xs.shape[0]!;
      if (n < 2) {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `${where}: x has 1 item; permuting a feature across the batch needs at least 2 items`,
        );
      }
      const perEval = optionalPositiveInt(
        options.perturbationsPerEval,
        `${where}: perturbationsPerEval`,
      );
      const mask = await resolveFeatureMask(options.featureMask, xs, where);
      const rng = toRng(options.randomState);
      const perms: Int32Array[] = [];
      for (let p = 0; p < mask.numFeatures; p++) {
        let perm = rng.permutation(n);
        // Captum redraws the identity, which would leave the feature in place.
        while (perm.every((v, i) => v === i)) perm = rng.permutation(n);
        perms.push(perm);
      }
      const drops = await singleFeatureDrops(
        {
          forward: m.forward,
          x: xs,
          replacement: xs,
          replacementRow: (p, i) => perms[p]![i]!,
          targets,
          numClasses,
          where,
          perturbationsPerEval: perEval,
        },
        mask,
      );
      return spreadFeatures(mask, drops, n, xs.shape);
    } finally {
      call.release();
    }
  }
}
