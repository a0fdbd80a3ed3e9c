import * as tf from '@tensorflow/tfjs-core';
import { type ApproximationMethod, approximationParameters } from './approximation-parameters.js';
import { integratedGradientsDefaults } from './integrated-gradients.js';
import { type Baseline, resolveBaseline } from './internal/baseline.js';
import {
  accumulate,
  type LayerTarget,
  pathPoints,
  resolveLayerTarget,
  stepsPerPass,
  weightedStepSum,
} from './internal/layer-gradient.js';
import { neuronInputGradient, prepareNeuronCall } from './internal/neuron-selector.js';
import { optionalPositiveInt } from './internal/validate-input.js';
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
export class NeuronIntegratedGradients {
  readonly multiplyByInputs: boolean;
  private readonly target: LayerTarget;

  constructor(model: AttributionModel, options: NeuronIntegratedGradientsOptions) {
    this.target = resolveLayerTarget(model, options?.layer, 'NeuronIntegratedGradients');
    this.multiplyByInputs =
      options.multiplyByInputs ?? integratedGradientsDefaults.multiplyByInputs;
  }

  async attribute(x: tf.Tensor, options: NeuronPathAttributeOptions): Promise<tf.Tensor> {
    const where = 'NeuronIntegratedGradients.attribute';
    const { model, layer } = this.target;
    const nSteps = options?.nSteps ?? integratedGradientsDefaults.nSteps;
    const method = options?.method ?? integratedGradientsDefaults.method;
    const { alphas, stepSizes } = approximationParameters(method, nSteps);
    const batch = optionalPositiveInt(options?.internalBatchSize, 'internalBatchSize');
    const call = prepareNeuronCall(model.graph, layer, x, options, where);
    let baseline: tf.Tensor | undefined;
    let total: tf.Tensor | undefined;
    try {
      const b = resolveBaseline(
        options.baselines ?? integratedGradientsDefaults.baseline,
        call.x,
        where,
      );
      baseline = b;
      const n = call.x.shape[0]!;
      const per = stepsPerPass(n, call.x.size / n, nSteps, batch);
      for (let k0 = 0; k0 < nSteps; k0 += per) {
        const count = Math.min(per, nSteps - k0);
        const term = tf.tidy(() => {
          const points = pathPoints(call.x, b, alphas, k0, count);
          const grads = neuronInputGradient(model.graph, points, layer, call.selector, where);
          return weightedStepSum(grads, stepSizes, k0, count);
        });
        total = accumulate(total, term);
      }
      const summed = total!;
      total = undefined;
      if (!this.multiplyByInputs) return summed;
      const out = tf.tidy(() => tf.mul(summed, tf.sub(call.x, b)));
      summed.dispose();
      return out;
    } catch (e) {
      total?.dispose();
      throw e;
    } finally {
      baseline?.dispose();
      call.release();
    }
  }
}
