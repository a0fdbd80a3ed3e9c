import type { NodeHook } from '@interp/core';
import type * as tf from '@tensorflow/tfjs-core';
import { type LayerTarget, resolveLayerTarget } from './internal/layer-gradient.js';
import { neuronInputGradient, prepareNeuronCall } from './internal/neuron-selector.js';
import { reluRuleHooks } from './internal/relu-hooks.js';
import type { LayerMethodOptions } from './layer-activation.js';
import type { NeuronAttributeOptions } from './neuron-gradient.js';
import type { AttributionModel } from './types.js';

/**
 * Captum's `NeuronGuidedBackprop`: the gradient of one neuron with respect to the input with
 * guided backpropagation's rule on every ReLU (only positive gradients pass back through a
 * ReLU, and only where its input was positive), the neuron's own ReLU layer included. Shaped
 * like x, the caller's to dispose.
 *
 * @example
 * ```ts
 * const gb = new NeuronGuidedBackprop(model, { layer: 'block.relu2' });
 * const attr = await gb.attribute(x, { neuronSelector: [2, 1, 2] });
 * attr.dispose();
 * ```
 */
export class NeuronGuidedBackprop {
  private readonly target: LayerTarget;
  private readonly hooks: Record<string, NodeHook>;

  constructor(model: AttributionModel, options: LayerMethodOptions) {
    this.target = resolveLayerTarget(model, options?.layer, 'NeuronGuidedBackprop');
    const m = this.target.model;
    this.hooks = reluRuleHooks(m.graph, 'guided', m.layersModel);
  }

  async attribute(x: tf.Tensor, options: NeuronAttributeOptions): Promise<tf.Tensor> {
    const where = 'NeuronGuidedBackprop.attribute';
    const { model, layer } = this.target;
    const call = prepareNeuronCall(model.graph, layer, x, options, where);
    try {
      return neuronInputGradient(model.graph, call.x, layer, call.selector, where, this.hooks);
    } finally {
      call.release();
    }
  }
}
