import * as tf from '@tensorflow/tfjs-core';
import { type AttributionsWithDelta, integratedGradientsDefaults } from './integrated-gradients.js';
import { DeltaAttribution } from './internal/delta-attribution.js';
import {
  type LayerTarget,
  layerActivation,
  layerGradient,
  layerMethodTarget,
  pathPoints,
  tileRows,
  tileTargets,
  weightedStepSum,
} from './internal/layer-gradient.js';
import { scaleByInputs, sumOverPasses, withDelta, withPath } from './internal/path-integral.js';
import { prepareCall } from './internal/prepare-call.js';
import { targetMask } from './internal/targets.js';
import type { LayerMethodOptions } from './layer-activation.js';
import type { LayerConductanceAttributeOptions } from './layer-conductance.js';
import type { AttributionModel } from './types.js';

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
export class LayerIntegratedGradients extends DeltaAttribution<LayerIntegratedGradientsAttributeOptions> {
  readonly multiplyByInputs: boolean;
  private readonly target: LayerTarget;

  constructor(model: AttributionModel, options: LayerIntegratedGradientsOptions) {
    super();
    this.target = layerMethodTarget(model, options, 'LayerIntegratedGradients');
    this.multiplyByInputs =
      options.multiplyByInputs ?? integratedGradientsDefaults.multiplyByInputs;
  }

  protected async attributeOrDelta(
    x: tf.Tensor,
    options: LayerIntegratedGradientsAttributeOptions,
  ): Promise<tf.Tensor | AttributionsWithDelta> {
    const where = 'LayerIntegratedGradients.attribute';
    const { model, layer } = this.target;
    return withPath(
      options,
      () => prepareCall(model, x, options, where),
      where,
      ({ call, baseline, points, alphas, stepSizes, batch }) => {
        const ref = tf.tidy(() => tf.broadcastTo(baseline, call.x.shape));
        const ends = [
          layerActivation(model.graph, call.x, layer),
          layerActivation(model.graph, ref, layer),
        ] as const;
        const [ax, ab] = ends;
        try {
          const summed = sumOverPasses(call.x, points, batch, (k0, count) =>
            tf.tidy(() => {
              const acts = pathPoints(ax, ab, alphas, k0, count);
              const xs = tileRows(call.x, count);
              const mask = targetMask(tileTargets(call.targets, count), call.numClasses);
              const grads = layerGradient(model.graph, xs, acts, layer, mask, where);
              return weightedStepSum(grads, stepSizes, k0, count);
            }),
          );
          // ax - ab, not x - b: the layer's own change is what the path integral spans.
          const attributions = scaleByInputs(summed, this.multiplyByInputs, ax, ab);
          if (!options.returnConvergenceDelta) return attributions;
          return withDelta(model, call, ref, attributions, where);
        } finally {
          tf.dispose([...ends, ref]);
        }
      },
    );
  }
}
