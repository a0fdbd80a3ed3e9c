import * as tf from '@tensorflow/tfjs-core';
import { hookedGradient } from './internal/hooked-gradient.js';
import { prepareCall } from './internal/prepare-call.js';
import { reluRuleHooks } from './internal/relu-hooks.js';
import { requireGraphNodes } from './internal/require-graph-nodes.js';
import { type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import { targetMask } from './internal/targets.js';
import type { AttributeOptions, Attribution, AttributionModel } from './types.js';

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
export class Deconvolution implements Attribution {
  private readonly model: ResolvedModel;

  constructor(model: AttributionModel) {
    this.model = resolveModel(model, 'Deconvolution');
    requireGraphNodes(this.model.graph, 'Deconvolution');
  }

  async attribute(x: tf.Tensor, options: AttributeOptions = {}): Promise<tf.Tensor> {
    const where = 'Deconvolution.attribute';
    const m = this.model;
    const call = await prepareCall(m, x, options, where);
    try {
      const hooks = reluRuleHooks(m.graph, 'deconv', m.layersModel);
      return tf.tidy(() =>
        hookedGradient(m, call.x, targetMask(call.targets, call.numClasses), hooks, where),
      );
    } finally {
      call.release();
    }
  }
}
