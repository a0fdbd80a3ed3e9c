import { InterpError } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { approximationParameters } from './approximation-parameters.js';
import { integratedGradientsDefaults } from './integrated-gradients.js';
import { resolveBaseline } from './internal/baseline.js';
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
import {
  checkNeuronOnLayer,
  neuronInputGradient,
  selectNeuron,
} from './internal/neuron-selector.js';
import { prepareCall } from './internal/prepare-call.js';
import { targetMask } from './internal/targets.js';
import { optionalPositiveInt } from './internal/validate-input.js';
import type {
  NeuronIntegratedGradientsOptions,
  NeuronPathAttributeOptions,
} from './neuron-integrated-gradients.js';
import type { AttributionModel, Target } from './types.js';

/** Options of {@link NeuronConductance.attribute}. */
export interface NeuronConductanceAttributeOptions extends NeuronPathAttributeOptions {
  /** Class whose score flows through the neuron: an index, one per item, or the predicted class. */
  target?: Target;
}

/** Defaults of {@link NeuronConductance.attribute} that differ from IntegratedGradients' (Captum's). */
export const neuronConductanceDefaults = { method: 'riemann_trapezoid' } as const;

/**
 * Captum's `NeuronConductance` (Dhamdhere et al. 2018): how much of the target score flows
 * through one neuron from each input value, (x - b) * sum_k w_k dF/dneuron(p_k) dneuron/dx(p_k)
 * along the path p_k = b + alpha_k (x - b). Defaults: nSteps 50, `riemann_trapezoid` (Captum's),
 * baseline 0. The neuron is an index tuple (Captum's gradient through a selector function is
 * not defined for conductance). Shaped like x, the caller's to dispose.
 *
 * @example
 * ```ts
 * const nc = new NeuronConductance(model, { layer: 'block.relu2' });
 * const attr = await nc.attribute(x, { neuronSelector: [2, 1, 2], target: 0 });
 * attr.dispose();
 * ```
 */
export class NeuronConductance {
  readonly multiplyByInputs: boolean;
  private readonly target: LayerTarget;

  constructor(model: AttributionModel, options: NeuronIntegratedGradientsOptions) {
    this.target = resolveLayerTarget(model, options?.layer, 'NeuronConductance');
    this.multiplyByInputs =
      options.multiplyByInputs ?? integratedGradientsDefaults.multiplyByInputs;
  }

  async attribute(x: tf.Tensor, options: NeuronConductanceAttributeOptions): Promise<tf.Tensor> {
    const where = 'NeuronConductance.attribute';
    const { model, layer } = this.target;
    const selector = options?.neuronSelector;
    if (!Array.isArray(selector) || !selector.every((i) => typeof i === 'number')) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${where}: neuronSelector must be an index tuple into the layer's output without the batch axis (e.g. [2, 1, 2]); got ${typeof selector === 'function' ? 'a function' : String(selector)}`,
      );
    }
    const nSteps = options.nSteps ?? integratedGradientsDefaults.nSteps;
    const method = options.method ?? neuronConductanceDefaults.method;
    const { alphas, stepSizes } = approximationParameters(method, nSteps);
    const batch = optionalPositiveInt(options.internalBatchSize, 'internalBatchSize');
    const call = await prepareCall(model, x, options, where);
    try {
      checkNeuronOnLayer(model.graph, call.x, layer, selector, where);
    } catch (e) {
      call.release();
      throw e;
    }
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
          const acts = layerActivation(model.graph, points, layer);
          const mask = targetMask(tileTargets(call.targets, count), call.numClasses);
          // dF/dneuron at each point weights that point's gradient of the neuron.
          const upstream = layerGradient(model.graph, points, acts, layer, mask, where);
          const weights = selectNeuron(upstream, selector, layer, where);
          const grads = neuronInputGradient(
            model.graph,
            points,
            layer,
            selector,
            where,
            {},
            undefined,
            weights,
          );
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
