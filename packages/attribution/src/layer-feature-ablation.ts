import * as tf from '@tensorflow/tfjs-core';
import { featureAblationDefaults } from './feature-ablation.js';
import { type Baseline, resolveBaseline } from './internal/baseline.js';
import { resolveFeatureMask, spreadFeatures } from './internal/feature-mask.js';
import {
  type LayerTarget,
  layerActivation,
  layerMethodTarget,
  tileRows,
} from './internal/layer-gradient.js';
import { singleFeatureDrops } from './internal/perturbation-call.js';
import { prepareCall } from './internal/prepare-call.js';
import { optionalPositiveInt } from './internal/validate-input.js';
import type { LayerMethodOptions } from './layer-activation.js';
import type { AttributeOptions, Attribution, AttributionModel } from './types.js';

/** Options of {@link LayerFeatureAblation.attribute}. */
export interface LayerFeatureAblationAttributeOptions extends AttributeOptions {
  /**
   * What an ablated layer unit becomes (Captum's `layer_baselines`): a number (default 0), a
   * tensor shaped like one item of the layer's output or like the whole output.
   */
  layerBaselines?: Baseline;
  /**
   * Integer group ids that broadcast against the layer's output (Captum's `layer_mask`); units
   * sharing an id are ablated together. Default: every unit on its own.
   */
  layerMask?: tf.Tensor;
  /** Ablated copies of the batch per forward pass; default from the batch budget. */
  perturbationsPerEval?: number;
}

/**
 * Captum's `LayerFeatureAblation`: each unit (or `layerMask` group) of the layer's output is
 * replaced by its baseline in turn, through a hook, and its attribution is F(x)[t] minus the
 * target score with it ablated (the rest of the model, paths around the layer included, still
 * sees x). Ablated copies go through the shared perturbation engine in large batches.
 * [N, ...layer shape], the caller's to dispose.
 *
 * @example
 * ```ts
 * const lfa = new LayerFeatureAblation(model, { layer: 'block.relu2' });
 * const attr = await lfa.attribute(x, { target: 0 }); // [N, 4, 4, 4]
 * attr.dispose();
 * ```
 */
export class LayerFeatureAblation implements Attribution<LayerFeatureAblationAttributeOptions> {
  private readonly target: LayerTarget;

  constructor(model: AttributionModel, options: LayerMethodOptions) {
    this.target = layerMethodTarget(model, options, 'LayerFeatureAblation');
  }

  async attribute(
    x: tf.Tensor,
    options: LayerFeatureAblationAttributeOptions = {},
  ): Promise<tf.Tensor> {
    const where = 'LayerFeatureAblation.attribute';
    const { model, layer } = this.target;
    const perEval = optionalPositiveInt(
      options.perturbationsPerEval,
      `${where}: perturbationsPerEval`,
    );
    const call = await prepareCall(model, x, options, where);
    let acts: tf.Tensor | undefined;
    let baseline: tf.Tensor | undefined;
    try {
      const xs = call.x;
      const n = xs.shape[0]!;
      acts = layerActivation(model.graph, xs, layer);
      baseline = resolveBaseline(
        options.layerBaselines ?? featureAblationDefaults.baselines,
        acts,
        `${where}: layerBaselines`,
      );
      const mask = await resolveFeatureMask(options.layerMask, acts, `${where}: layerMask`);
      // The engine hands over perturbed layer outputs, perturbation-major; x is tiled to match.
      const forward = (a: tf.Tensor) =>
        model.graph.run(tileRows(xs, a.shape[0]! / n), { hooks: { [layer]: () => a } }).output;
      const drops = await singleFeatureDrops(
        {
          forward,
          x: acts,
          replacement: baseline,
          targets: call.targets,
          numClasses: call.numClasses,
          where,
          perturbationsPerEval: perEval,
        },
        mask,
      );
      return spreadFeatures(mask, drops, n, acts.shape);
    } finally {
      tf.dispose([acts, baseline].filter((t): t is tf.Tensor => t !== undefined));
      call.release();
    }
  }
}
