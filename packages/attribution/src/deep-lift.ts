import type * as tf from '@tensorflow/tfjs-core';
import type { AttributionsWithDelta } from './integrated-gradients.js';
import type { Baseline } from './internal/baseline.js';
import { deepLiftCall } from './internal/deep-lift-call.js';
import {
  DeepLiftMethod,
  deepLiftAttributions,
  deepLiftDefaults,
} from './internal/deep-lift-core.js';
import type { AttributeOptions, AttributionModel } from './types.js';

/** Options of the {@link DeepLift} and {@link DeepLiftShap} constructors. */
export interface DeepLiftOptions {
  /** Multiply the multipliers by (x - baseline) (Captum's `multiply_by_inputs`); false: local attributions. */
  multiplyByInputs?: boolean;
  /** |x - reference| below which a nonlinearity keeps its plain gradient (Captum's `eps`). */
  eps?: number;
}

/** Options of {@link DeepLift.attribute}. */
export interface DeepLiftAttributeOptions extends AttributeOptions {
  /** The reference input: a number for every value, a tensor shaped like one item, or like x. */
  baselines?: Baseline;
  /** Also return each item's convergence delta: sum of attributions - (f(x) - f(baseline)). */
  returnConvergenceDelta?: boolean;
}

export { deepLiftDefaults };

/**
 * DeepLift (Shrikumar et al. 2017) with Captum's rules: the rescale rule on every ReLU, ELU,
 * LeakyReLU, Sigmoid, Tanh and Softplus node, Captum's softmax and max-pool rules, the plain
 * gradient elsewhere (linear nodes: convolutions, dense, batch norm, adds). Like Captum, x and
 * the baseline run together in one batch so each rule sees an input beside its reference.
 * Works on ONNX models and tfjs LayersModels; a tfjs layer with a fused nonlinear activation
 * (Dense with `activation: 'relu'`) throws NOT_SUPPORTED at construction: split it into a linear
 * layer and an activation layer. Results are the caller's to dispose.
 *
 * @example
 * ```ts
 * const dl = new DeepLift(model);
 * const { attributions, delta } = await dl.attribute(x, { target: 0, returnConvergenceDelta: true });
 * tf.dispose([attributions, delta]); // delta ~ 0: attributions sum to f(x) - f(baseline)
 * ```
 */
export class DeepLift extends DeepLiftMethod<DeepLiftAttributeOptions> {
  constructor(model: AttributionModel, options: DeepLiftOptions = {}) {
    super(model, options, 'DeepLift');
  }

  protected attributeOrDelta(
    x: tf.Tensor,
    options: DeepLiftAttributeOptions,
  ): Promise<tf.Tensor | AttributionsWithDelta> {
    return deepLiftCall(this.model, this.setup, x, options, 'DeepLift.attribute', (pass) =>
      deepLiftAttributions(this.model, pass),
    );
  }
}
