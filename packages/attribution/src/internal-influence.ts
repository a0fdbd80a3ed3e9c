import * as tf from '@tensorflow/tfjs-core';
import type { ApproximationMethod } from './approximation-parameters.js';
import type { Baseline } from './internal/baseline.js';
import { type LayerTarget, layerMethodTarget, weightedStepSum } from './internal/layer-gradient.js';
import { layerPathGradient, sumOverPasses, withPath } from './internal/path-integral.js';
import { prepareCall } from './internal/prepare-call.js';
import type { LayerMethodOptions } from './layer-activation.js';
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
    this.target = layerMethodTarget(model, options, 'InternalInfluence');
  }

  async attribute(x: tf.Tensor, options: LayerPathAttributeOptions = {}): Promise<tf.Tensor> {
    const where = 'InternalInfluence.attribute';
    const target = this.target;
    return withPath(
      options,
      () => prepareCall(target.model, x, options, where),
      where,
      (path) =>
        sumOverPasses(path.call.x, path.points, path.batch, (k0, count) =>
          tf.tidy(() => {
            const { grads } = layerPathGradient(target, path.call, path, k0, count, where);
            return weightedStepSum(grads, path.stepSizes, k0, count);
          }),
        ),
    );
  }
}
