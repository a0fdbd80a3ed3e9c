import { InterpError } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { weightedStepSum } from './internal/layer-gradient.js';
import {
  checkNeuronOnLayer,
  neuronInputGradient,
  selectNeuron,
} from './internal/neuron-selector.js';
import {
  layerPathGradient,
  NeuronPathMethod,
  scaleByInputs,
  sumOverPasses,
  withPath,
} from './internal/path-integral.js';
import { prepareCall } from './internal/prepare-call.js';
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
export const neuronConductanceDefaults = Object.freeze({ method: 'riemann_trapezoid' } as const);

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
export class NeuronConductance extends NeuronPathMethod {
  constructor(model: AttributionModel, options: NeuronIntegratedGradientsOptions) {
    super(model, options, 'NeuronConductance');
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
    const target = this.target;
    const prepare = async () => {
      const call = await prepareCall(model, x, options, where);
      try {
        checkNeuronOnLayer(model.graph, call.x, layer, selector, where);
      } catch (e) {
        call.release();
        throw e;
      }
      return call;
    };
    return withPath(
      options,
      prepare,
      where,
      (path) => {
        const { call, baseline, stepSizes } = path;
        const summed = sumOverPasses(call.x, path.points, path.batch, (k0, count) =>
          tf.tidy(() => {
            const { points, grads: upstream } = layerPathGradient(
              target,
              call,
              path,
              k0,
              count,
              where,
            );
            // dF/dneuron at each point weights that point's gradient of the neuron.
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
          }),
        );
        return scaleByInputs(summed, this.multiplyByInputs, call.x, baseline);
      },
      { method: neuronConductanceDefaults.method },
    );
  }
}
