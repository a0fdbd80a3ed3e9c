import type * as tf from '@tensorflow/tfjs-core';
import { type LayerTarget, resolveLayerTarget } from './internal/layer-gradient.js';
import {
  type NeuronSelector,
  neuronInputGradient,
  prepareNeuronCall,
} from './internal/neuron-selector.js';
import type { LayerMethodOptions } from './layer-activation.js';
import type { AttributionModel } from './types.js';

export type { NeuronSelector } from './internal/neuron-selector.js';

/** What every neuron method's `attribute` takes: the neuron (Captum's `neuron_selector`). */
export interface NeuronAttributeOptions {
  /**
   * An index tuple into the layer's output without the batch axis (`[c, h, w]` for an NCHW
   * map, `[j]` for a dense layer), or a function from the layer's output [N, ...] to [N].
   */
  neuronSelector: NeuronSelector;
  /** Captum's `additional_forward_args`: only an empty list is accepted (one-input models). */
  additionalForwardArgs?: readonly unknown[];
}

/**
 * Captum's `NeuronGradient`: the gradient of one neuron of a layer (per item) with respect to
 * the input. An index out of the layer's range is an InterpError naming the layer's shape.
 * Shaped like x, the caller's to dispose.
 *
 * @example
 * ```ts
 * const ng = new NeuronGradient(model, { layer: 'fc1' });
 * const g = await ng.attribute(x, { neuronSelector: [2] }); // [N, 6]
 * g.dispose();
 * ```
 */
export class NeuronGradient {
  private readonly target: LayerTarget;

  constructor(model: AttributionModel, options: LayerMethodOptions) {
    this.target = resolveLayerTarget(model, options?.layer, 'NeuronGradient');
  }

  async attribute(x: tf.Tensor, options: NeuronAttributeOptions): Promise<tf.Tensor> {
    const where = 'NeuronGradient.attribute';
    const { model, layer } = this.target;
    const call = prepareNeuronCall(model.graph, layer, x, options, where);
    try {
      return neuronInputGradient(model.graph, call.x, layer, call.selector, where);
    } finally {
      call.release();
    }
  }
}
