import * as tf from '@tensorflow/tfjs-core';
import { type ApproximationMethod, approximationParameters } from './approximation-parameters.js';
import { integratedGradientsDefaults } from './integrated-gradients.js';
import { type Baseline, resolveBaseline } from './internal/baseline.js';
import {
  accumulate,
  type LayerTarget,
  layerActivation,
  layerGradient,
  pathPoints,
  resolveLayerTarget,
  stepsPerPass,
  tileTargets,
  weightedStepSum,
} from './internal/layer-gradient.js';
import { prepareCall } from './internal/prepare-call.js';
import { targetMask } from './internal/targets.js';
import { optionalPositiveInt } from './internal/validate-input.js';
import { type LayerMethodOptions, layerMethodDefaults } from './layer-activation.js';
import type { AttributeOptions, Attribution, AttributionModel } from './types.js';

/** Options of the path methods' `attribute` (InternalInfluence, LayerConductance, LayerIntegratedGradients). */
export interface LayerPathAttributeOptions extends AttributeOptions {
  /** The reference input: a number for every value (default 0), a tensor shaped like one item or like x. */
  baselines?: Baseline;
  /** Number of path points (Captum's `n_steps`). */
  nSteps?: number;
  /** How the path integral is approximated (Captum's names). */
  method?: ApproximationMethod;
  /** Most rows (item x step) per pass; default from the batch budget. The result does not depend on it. */
  internalBatchSize?: number;
}

/**
 * Captum's `InternalInfluence`: the gradient of the target score with respect to the layer's
 * output, integrated along the straight path from the baseline to the input in input space:
 * sum_k w_k dF/dlayer(b + alpha_k (x - b)). Defaults: `nSteps` 50, `gausslegendre`, baseline 0
 * (IntegratedGradients'). [N, ...layer shape], the caller's to dispose.
 *
 * @example
 * ```ts
 * const attr = await new InternalInfluence(model, { layer: 'act1' }).attribute(x, { target: 1 });
 * attr.dispose();
 * ```
 */
export class InternalInfluence implements Attribution<LayerPathAttributeOptions> {
  private readonly target: LayerTarget;

  constructor(model: AttributionModel, options: LayerMethodOptions) {
    this.target = resolveLayerTarget(
      model,
      options?.layer,
      'InternalInfluence',
      options?.attributeToLayerInput ?? layerMethodDefaults.attributeToLayerInput,
    );
  }

  async attribute(x: tf.Tensor, options: LayerPathAttributeOptions = {}): Promise<tf.Tensor> {
    const where = 'InternalInfluence.attribute';
    const { model, layer } = this.target;
    const nSteps = options.nSteps ?? integratedGradientsDefaults.nSteps;
    const method = options.method ?? integratedGradientsDefaults.method;
    const { alphas, stepSizes } = approximationParameters(method, nSteps);
    const batch = optionalPositiveInt(options.internalBatchSize, 'internalBatchSize');
    const call = await prepareCall(model, x, options, where);
    let baseline: tf.Tensor | undefined;
    let total: tf.Tensor | undefined;
    try {
      baseline = resolveBaseline(
        options.baselines ?? integratedGradientsDefaults.baseline,
        call.x,
        where,
      );
      const n = call.x.shape[0]!;
      const per = stepsPerPass(n, call.x.size / n, nSteps, batch);
      for (let k0 = 0; k0 < nSteps; k0 += per) {
        const count = Math.min(per, nSteps - k0);
        const b = baseline;
        const term = tf.tidy(() => {
          const points = pathPoints(call.x, b, alphas, k0, count);
          const acts = layerActivation(model.graph, points, layer);
          const mask = targetMask(tileTargets(call.targets, count), call.numClasses);
          const grads = layerGradient(model.graph, points, acts, layer, mask, where);
          return weightedStepSum(grads, stepSizes, k0, count);
        });
        total = accumulate(total, term);
      }
      return total!;
    } catch (e) {
      total?.dispose();
      throw e;
    } finally {
      baseline?.dispose();
      call.release();
    }
  }
}
