import * as tf from '@tensorflow/tfjs-core';
import type { DeepLiftAttributeOptions, DeepLiftOptions } from './deep-lift.js';
import type { AttributionsWithDelta } from './integrated-gradients.js';
import { deepLiftCall } from './internal/deep-lift-call.js';
import { type DeepLiftPass, type DeepLiftSetup, deepLiftSetup } from './internal/deep-lift-core.js';
import { DeltaAttribution } from './internal/delta-attribution.js';
import {
  type LayerTarget,
  layerActivation,
  layerGradient,
  layerMethodTarget,
} from './internal/layer-gradient.js';
import { halves } from './internal/paired-batch.js';
import type { LayerMethodOptions } from './layer-activation.js';
import type { AttributionModel } from './types.js';

/** Options of the {@link LayerDeepLift} and {@link LayerDeepLiftShap} constructors. */
export interface LayerDeepLiftOptions extends LayerMethodOptions, DeepLiftOptions {}

/** The layer a LayerDeepLift variant attributes to, and its DeepLift rules. */
export function layerDeepLiftSetup(
  model: AttributionModel,
  options: LayerDeepLiftOptions,
  where: string,
): { target: LayerTarget; setup: DeepLiftSetup } {
  const target = layerMethodTarget(model, options, where);
  return { target, setup: deepLiftSetup(target.model, options, where) };
}

/**
 * LayerDeepLift's attributions of one pass (x and its reference [R, ...item], `mask` [R, C]):
 * the model runs on the paired batch [x; reference] with DeepLift's rules as hooks, the layer's
 * output is fed back in so the target scores are differentiated with respect to it, and the
 * multipliers of x's half are multiplied by layer(x) - layer(reference) when `multiplyByInputs`.
 */
export function layerDeepLiftAttributions(target: LayerTarget, pass: DeepLiftPass): tf.Tensor {
  const { model, layer } = target;
  const { x, reference, mask, hooks, where } = pass;
  return tf.tidy(() => {
    const paired = tf.concat([x, reference], 0);
    const acts = layerActivation(model.graph, paired, layer, hooks);
    // Like Captum (and DeepLift here), both halves' target scores are differentiated: the
    // softmax and max-pool rules mix the halves, so the reference rows' scores reach x's.
    const both = tf.concat([mask, mask], 0) as tf.Tensor2D;
    const grads = layerGradient(model.graph, paired, acts, layer, both, where, hooks);
    const [multipliers] = halves(grads);
    if (!pass.multiplyByInputs) return multipliers;
    const [ax, ar] = halves(acts);
    return tf.mul(multipliers, tf.sub(ax, ar));
  });
}

/**
 * Captum's `LayerDeepLift`: DeepLift's multipliers (rescale rule on ReLU, ELU, LeakyReLU,
 * Sigmoid, Tanh, Softplus; the softmax and max-pool rules) of the target score with respect to
 * the layer's output, times layer(x) - layer(baseline) (Captum's `multiply_by_inputs`). The
 * convergence delta compares each item's sum with F(x) - F(baseline). Baseline 0 by default.
 * [N, ...layer shape], the caller's to dispose.
 *
 * @example
 * ```ts
 * const ld = new LayerDeepLift(model, { layer: 'act1' });
 * const { attributions, delta } = await ld.attribute(x, { target: 1, returnConvergenceDelta: true });
 * tf.dispose([attributions, delta]);
 * ```
 */
export class LayerDeepLift extends DeltaAttribution<DeepLiftAttributeOptions> {
  readonly multiplyByInputs: boolean;
  private readonly target: LayerTarget;
  private readonly setup: DeepLiftSetup;

  constructor(model: AttributionModel, options: LayerDeepLiftOptions) {
    super();
    ({ target: this.target, setup: this.setup } = layerDeepLiftSetup(
      model,
      options,
      'LayerDeepLift',
    ));
    this.multiplyByInputs = this.setup.multiplyByInputs;
  }

  protected attributeOrDelta(
    x: tf.Tensor,
    options: DeepLiftAttributeOptions,
  ): Promise<tf.Tensor | AttributionsWithDelta> {
    const where = 'LayerDeepLift.attribute';
    return deepLiftCall(this.target.model, this.setup, x, options, where, (pass) =>
      layerDeepLiftAttributions(this.target, pass),
    );
  }
}
