import * as tf from '@tensorflow/tfjs-core';
import { approximationParameters } from './approximation-parameters.js';
import { type AttributionsWithDelta, integratedGradientsDefaults } from './integrated-gradients.js';
import { resolveBaseline } from './internal/baseline.js';
import { convergenceDelta } from './internal/convergence-delta.js';
import {
  accumulate,
  type LayerTarget,
  layerActivation,
  layerGradient,
  pathPoints,
  resolveLayerTarget,
  stepsPerPass,
  tileTargets,
} from './internal/layer-gradient.js';
import { prepareCall } from './internal/prepare-call.js';
import { targetMask } from './internal/targets.js';
import { optionalPositiveInt } from './internal/validate-input.js';
import type { LayerPathAttributeOptions } from './internal-influence.js';
import { type LayerMethodOptions, layerMethodDefaults } from './layer-activation.js';
import type { Attribution, AttributionModel } from './types.js';

/** Options of {@link LayerConductance.attribute}. */
export interface LayerConductanceAttributeOptions extends LayerPathAttributeOptions {
  /** Also return each item's convergence delta: sum of attributions - (f(x) - f(baseline)). */
  returnConvergenceDelta?: boolean;
}

/**
 * Captum's `LayerConductance` (Dhamdhere et al. 2018): along the input-space path from the
 * baseline to x, evaluated at nSteps + 1 points p_0..p_n (Captum's alphas for nSteps + 1), the
 * sum over k < n of dF/dlayer(p_k) * (layer(p_{k+1}) - layer(p_k)): each layer unit's share of
 * the change in the target score. Defaults: nSteps 50, `gausslegendre`, baseline 0.
 * [N, ...layer shape], the caller's to dispose.
 *
 * @example
 * ```ts
 * const lc = new LayerConductance(model, { layer: 'block.relu2' });
 * const { attributions, delta } = await lc.attribute(x, { target: 0, returnConvergenceDelta: true });
 * tf.dispose([attributions, delta]);
 * ```
 */
export class LayerConductance implements Attribution<LayerConductanceAttributeOptions> {
  private readonly target: LayerTarget;

  constructor(model: AttributionModel, options: LayerMethodOptions) {
    this.target = resolveLayerTarget(
      model,
      options?.layer,
      'LayerConductance',
      options?.attributeToLayerInput ?? layerMethodDefaults.attributeToLayerInput,
    );
  }

  attribute(
    x: tf.Tensor,
    options: LayerConductanceAttributeOptions & { returnConvergenceDelta: true },
  ): Promise<AttributionsWithDelta>;
  attribute(x: tf.Tensor, options?: LayerConductanceAttributeOptions): Promise<tf.Tensor>;
  async attribute(
    x: tf.Tensor,
    options: LayerConductanceAttributeOptions = {},
  ): Promise<tf.Tensor | AttributionsWithDelta> {
    const where = 'LayerConductance.attribute';
    const { model, layer } = this.target;
    const nSteps = options.nSteps ?? integratedGradientsDefaults.nSteps;
    const method = options.method ?? integratedGradientsDefaults.method;
    const points = nSteps + 1;
    const { alphas } = approximationParameters(method, points);
    const batch = optionalPositiveInt(options.internalBatchSize, 'internalBatchSize');
    const call = await prepareCall(model, x, options, where);
    let baseline: tf.Tensor | undefined;
    let total: tf.Tensor | undefined;
    // The last point's gradient and activation of the previous pass, to pair with the next.
    let last: [tf.Tensor, tf.Tensor] | undefined;
    try {
      baseline = resolveBaseline(
        options.baselines ?? integratedGradientsDefaults.baseline,
        call.x,
        where,
      );
      const n = call.x.shape[0]!;
      const per = stepsPerPass(n, call.x.size / n, points, batch);
      for (let k0 = 0; k0 < points; k0 += per) {
        const count = Math.min(per, points - k0);
        const b = baseline;
        const prev = last;
        const [term, next] = tf.tidy(() => {
          const p = pathPoints(call.x, b, alphas, k0, count);
          const acts = layerActivation(model.graph, p, layer);
          const mask = targetMask(tileTargets(call.targets, count), call.numClasses);
          const grads = layerGradient(model.graph, p, acts, layer, mask, where);
          const item = acts.shape.slice(1);
          let g = tf.reshape(grads, [count, n, ...item]);
          let a = tf.reshape(acts, [count, n, ...item]);
          if (prev) {
            g = tf.concat([tf.expandDims(prev[0], 0), g], 0);
            a = tf.concat([tf.expandDims(prev[1], 0), a], 0);
          }
          const m = g.shape[0]!;
          const lastPair: [tf.Tensor, tf.Tensor] = [
            tf.squeeze(tf.slice(g, m - 1, 1), [0]),
            tf.squeeze(tf.slice(a, m - 1, 1), [0]),
          ];
          if (m < 2) return [undefined, lastPair] as const;
          const steps = tf.sub(tf.slice(a, 1, m - 1), tf.slice(a, 0, m - 1));
          return [tf.sum(tf.mul(tf.slice(g, 0, m - 1), steps), 0), lastPair] as const;
        });
        if (prev) tf.dispose(prev);
        last = [next[0], next[1]];
        if (term) total = accumulate(total, term);
      }
      const attributions = total!;
      if (!options.returnConvergenceDelta) return attributions;
      const delta = tf.tidy(() =>
        convergenceDelta(
          model,
          call.x,
          baseline!,
          attributions,
          targetMask(call.targets, call.numClasses),
          where,
        ),
      );
      return { attributions, delta };
    } catch (e) {
      total?.dispose();
      throw e;
    } finally {
      if (last) tf.dispose(last);
      baseline?.dispose();
      call.release();
    }
  }
}
