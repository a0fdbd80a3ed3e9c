import type { NodeHook } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import type { AttributionsWithDelta } from './integrated-gradients.js';
import { hookedGradient, targetScores } from './internal/hooked-gradient.js';
import { lrpEpsilon, lrpHooks } from './internal/lrp-rules.js';
import { prepareCall } from './internal/prepare-call.js';
import { requireGraphNodes } from './internal/require-graph-nodes.js';
import { type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import { targetMask } from './internal/targets.js';
import type { AttributeOptions, Attribution, AttributionModel } from './types.js';

/** Options of the {@link LRP} constructor. */
export interface LRPOptions {
  /** The epsilon rule's stabilizer on every layer with a rule (Captum's `EpsilonRule(epsilon)`). */
  epsilon?: number;
}

/** Options of {@link LRP.attribute}. */
export interface LRPAttributeOptions extends AttributeOptions {
  /** Also return each item's delta, with Captum's sign: the target score - the sum of relevances. */
  returnConvergenceDelta?: boolean;
}

/** Defaults of {@link LRP}, written once (Captum's). */
export const lrpDefaults = { epsilon: lrpEpsilon, returnConvergenceDelta: false } as const;

/**
 * Layer-wise relevance propagation (Bach et al. 2015) with Captum's default rules: the epsilon
 * rule (1e-9) on linear, convolution, batch-norm, max/average-pooling and add nodes; ReLU, Tanh
 * and dropout pass relevance through unchanged; flatten and reshape carry it. The target score
 * is redistributed layer by layer down to the input (conserved except for what biases absorb:
 * the delta is the target score minus the relevances' sum). Like Captum, other ops (Sigmoid, Softmax, ...) are refused at construction with
 * NOT_SUPPORTED naming them, as are tfjs layers with a fused activation. Per-layer Gamma and
 * Alpha1Beta0 rules are not available yet. Results are the caller's to dispose.
 *
 * @example
 * ```ts
 * const lrp = new LRP(model);
 * const { attributions, delta } = await lrp.attribute(x, { target: 0, returnConvergenceDelta: true });
 * tf.dispose([attributions, delta]);
 * ```
 */
export class LRP implements Attribution<LRPAttributeOptions> {
  private readonly model: ResolvedModel;
  private readonly hooks: Record<string, NodeHook>;
  private readonly inputFeedsRule: boolean;

  constructor(model: AttributionModel, options: LRPOptions = {}) {
    const where = 'LRP';
    this.model = resolveModel(model, where);
    requireGraphNodes(this.model.graph, where);
    const { hooks, inputFeedsRule } = lrpHooks(
      this.model.graph,
      where,
      this.model.layersModel,
      options.epsilon ?? lrpDefaults.epsilon,
    );
    this.hooks = hooks;
    this.inputFeedsRule = inputFeedsRule;
  }

  attribute(
    x: tf.Tensor,
    options: LRPAttributeOptions & { returnConvergenceDelta: true },
  ): Promise<AttributionsWithDelta>;
  attribute(x: tf.Tensor, options?: LRPAttributeOptions): Promise<tf.Tensor>;
  async attribute(
    x: tf.Tensor,
    options: LRPAttributeOptions = {},
  ): Promise<tf.Tensor | AttributionsWithDelta> {
    const where = 'LRP.attribute';
    const m = this.model;
    const call = await prepareCall(m, x, options, where);
    try {
      const wantDelta = options.returnConvergenceDelta ?? lrpDefaults.returnConvergenceDelta;
      const [attributions, delta] = tf.tidy(() => {
        const n = call.x.shape[0]!;
        const mask = targetMask(call.targets, call.numClasses);
        const normalized = hookedGradient(m, call.x, mask, this.hooks, where);
        const relevance = this.inputFeedsRule ? tf.mul(normalized, call.x) : normalized;
        const scores = targetScores(m, call.x, mask, where);
        const scaled = tf.mul(
          relevance,
          tf.reshape(scores, [n, ...call.x.shape.slice(1).map(() => 1)]),
        );
        if (!wantDelta) return [scaled];
        // Captum's sign: the target score minus the relevances' sum (biases absorb the rest).
        return [scaled, tf.sub(scores, tf.sum(tf.reshape(scaled, [n, -1]), 1))];
      });
      return delta === undefined
        ? attributions!
        : { attributions: attributions!, delta: delta as tf.Tensor1D };
    } finally {
      call.release();
    }
  }
}
