import * as tf from '@tensorflow/tfjs-core';
import type { DeepLiftOptions } from './deep-lift.js';
import type { AttributionsWithDelta } from './integrated-gradients.js';
import { resolveBaselineDistribution } from './internal/baseline-distribution.js';
import { convergenceDelta } from './internal/convergence-delta.js';
import {
  DeepLiftMethod,
  deepLiftAttributions,
  deepLiftDefaults,
} from './internal/deep-lift-core.js';
import { prepareCall } from './internal/prepare-call.js';
import { targetMask } from './internal/targets.js';
import type { AttributeOptions, AttributionModel } from './types.js';

/** Options of {@link DeepLiftShap.attribute}. */
export interface DeepLiftShapAttributeOptions extends AttributeOptions {
  /** The baseline distribution: a tensor [B, ...item] with B >= 2 (Captum requires more than one). */
  baselines: tf.Tensor;
  /** Also return the convergence delta of each (item, baseline) pair: [N * B], item-major. */
  returnConvergenceDelta?: boolean;
}

/** Fewest baselines DeepLiftShap accepts (Captum: "more than one example"). */
export const deepLiftShapMinBaselines = 2;

/**
 * DeepLiftShap (Captum's `DeepLiftShap`): DeepLift of each item against every baseline of a
 * distribution, averaged over the baselines: an approximation of SHAP values. All N x B pairs go
 * through the model in one paired batch (each item repeated B times, the baselines tiled), as
 * Captum does. Results are the caller's to dispose.
 *
 * @example
 * ```ts
 * const dls = new DeepLiftShap(model);
 * const attr = await dls.attribute(x, { target: 0, baselines: background }); // background [B, ...]
 * attr.dispose();
 * ```
 */
export class DeepLiftShap extends DeepLiftMethod<
  DeepLiftShapAttributeOptions,
  [options: DeepLiftShapAttributeOptions]
> {
  constructor(model: AttributionModel, options: DeepLiftOptions = {}) {
    super(model, options, 'DeepLiftShap');
  }

  protected async attributeOrDelta(
    x: tf.Tensor,
    options: DeepLiftShapAttributeOptions,
  ): Promise<tf.Tensor | AttributionsWithDelta> {
    const where = 'DeepLiftShap.attribute';
    const m = this.model;
    const call = await prepareCall(m, x, options, where);
    try {
      const dist = resolveBaselineDistribution(
        options.baselines,
        call.x,
        where,
        deepLiftShapMinBaselines,
      );
      const wantDelta = options.returnConvergenceDelta ?? deepLiftDefaults.returnConvergenceDelta;
      const [attributions, delta] = tf.tidy(() => {
        const n = call.x.shape[0]!;
        const b = dist.shape[0]!;
        const item = call.x.shape.slice(1);
        // Row r = item * B + j pairs item r / B with baseline j (Captum's repeat_interleave / repeat).
        const xs = tf.reshape(tf.tile(tf.expandDims(call.x, 1), [1, b, ...item.map(() => 1)]), [
          n * b,
          ...item,
        ]);
        const refs = tf.tile(dist, [n, ...item.map(() => 1)]);
        dist.dispose();
        const targets = Int32Array.from(
          { length: n * b },
          (_, r) => call.targets[Math.floor(r / b)]!,
        );
        const mask = targetMask(targets, call.numClasses);
        const pairs = deepLiftAttributions(m, {
          ...this.setup,
          x: xs,
          reference: refs,
          mask,
          where,
        });
        const mean = tf.mean(tf.reshape(pairs, [n, b, ...item]), 1);
        if (!wantDelta) return [mean];
        return [mean, convergenceDelta(m, xs, refs, pairs, mask, where)];
      });
      return delta === undefined ? attributions : { attributions, delta: delta as tf.Tensor1D };
    } finally {
      call.release();
    }
  }
}
