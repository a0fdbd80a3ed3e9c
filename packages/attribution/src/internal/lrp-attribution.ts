import * as tf from '@tensorflow/tfjs-core';
import type { AttributionsWithDelta } from '../integrated-gradients.js';
import type { AttributeOptions } from '../types.js';
import { lrpRelevance } from './lrp-propagation.js';
import type { LrpPlan } from './lrp-rules.js';
import { lrpRebuilds, type WeightRule } from './lrp-weights.js';
import { prepareCall } from './prepare-call.js';
import type { ResolvedModel } from './resolve-model.js';
import { targetMask } from './targets.js';

/**
 * LRP and LayerLRP's shared call: the relevance at the model input (or at tensor `capture`)
 * times each item's target score, with Captum's delta (score - the relevances' sum) when
 * `wantDelta`; the caller's to dispose.
 *
 * @example
 * ```ts
 * const { attributions, delta } = await lrpAttribution(m, plan, x, { target: 0 }, true, 'LRP', undefined);
 * ```
 */
export async function lrpAttribution(
  model: ResolvedModel,
  plan: LrpPlan,
  x: tf.Tensor,
  options: AttributeOptions,
  wantDelta: boolean,
  where: string,
  capture: string | undefined,
): Promise<tf.Tensor | AttributionsWithDelta> {
  const call = await prepareCall(model, x, options, where);
  try {
    const weightRules = new Map<string, WeightRule>();
    for (const [name, rule] of plan.rules) {
      if (rule.kind === 'gamma' || rule.kind === 'alpha1-beta0') weightRules.set(name, rule);
    }
    // Which rebuild reproduces a node depends on the input's shape only (conv padding): check once.
    const key = call.x.shape.slice(1).join('x');
    let rebuilds = plan.rebuildCache.get(key);
    if (rebuilds === undefined) {
      rebuilds = await lrpRebuilds(model.graph, call.x, weightRules, where, model.layersModel);
      plan.rebuildCache.set(key, rebuilds);
    }
    const [attributions, delta] = tf.tidy(() => {
      const n = call.x.shape[0]!;
      const mask = targetMask(call.targets, call.numClasses);
      const { normalized, scores } = lrpRelevance(
        model,
        call.x,
        mask,
        plan,
        rebuilds,
        where,
        capture,
      );
      const scaled = tf.mul(
        normalized,
        tf.reshape(scores, [n, ...normalized.shape.slice(1).map(() => 1)]),
      );
      return [scaled, tf.sub(scores, tf.sum(tf.reshape(scaled, [n, -1]), 1))];
    });
    // The delta costs nothing extra (the scores are computed anyway): free it when not asked for.
    if (wantDelta) return { attributions: attributions!, delta: delta as tf.Tensor1D };
    delta!.dispose();
    return attributions!;
  } finally {
    call.release();
  }
}
