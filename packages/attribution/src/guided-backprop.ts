import * as tf from '@tensorflow/tfjs-core';
import { hookedGradient } from './internal/hooked-gradient.js';
import { prepareCall } from './internal/prepare-call.js';
import { reluRuleHooks } from './internal/relu-hooks.js';
import { requireGraphNodes } from './internal/require-graph-nodes.js';
import { type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import { targetMask } from './internal/targets.js';
import type { AttributeOptions, Attribution, AttributionModel } from './types.js';

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
export class GuidedBackprop implements Attribution {
  private readonly model: ResolvedModel;

  constructor(model: AttributionModel) {
    this.model = resolveModel(model, 'GuidedBackprop');
    requireGraphNodes(this.model.graph, 'GuidedBackprop');
  }

  async attribute(x: tf.Tensor, options: AttributeOptions = {}): Promise<tf.Tensor> {
    const where = 'GuidedBackprop.attribute';
    const m = this.model;
    const call = await prepareCall(m, x, options, where);
    try {
      const hooks = reluRuleHooks(m.graph, 'guided', m.layersModel);
      return tf.tidy(() =>
        hookedGradient(m, call.x, targetMask(call.targets, call.numClasses), hooks, where),
      );
    } finally {
      call.release();
    }
  }
}
