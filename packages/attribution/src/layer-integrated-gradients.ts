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
  tileRows,
  tileTargets,
  weightedStepSum,
} from './internal/layer-gradient.js';
import { prepareCall } from './internal/prepare-call.js';
import { targetMask } from './internal/targets.js';
import { optionalPositiveInt } from './internal/validate-input.js';
import { type LayerMethodOptions, layerMethodDefaults } from './layer-activation.js';
import type { LayerConductanceAttributeOptions } from './layer-conductance.js';
import type { Attribution, AttributionModel } from './types.js';

/** Options of the {@link LayerIntegratedGradients} constructor. */
export interface LayerIntegratedGradientsOptions extends LayerMethodOptions {
  /** Multiply by layer(x) - layer(baseline) (Captum's `multiply_by_inputs`). */
  multiplyByInputs?: boolean;
}

/** Options of {@link LayerIntegratedGradients.attribute}: the path options and `returnConvergenceDelta`. */
export type LayerIntegratedGradientsAttributeOptions = LayerConductanceAttributeOptions;

/**
 * Captum's `LayerIntegratedGradients`: Integrated Gradients with respect to the layer's output.
 * The layer's activations are interpolated between their values on the baseline and on x,
 * a_k = layer(b) + alpha_k (layer(x) - layer(b)), and fed in place of the layer's output (the
 * rest of the model, including paths that bypass the layer, still sees x, as Captum's forward
 * hook does); the attribution is (layer(x) - layer(b)) * sum_k w_k dF/da(a_k). When the whole
 * model goes through the layer, the attributions of an item sum to F(x) - F(b) (the delta).
 * Defaults: nSteps 50, `gausslegendre`, baseline 0. [N, ...layer shape], the caller's to dispose.
 *
 * @example
 * ```ts
 * const lig = new LayerIntegratedGradients(model, { layer: 'stem.conv' });
 * const attr = await lig.attribute(x, { target: 0, nSteps: 32 });
 * attr.dispose();
 * ```
 */
export class LayerIntegratedGradients
  implements Attribution<LayerIntegratedGradientsAttributeOptions>
{
  readonly multiplyByInputs: boolean;
  private readonly target: LayerTarget;

  constructor(model: AttributionModel, options: LayerIntegratedGradientsOptions) {
    this.target = resolveLayerTarget(
      model,
      options?.layer,
      'LayerIntegratedGradients',
      options?.attributeToLayerInput ?? layerMethodDefaults.attributeToLayerInput,
    );
    this.multiplyByInputs =
      options.multiplyByInputs ?? integratedGradientsDefaults.multiplyByInputs;
  }

  attribute(
    x: tf.Tensor,
    options: LayerIntegratedGradientsAttributeOptions & { returnConvergenceDelta: true },
  ): Promise<AttributionsWithDelta>;
  attribute(x: tf.Tensor, options?: LayerIntegratedGradientsAttributeOptions): Promise<tf.Tensor>;
  async attribute(
    x: tf.Tensor,
    options: LayerIntegratedGradientsAttributeOptions = {},
  ): Promise<tf.Tensor | AttributionsWithDelta> {
    const where = 'LayerIntegratedGradients.attribute';
    const { model, layer } = this.target;
    const nSteps = options.nSteps ?? integratedGradientsDefaults.nSteps;
    const method = options.method ?? integratedGradientsDefaults.method;
    const { alphas, stepSizes } = approximationParameters(method, nSteps);
    const batch = optionalPositiveInt(options.internalBatchSize, 'internalBatchSize');
    const call = await prepareCall(model, x, options, where);
    let reference: tf.Tensor | undefined;
    let ends: [tf.Tensor, tf.Tensor] | undefined;
    let total: tf.Tensor | undefined;
    try {
      const baseline = resolveBaseline(
        options.baselines ?? integratedGradientsDefaults.baseline,
        call.x,
        where,
      );
      reference = tf.tidy(() => tf.broadcastTo(baseline, call.x.shape));
      baseline.dispose();
      const ref = reference;
      ends = [
        layerActivation(model.graph, call.x, layer),
        layerActivation(model.graph, ref, layer),
      ];
      const [ax, ab] = ends;
      const n = call.x.shape[0]!;
      const per = stepsPerPass(n, call.x.size / n, nSteps, batch);
      for (let k0 = 0; k0 < nSteps; k0 += per) {
        const count = Math.min(per, nSteps - k0);
        const term = tf.tidy(() => {
          const acts = pathPoints(ax, ab, alphas, k0, count);
          const xs = tileRows(call.x, count);
          const mask = targetMask(tileTargets(call.targets, count), call.numClasses);
          const grads = layerGradient(model.graph, xs, acts, layer, mask, where);
          return weightedStepSum(grads, stepSizes, k0, count);
        });
        total = accumulate(total, term);
      }
      const summed = total!;
      total = undefined;
      const attributions = this.multiplyByInputs
        ? tf.tidy(() => tf.mul(summed, tf.sub(ax, ab)))
        : tf.clone(summed);
      summed.dispose();
      if (!options.returnConvergenceDelta) return attributions;
      const delta = tf.tidy(() =>
        convergenceDelta(
          model,
          call.x,
          ref,
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
      if (ends) tf.dispose(ends);
      reference?.dispose();
      call.release();
    }
  }
}
