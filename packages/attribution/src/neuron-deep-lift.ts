import * as tf from '@tensorflow/tfjs-core';
import type { Baseline } from './internal/baseline.js';
import { type DeepLiftSetup, deepLiftReference, deepLiftSetup } from './internal/deep-lift-core.js';
import { type LayerTarget, resolveLayerTarget } from './internal/layer-gradient.js';
import { neuronInputGradient, prepareNeuronCall } from './internal/neuron-selector.js';
import type { LayerDeepLiftOptions } from './layer-deep-lift.js';
import type { NeuronAttributeOptions } from './neuron-gradient.js';
import type { AttributionModel } from './types.js';

/** Options of {@link NeuronDeepLift.attribute}. */
export interface NeuronDeepLiftAttributeOptions extends NeuronAttributeOptions {
  /** The reference input: a number for every value (default 0), a tensor shaped like one item or like x. */
  baselines?: Baseline;
}

/**
 * Captum's `NeuronDeepLift`: DeepLift's multipliers of one neuron of a layer with respect to the
 * input (the rules hooked on every supported nonlinearity, the neuron's own layer included, over
 * the paired batch [x; baseline]), times x - baseline (Captum's `multiply_by_inputs`). Shaped
 * like x, the caller's to dispose.
 *
 * @example
 * ```ts
 * const nd = new NeuronDeepLift(model, { layer: 'act1' });
 * const attr = await nd.attribute(x, { neuronSelector: [2] });
 * attr.dispose();
 * ```
 */
export class NeuronDeepLift {
  readonly multiplyByInputs: boolean;
  private readonly target: LayerTarget;
  private readonly setup: DeepLiftSetup;

  constructor(model: AttributionModel, options: LayerDeepLiftOptions) {
    const where = 'NeuronDeepLift';
    this.target = resolveLayerTarget(model, options?.layer, where);
    this.setup = deepLiftSetup(this.target.model, options, where);
    this.multiplyByInputs = this.setup.multiplyByInputs;
  }

  async attribute(x: tf.Tensor, options: NeuronDeepLiftAttributeOptions): Promise<tf.Tensor> {
    const where = 'NeuronDeepLift.attribute';
    const { model, layer } = this.target;
    const call = prepareNeuronCall(model.graph, layer, x, options, where);
    let reference: tf.Tensor | undefined;
    try {
      const ref = deepLiftReference(options.baselines, call.x, where);
      reference = ref;
      return tf.tidy(() => {
        const { hooks } = this.setup;
        const multipliers = neuronInputGradient(
          model.graph,
          call.x,
          layer,
          call.selector,
          where,
          hooks,
          ref,
        );
        return this.multiplyByInputs ? tf.mul(multipliers, tf.sub(call.x, ref)) : multipliers;
      });
    } finally {
      reference?.dispose();
      call.release();
    }
  }
}
