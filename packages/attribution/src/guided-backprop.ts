import { ReluRuleAttribution } from './internal/relu-rule-attribution.js';
import type { AttributionModel } from './types.js';

/**
 * Guided backpropagation (Springenberg et al. 2014; Captum's `GuidedBackprop`): the gradient of
 * the target score where every ReLU node passes back only positive gradients, and only where its
 * input was positive. Applies to ReLU nodes (ONNX `Relu`, tfjs `ReLU` layers and
 * `Activation('relu')`), as Captum hooks only `nn.ReLU` modules; a ReLU fused inside a Dense or
 * Conv2D layer keeps its plain gradient (Captum: a functional relu). Result like x, the caller's.
 *
 * @example
 * ```ts
 * const gbp = await new GuidedBackprop(model).attribute(images, { target: 3 });
 * gbp.dispose();
 * ```
 */
export class GuidedBackprop extends ReluRuleAttribution {
  constructor(model: AttributionModel) {
    super(model, 'guided', 'GuidedBackprop');
  }
}
