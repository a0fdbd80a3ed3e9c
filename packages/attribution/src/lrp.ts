import type * as tf from '@tensorflow/tfjs-core';
import type { AttributionsWithDelta } from './integrated-gradients.js';
import { DeltaAttribution } from './internal/delta-attribution.js';
import { lrpAttribution } from './internal/lrp-attribution.js';
import { type LrpRule, lrpRuleDefaults } from './internal/lrp-rule.js';
import { type LrpPlan, lrpPlan } from './internal/lrp-rules.js';
import { requireGraphNodes } from './internal/require-graph-nodes.js';
import { type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import type { AttributeOptions, AttributionModel } from './types.js';

/** Options of the {@link LRP} constructor. */
export interface LRPOptions {
  /**
   * Rules by node name or module path (`{ fc1: new GammaRule(), 'stem.bn': new IdentityRule() }`),
   * Captum's `module.rule`; every other node with a rule gets `new EpsilonRule({ epsilon })`. A
   * node of an op LRP does not know (Sigmoid, ...) is accepted once it has an explicit rule, as
   * in Captum.
   */
  rules?: Readonly<Record<string, LrpRule>>;
  /** Epsilon of the default EpsilonRule (Captum's 1e-9). */
  epsilon?: number;
}

/** Options of {@link LRP.attribute}. */
export interface LRPAttributeOptions extends AttributeOptions {
  /** Also return each item's delta, with Captum's sign: the target score - the sum of relevances. */
  returnConvergenceDelta?: boolean;
}

/** Defaults of {@link LRP}, written once (Captum's). */
export const lrpDefaults = Object.freeze({
  epsilon: lrpRuleDefaults.epsilon,
  returnConvergenceDelta: false,
} as const);

/**
 * Layer-wise relevance propagation (Bach et al. 2015) as Captum 0.8's `LRP`: the target score
 * is redistributed node by node down to the input. Captum's default rule per node type:
 * EpsilonRule (1e-9) on linear (Gemm, MatMul, Dense), convolution, batch norm, max/average
 * pooling and add nodes; ReLU, Tanh and dropout pass relevance through unchanged; flatten,
 * reshape and padding carry it (as do the functional ops of a PyTorch export, which Captum never sees).
 * Other nodes (Sigmoid, Softmax, tfjs layers with a fused activation, ...) are refused with a
 * NOT_SUPPORTED InterpError naming them, as Captum raises, unless `rules` gives them one.
 * Per-node rules: EpsilonRule, GammaRule, Alpha1Beta0Rule, IdentityRule. The delta is the target
 * score minus the relevances' sum (what biases and epsilons absorb). Results are the caller's.
 *
 * @example
 * ```ts
 * const lrp = new LRP(model, { rules: { 'block.conv1': new GammaRule() } });
 * const { attributions, delta } = await lrp.attribute(x, { target: 0, returnConvergenceDelta: true });
 * tf.dispose([attributions, delta]);
 * ```
 */
export class LRP extends DeltaAttribution<LRPAttributeOptions> {
  private readonly model: ResolvedModel;
  private readonly plan: LrpPlan;

  constructor(model: AttributionModel, options: LRPOptions = {}) {
    super();
    const where = 'LRP';
    this.model = resolveModel(model, where);
    requireGraphNodes(this.model.graph, where);
    this.plan = lrpPlan(this.model.graph, where, {
      epsilon: options.epsilon ?? lrpDefaults.epsilon,
      rules: options.rules,
      layersModel: this.model.layersModel,
    });
  }

  protected async attributeOrDelta(
    x: tf.Tensor,
    options: LRPAttributeOptions,
  ): Promise<tf.Tensor | AttributionsWithDelta> {
    const wantDelta = options.returnConvergenceDelta ?? lrpDefaults.returnConvergenceDelta;
    return lrpAttribution(this.model, this.plan, x, options, wantDelta, 'LRP.attribute', undefined);
  }
}
