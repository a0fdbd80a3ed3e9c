import type { NodeHook } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayerMethodOptions } from '../layer-activation.js';
import type { NeuronAttributeOptions } from '../neuron-gradient.js';
import type { AttributeOptions, Attribution, AttributionModel } from '../types.js';
import { hookedGradient } from './hooked-gradient.js';
import { type LayerTarget, resolveLayerTarget } from './layer-gradient.js';
import { neuronInputGradient, prepareNeuronCall } from './neuron-selector.js';
import { prepareCall } from './prepare-call.js';
import { type ReluRule, reluRuleHooks } from './relu-hooks.js';
import { requireGraphNodes } from './require-graph-nodes.js';
import { type ResolvedModel, resolveModel } from './resolve-model.js';
import { targetMask } from './targets.js';

/**
 * The gradient of the target score with a ReLU backward rule hooked on every ReLU node: the one
 * body of GuidedBackprop (`guided`) and Deconvolution (`deconv`), which differ only in the rule.
 */
export class ReluRuleAttribution implements Attribution {
  private readonly model: ResolvedModel;

  constructor(
    model: AttributionModel,
    private readonly rule: ReluRule,
    private readonly name: string,
  ) {
    this.model = resolveModel(model, name);
    requireGraphNodes(this.model.graph, name);
  }

  async attribute(x: tf.Tensor, options: AttributeOptions = {}): Promise<tf.Tensor> {
    const where = `${this.name}.attribute`;
    const m = this.model;
    const call = await prepareCall(m, x, options, where);
    try {
      const hooks = reluRuleHooks(m.graph, this.rule, m.layersModel, this.name);
      return tf.tidy(() =>
        hookedGradient(m, call.x, targetMask(call.targets, call.numClasses), hooks, where),
      );
    } finally {
      call.release();
    }
  }
}

/**
 * One neuron's gradient with respect to the input with a ReLU backward rule on every ReLU, the
 * neuron's own layer included: the one body of NeuronGuidedBackprop and NeuronDeconvolution.
 */
export class NeuronReluRuleAttribution {
  private readonly target: LayerTarget;
  private readonly hooks: Record<string, NodeHook>;

  constructor(
    model: AttributionModel,
    options: LayerMethodOptions,
    rule: ReluRule,
    private readonly name: string,
  ) {
    this.target = resolveLayerTarget(model, options?.layer, name);
    const m = this.target.model;
    this.hooks = reluRuleHooks(m.graph, rule, m.layersModel, name);
  }

  async attribute(x: tf.Tensor, options: NeuronAttributeOptions): Promise<tf.Tensor> {
    const where = `${this.name}.attribute`;
    const { model, layer } = this.target;
    const call = prepareNeuronCall(model.graph, layer, x, options, where);
    try {
      return neuronInputGradient(model.graph, call.x, layer, call.selector, where, this.hooks);
    } finally {
      call.release();
    }
  }
}
