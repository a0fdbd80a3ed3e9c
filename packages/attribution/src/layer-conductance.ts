import * as tf from '@tensorflow/tfjs-core';
import type { AttributionsWithDelta } from './integrated-gradients.js';
import { DeltaAttribution } from './internal/delta-attribution.js';
import { type LayerTarget, layerMethodTarget } from './internal/layer-gradient.js';
import { layerPathGradient, sumOverPasses, withDelta, withPath } from './internal/path-integral.js';
import { prepareCall } from './internal/prepare-call.js';
import type { LayerPathAttributeOptions } from './internal-influence.js';
import type { LayerMethodOptions } from './layer-activation.js';
import type { AttributionModel } from './types.js';

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
export class LayerConductance extends DeltaAttribution<LayerConductanceAttributeOptions> {
  private readonly target: LayerTarget;

  constructor(model: AttributionModel, options: LayerMethodOptions) {
    super();
    this.target = layerMethodTarget(model, options, 'LayerConductance');
  }

  protected async attributeOrDelta(
    x: tf.Tensor,
    options: LayerConductanceAttributeOptions,
  ): Promise<tf.Tensor | AttributionsWithDelta> {
    const where = 'LayerConductance.attribute';
    const target = this.target;
    // The last point's gradient and activation of the previous pass, to pair with the next.
    let last: [tf.Tensor, tf.Tensor] | undefined;
    try {
      return await withPath(
        options,
        () => prepareCall(target.model, x, options, where),
        where,
        ({ call, baseline, points, alphas, batch }) => {
          const n = call.x.shape[0]!;
          const attributions = sumOverPasses(call.x, points, batch, (k0, count) => {
            const prev = last;
            const [term, next] = tf.tidy(() => {
              const { acts, grads } = layerPathGradient(
                target,
                call,
                { baseline, alphas },
                k0,
                count,
                where,
              );
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
              // Summed over a 2-D [steps, rest] view: tfjs-wasm's transpose of a 4-D or 5-D
              // tensor (a leading-axis sum moves that axis last) is slow.
              const terms = tf.reshape(tf.mul(tf.slice(g, 0, m - 1), steps), [m - 1, -1]);
              return [tf.reshape(tf.sum(terms, 0), g.shape.slice(1)), lastPair] as const;
            });
            if (prev) tf.dispose(prev);
            last = [next[0], next[1]];
            return term;
          });
          if (!options.returnConvergenceDelta) return attributions;
          return withDelta(target.model, call, baseline, attributions, where);
        },
        { extraPoints: 1 },
      );
    } finally {
      if (last) tf.dispose(last);
    }
  }
}
