import * as tf from '@tensorflow/tfjs-core';
import type { ApproximationMethod } from './approximation-parameters.js';
import type { Baseline } from './internal/baseline.js';
import { pathPoints, weightedStepSum } from './internal/layer-gradient.js';
import { neuronInputGradient, prepareNeuronCall } from './internal/neuron-selector.js';
import {
  NeuronPathMethod,
  scaleByInputs,
  sumOverPasses,
  withPath,
} from './internal/path-integral.js';
import type { LayerMethodOptions } from './layer-activation.js';
import type { NeuronAttributeOptions } from './neuron-gradient.js';
import type { AttributionModel } from './types.js';

/** Options of the {@link NeuronIntegratedGradients} constructor. */
export interface NeuronIntegratedGradientsOptions extends LayerMethodOptions {
  /** Multiply the integrated gradients by (x - baseline) (Captum's `multiply_by_inputs`). */
  multiplyByInputs?: boolean;
}

/** Options of the neuron path methods' `attribute` (NeuronIntegratedGradients, NeuronConductance). */
export interface NeuronPathAttributeOptions extends NeuronAttributeOptions {
  /** The reference input: a number for every value (default 0), a tensor shaped like one item or like x. */
  baselines?: Baseline;
  /** Number of path points. */
  nSteps?: number;
  /** How the path integral is approximated (Captum's names). */
  method?: ApproximationMethod;
  /** Most rows (item x step) per pass; default from the batch budget. */
  internalBatchSize?: number;
}

/**
 * Captum's `NeuronIntegratedGradients`: Integrated Gradients of one neuron of a layer (instead
 * of a class score) with respect to the input: (x - b) * sum_k w_k dneuron/dx(b + alpha_k (x - b)).
 * Defaults: nSteps 50, `gausslegendre`, baseline 0. Shaped like x, the caller's to dispose.
 *
 * @example
 * ```ts
 * const nig = new NeuronIntegratedGradients(model, { layer: 'act1' });
 * const attr = await nig.attribute(x, { neuronSelector: [2] });
 * attr.dispose();
 * ```
 */
export class NeuronIntegratedGradients extends NeuronPathMethod {
  constructor(model: AttributionModel, options: NeuronIntegratedGradientsOptions) {
    super(model, options, 'NeuronIntegratedGradients');
  }

  async attribute(x: tf.Tensor, options: NeuronPathAttributeOptions): Promise<tf.Tensor> {
    const where = 'NeuronIntegratedGradients.attribute';
    const { model, layer } = this.target;
    return withPath(
      options,
      () => prepareNeuronCall(model.graph, layer, x, options, where),
      where,
      ({ call, baseline, points, alphas, stepSizes, batch }) => {
        const summed = sumOverPasses(call.x, points, batch, (k0, count) =>
          tf.tidy(() => {
            const p = pathPoints(call.x, baseline, alphas, k0, count);
            const grads = neuronInputGradient(model.graph, p, layer, call.selector, where);
            return weightedStepSum(grads, stepSizes, k0, count);
          }),
        );
        return scaleByInputs(summed, this.multiplyByInputs, call.x, baseline);
      },
    );
  }
}
