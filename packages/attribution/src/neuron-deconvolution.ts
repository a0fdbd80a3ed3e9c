import { NeuronReluRuleAttribution } from './internal/relu-rule-attribution.js';
import type { LayerMethodOptions } from './layer-activation.js';
import type { AttributionModel } from './types.js';

/**
 * Captum's `NeuronDeconvolution`: the gradient of one neuron with respect to the input with
 * deconvolution's rule on every ReLU (relu of the incoming gradient passes straight back,
 * whatever the sign of the ReLU's input), the neuron's own ReLU layer included. Shaped
 * like x, the caller's to dispose.
 *
 * @example
 * ```ts
 * const dc = new NeuronDeconvolution(model, { layer: 'block.relu2' });
 * const attr = await dc.attribute(x, { neuronSelector: [2, 1, 2] });
 * attr.dispose();
 * ```
 */
export class NeuronDeconvolution extends NeuronReluRuleAttribution {
  constructor(model: AttributionModel, options: LayerMethodOptions) {
    super(model, options, 'deconv', 'NeuronDeconvolution');
  }
}
