import { NeuronReluRuleAttribution } from './internal/relu-rule-attribution.js';
import type { LayerMethodOptions } from './layer-activation.js';
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
export class NeuronGuidedBackprop extends NeuronReluRuleAttribution {
  constructor(model: AttributionModel, options: LayerMethodOptions) {
    super(model, options, 'guided', 'NeuronGuidedBackprop');
  }
}
