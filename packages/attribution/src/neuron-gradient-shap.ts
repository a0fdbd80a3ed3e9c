import * as tf from '@tensorflow/tfjs-core';
import { gradientShapDefaults } from './gradient-shap.js';
import { type LayerTarget, resolveLayerTarget } from './internal/layer-gradient.js';
import {
  type NeuronSelector,
  neuronInputGradient,
  prepareNeuronCall,
} from './internal/neuron-selector.js';
import {
  type GradientShapDraws,
  type GradientShapSampling,
  type LayerGradientShapOptions,
  meanOverSampleRows,
  withGradientShapDraws,
} from './layer-gradient-shap.js';
import type { NeuronAttributeOptions } from './neuron-gradient.js';
import type { AttributionModel } from './types.js';

/** Options of {@link NeuronGradientShap.attribute}. */
export interface NeuronGradientShapAttributeOptions
  extends NeuronAttributeOptions,
    GradientShapSampling {}

/**
 * NeuronGradientShap's attributions from given draws (the class draws them from `randomState`;
 * a test replays Captum's recorded draws): per row (x_r - b_r) * dneuron/dpoint, averaged per item.
 */
export function neuronGradientShapFromDraws(
  target: LayerTarget,
  x: tf.Tensor,
  baselines: tf.Tensor,
  selector: NeuronSelector,
  draws: GradientShapDraws,
  nSamples: number,
  multiplyByInputs: boolean,
  where: string,
): tf.Tensor {
  return meanOverSampleRows(x, baselines, draws, nSamples, ({ inputs, references, points }) => {
    const grads = neuronInputGradient(target.model.graph, points, target.layer, selector, where);
    return multiplyByInputs ? tf.mul(grads, tf.sub(inputs, references)) : grads;
  });
}

/**
 * Captum's `NeuronGradientShap`: GradientShap of one neuron of a layer. For each item, nSamples
 * rows with Gaussian noise added (`stdevs`), a random baseline from the distribution and a
 * random point between them; each row's attribution is (x_r - b_r) times the neuron's gradient
 * at the point, averaged per item. Seeded (`randomState`); Captum's defaults (nSamples 5,
 * stdevs 0). Shaped like x, the caller's to dispose.
 *
 * @example
 * ```ts
 * const ngs = new NeuronGradientShap(model, { layer: 'act1' });
 * const attr = await ngs.attribute(x, { neuronSelector: [2], baselines: background, randomState: 0 });
 * attr.dispose();
 * ```
 */
export class NeuronGradientShap {
  readonly multiplyByInputs: boolean;
  private readonly target: LayerTarget;

  constructor(model: AttributionModel, options: LayerGradientShapOptions) {
    this.target = resolveLayerTarget(model, options?.layer, 'NeuronGradientShap');
    this.multiplyByInputs = options.multiplyByInputs ?? gradientShapDefaults.multiplyByInputs;
  }

  async attribute(x: tf.Tensor, options: NeuronGradientShapAttributeOptions): Promise<tf.Tensor> {
    const where = 'NeuronGradientShap.attribute';
    const { target, multiplyByInputs: times } = this;
    const call = prepareNeuronCall(target.model.graph, target.layer, x, options, where);
    const { x: xs, selector } = call;
    return withGradientShapDraws(call, options, where, (draws, n) =>
      neuronGradientShapFromDraws(target, xs, options.baselines, selector, draws, n, times, where),
    );
  }
}
