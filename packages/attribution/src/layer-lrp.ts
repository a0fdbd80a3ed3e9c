import { InterpError } from '@interp/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { AttributionsWithDelta } from './integrated-gradients.js';
import { DeltaAttribution } from './internal/delta-attribution.js';
import { assertLayerName } from './internal/layer-gradient.js';
import { lrpAttribution } from './internal/lrp-attribution.js';
import { type LrpPlan, lrpPlan } from './internal/lrp-rules.js';
import { requireGraphNodes } from './internal/require-graph-nodes.js';
import { type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import { type LayerMethodOptions, layerMethodDefaults } from './layer-activation.js';
import { type LRPAttributeOptions, type LRPOptions, lrpDefaults } from './lrp.js';
import type { AttributionModel } from './types.js';

/** Options of the {@link LayerLRP} constructor: the layer, and LRP's rules. */
export interface LayerLRPOptions extends LayerMethodOptions, LRPOptions {}

/**
 * Captum 0.8's `LayerLRP`: LRP's relevance (same rules and defaults as {@link LRP}) at a layer's
 * output, [N, ...layer shape], or with `attributeToLayerInput` at its (first) input: the
 * relevance of that tensor from every node reading it (a residual block's input sums both
 * paths, as Captum's hook on the shared tensor does). At an add node the relevance of its output
 * is split between the inputs in proportion to each input's share of the sum; Captum 0.8 itself
 * raises on `attribute_to_layer_input` there, so read a summand's relevance from the layer that
 * writes it (e.g. the last batch norm of the block). The layer must be a node with a rule
 * (linear, conv, batch norm, pooling, add): a ReLU/Tanh passes relevance through and has none,
 * as in Captum. Delta: the target score minus the layer relevances' sum. Results are the caller's.
 *
 * @example
 * ```ts
 * const layerLrp = new LayerLRP(model, { layer: 'block.conv2' });
 * const { attributions, delta } = await layerLrp.attribute(x, { target: 0, returnConvergenceDelta: true });
 * tf.dispose([attributions, delta]);
 * ```
 */
export class LayerLRP extends DeltaAttribution<LRPAttributeOptions> {
  private readonly model: ResolvedModel;
  private readonly plan: LrpPlan;
  /** The tensor whose relevance is returned. */
  private readonly tensor: string;

  constructor(model: AttributionModel, options: LayerLRPOptions) {
    super();
    const where = 'LayerLRP';
    this.model = resolveModel(model, where);
    requireGraphNodes(this.model.graph, where);
    assertLayerName(options?.layer, where);
    this.plan = lrpPlan(this.model.graph, where, {
      epsilon: options.epsilon ?? lrpDefaults.epsilon,
      rules: options.rules,
      layersModel: this.model.layersModel,
    });
    const node = this.model.graph.findNode(options.layer);
    if (this.plan.kinds.get(node.name) !== 'rule') {
      throw new InterpError(
        'NOT_SUPPORTED',
        `${where}: layer ${JSON.stringify(options.layer)} is node ${JSON.stringify(node.name)} (${node.op}), which has no LRP rule (relevance passes through it; Captum fails there too); pick a linear, convolution, batch-norm, pooling or add node`,
      );
    }
    const toInput = options.attributeToLayerInput ?? layerMethodDefaults.attributeToLayerInput;
    this.tensor = toInput ? node.inputs[0]! : node.outputs[0]!;
  }

  protected async attributeOrDelta(
    x: tf.Tensor,
    options: LRPAttributeOptions,
  ): Promise<tf.Tensor | AttributionsWithDelta> {
    const wantDelta = options.returnConvergenceDelta ?? lrpDefaults.returnConvergenceDelta;
    return lrpAttribution(
      this.model,
      this.plan,
      x,
      options,
      wantDelta,
      'LayerLRP.attribute',
      this.tensor,
    );
  }
}
