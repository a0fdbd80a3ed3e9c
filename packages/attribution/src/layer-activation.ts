import type * as tf from '@tensorflow/tfjs-core';
import {
  type LayerTarget,
  layerActivation,
  layerMethodDefaults,
  layerMethodTarget,
} from './internal/layer-gradient.js';
import { validateInput } from './internal/validate-input.js';
import type { AttributionModel } from './types.js';

/**
 * What every layer and neuron method's constructor takes: the layer, as a node name, output
 * name or module path prefix (`'block.relu2'`, `'conv2d_1'`; a prefix names its last node).
 */
export interface LayerMethodOptions {
  layer: string;
  /**
   * Attribute to the layer's input instead of its output (Captum's `attribute_to_layer_input`,
   * here fixed at construction): the output of the node that writes the layer's first input.
   * Ignored by the neuron methods, whose neuron is always in the layer's output.
   */
  attributeToLayerInput?: boolean;
}

export { layerMethodDefaults };

/**
 * Captum's `LayerActivation`: the layer's output for each item, [N, ...layer shape] in the
 * model's own layout (an ONNX NCHW layer gives NCHW). No target: nothing is differentiated.
 * The result is the caller's to dispose.
 *
 * @example
 * ```ts
 * const acts = await new LayerActivation(model, { layer: 'fc1' }).attribute(x); // [N, 5]
 * acts.dispose();
 * ```
 */
export class LayerActivation {
  private readonly target: LayerTarget;

  constructor(model: AttributionModel, options: LayerMethodOptions) {
    this.target = layerMethodTarget(model, options, 'LayerActivation');
  }

  /** The graph node whose output is returned. */
  get layerName(): string {
    return this.target.layer;
  }

  async attribute(x: tf.Tensor): Promise<tf.Tensor> {
    const input = validateInput(x, 'LayerActivation.attribute', this.target.model.graph);
    try {
      const { graph, layersModel } = this.target.model;
      return layerActivation(graph, input.x, this.target.layer, {}, layersModel);
    } finally {
      if (input.owned) input.x.dispose();
    }
  }
}
