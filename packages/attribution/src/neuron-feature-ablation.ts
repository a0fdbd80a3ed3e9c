import type * as tf from '@tensorflow/tfjs-core';
import { featureAblationDefaults } from './feature-ablation.js';
import { type Baseline, resolveBaseline } from './internal/baseline.js';
import { resolveFeatureMask, spreadFeatures } from './internal/feature-mask.js';
import { type LayerTarget, resolveLayerTarget } from './internal/layer-gradient.js';
import { prepareNeuronCall, selectNeuron } from './internal/neuron-selector.js';
import { singleFeatureDrops } from './internal/perturbation-call.js';
import { optionalPositiveInt } from './internal/validate-input.js';
import type { LayerMethodOptions } from './layer-activation.js';
import type { NeuronAttributeOptions } from './neuron-gradient.js';
import type { AttributionModel } from './types.js';

/** Options of {@link NeuronFeatureAblation.attribute}. */
export interface NeuronFeatureAblationAttributeOptions extends NeuronAttributeOptions {
  /** What an ablated value becomes: a number (default 0), a tensor like one item or like x. */
  baselines?: Baseline;
  /** Integer feature ids that broadcast against x; values sharing an id are ablated together. */
  featureMask?: tf.Tensor;
  /** Ablated copies of the batch per forward pass; default from the batch budget. */
  perturbationsPerEval?: number;
}

/**
 * Captum's `NeuronFeatureAblation`: each input value (or `featureMask` group) is replaced by its
 * baseline in turn, and its attribution is the neuron's value on x minus its value with the
 * feature ablated. Ablated copies go through the shared perturbation engine in large batches.
 * Shaped like x, the caller's to dispose.
 *
 * @example
 * ```ts
 * const nfa = new NeuronFeatureAblation(model, { layer: 'act1' });
 * const attr = await nfa.attribute(x, { neuronSelector: [2] });
 * attr.dispose();
 * ```
 */
export class NeuronFeatureAblation {
  private readonly target: LayerTarget;

  constructor(model: AttributionModel, options: LayerMethodOptions) {
    this.target = resolveLayerTarget(model, options?.layer, 'NeuronFeatureAblation');
  }

  async attribute(
    x: tf.Tensor,
    options: NeuronFeatureAblationAttributeOptions,
  ): Promise<tf.Tensor> {
    const where = 'NeuronFeatureAblation.attribute';
    const { model, layer } = this.target;
    const perEval = optionalPositiveInt(
      options?.perturbationsPerEval,
      `${where}: perturbationsPerEval`,
    );
    const call = prepareNeuronCall(model.graph, layer, x, options, where);
    let baseline: tf.Tensor | undefined;
    try {
      const xs = call.x;
      const n = xs.shape[0]!;
      baseline = resolveBaseline(options.baselines ?? featureAblationDefaults.baselines, xs, where);
      const mask = await resolveFeatureMask(options.featureMask, xs, where);
      // The neuron is the "model output": one score column, class 0 for every row.
      const forward = (z: tf.Tensor) =>
        selectNeuron(
          model.graph.run(z, { taps: [layer] }).taps[layer]!,
          call.selector,
          layer,
          where,
        );
      const drops = await singleFeatureDrops(
        {
          forward,
          x: xs,
          replacement: baseline,
          targets: new Int32Array(n),
          numClasses: 1,
          where,
          perturbationsPerEval: perEval,
        },
        mask,
      );
      return spreadFeatures(mask, drops, n, xs.shape);
    } finally {
      baseline?.dispose();
      call.release();
    }
  }
}
