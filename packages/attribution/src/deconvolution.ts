import { ReluRuleAttribution } from './internal/relu-rule-attribution.js';
import type { AttributionModel } from './types.js';

/**
 * Deconvolution (Zeiler and Fergus 2014; Captum's `Deconvolution`): the gradient of
 * the target score where every ReLU node passes back only positive gradients, whatever the sign of
 * its input (relu of the output gradient). Applies to ReLU nodes (ONNX `Relu`, tfjs `ReLU` layers and
 * `Activation('relu')`), as Captum hooks only `nn.ReLU` modules; a ReLU fused inside a Dense or
 * Conv2D layer keeps its plain gradient (Captum: a functional relu). Result like x, the caller's.
 *
 * @example
 * ```ts
 * const deconv = await new Deconvolution(model).attribute(images, { target: 3 });
 * deconv.dispose();
 * ```
 */
export class Deconvolution extends ReluRuleAttribution {
  constructor(model: AttributionModel) {
    super(model, 'deconv', 'Deconvolution');
  }
}
