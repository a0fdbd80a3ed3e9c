import { InterpError, type RandomState, toRng } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import type { AttributionsWithDelta } from './integrated-gradients.js';
import { resolveBaselineDistribution } from './internal/baseline-distribution.js';
import { DeltaAttribution } from './internal/delta-attribution.js';
import {
  drawGradientShapSamples,
  gradientShapAttributions,
} from './internal/gradient-shap-sampling.js';
import { prepareCall } from './internal/prepare-call.js';
import { type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import type { AttributeOptions, AttributionModel } from './types.js';

/** Options of the {@link GradientShap} constructor. */
export interface GradientShapOptions {
  /** Multiply the gradients by (noisy input - baseline) (Captum's `multiply_by_inputs`). */
  multiplyByInputs?: boolean;
}

/** Options of {@link GradientShap.attribute}. */
export interface GradientShapAttributeOptions extends AttributeOptions {
  /** The baseline distribution: a number, a tensor shaped like one item, or [B, ...item]. */
  baselines: number | tf.Tensor;
  /** Random samples per item (Captum's `n_samples`). */
  nSamples?: number;
  /** Standard deviation of the Gaussian noise added to the input (Captum's `stdevs`). */
  stdevs?: number;
  /** Seed or generator for the draws (baselines, noise, alphas). */
  randomState?: RandomState;
  /** Also return each sample's convergence delta: [N * nSamples], item-major. */
  returnConvergenceDelta?: boolean;
}

/** Defaults of {@link GradientShap}, written once (Captum's). */
export const gradientShapDefaults = Object.freeze({
  multiplyByInputs: true,
  nSamples: 5,
  stdevs: 0,
  returnConvergenceDelta: false,
} as const);

/**
 * GradientShap (Lundberg and Lee 2017; Captum's `GradientShap`): for each item, `nSamples`
 * draws of a baseline from the distribution, Gaussian noise on the input and a point alpha
 * uniform in [0, 1); the attribution is the mean over the draws of
 * (noisy input - baseline) x gradient at baseline + alpha (noisy input - baseline). Its
 * expectation is Integrated Gradients averaged over the baselines. Seeded with `randomState`;
 * the draws differ from PyTorch's generator, so single runs match Captum only in expectation
 * (or exactly when Captum's draws are replayed). All samples go through the model in one pass.
 *
 * @example
 * ```ts
 * const gs = new GradientShap(model);
 * const attr = await gs.attribute(x, { baselines: background, nSamples: 50, stdevs: 0.1, randomState: 0 });
 * attr.dispose();
 * ```
 */
export class GradientShap extends DeltaAttribution<
  GradientShapAttributeOptions,
  [options: GradientShapAttributeOptions]
> {
  readonly multiplyByInputs: boolean;
  private readonly model: ResolvedModel;

  constructor(model: AttributionModel, options: GradientShapOptions = {}) {
    super();
    this.model = resolveModel(model, 'GradientShap');
    this.multiplyByInputs = options.multiplyByInputs ?? gradientShapDefaults.multiplyByInputs;
  }

  protected async attributeOrDelta(
    x: tf.Tensor,
    options: GradientShapAttributeOptions,
  ): Promise<tf.Tensor | AttributionsWithDelta> {
    const where = 'GradientShap.attribute';
    const nSamples = options.nSamples ?? gradientShapDefaults.nSamples;
    const stdevs = options.stdevs ?? gradientShapDefaults.stdevs;
    if (!Number.isInteger(nSamples) || nSamples < 1) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${where}: nSamples must be an integer >= 1, got ${nSamples}`,
      );
    }
    if (!(Number.isFinite(stdevs) && stdevs >= 0)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${where}: stdevs must be a finite number >= 0, got ${stdevs}`,
      );
    }
    const call = await prepareCall(this.model, x, options, where);
    try {
      const dist = resolveBaselineDistribution(options.baselines, call.x, where);
      const draws = drawGradientShapSamples(
        toRng(options.randomState),
        call.x.shape,
        nSamples,
        stdevs,
        dist.shape[0]!,
      );
      try {
        return gradientShapAttributions(
          this.model,
          call,
          dist,
          draws,
          nSamples,
          this.multiplyByInputs,
          options.returnConvergenceDelta ?? gradientShapDefaults.returnConvergenceDelta,
          where,
        );
      } finally {
        tf.dispose([dist, draws.noise as tf.Tensor]);
      }
    } finally {
      call.release();
    }
  }
}
