import { InterpError } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import type { DeepLiftSetup } from './internal/deep-lift-core.js';
import type { LayerTarget } from './internal/layer-gradient.js';
import { prepareCall } from './internal/prepare-call.js';
import { targetMask } from './internal/targets.js';
import {
  type LayerDeepLiftOptions,
  layerDeepLiftAttributions,
  layerDeepLiftSetup,
} from './layer-deep-lift.js';
import type { AttributeOptions, Attribution, AttributionModel } from './types.js';

/** Options of {@link LayerDeepLiftShap.attribute}. */
export interface LayerDeepLiftShapAttributeOptions extends AttributeOptions {
  /** A distribution of baselines, [B, ...item] (B >= 1; Captum wants several). Required. */
  baselines: tf.Tensor;
}

/**
 * Captum's `LayerDeepLiftShap`: LayerDeepLift of every item against every baseline of the
 * distribution (all pairs in one paired batch, item-major as Captum expands them), averaged over
 * the baselines. [N, ...layer shape], the caller's to dispose.
 *
 * @example
 * ```ts
 * const shap = new LayerDeepLiftShap(model, { layer: 'act1' });
 * const attr = await shap.attribute(x, { target: 0, baselines: background }); // background [B, 6]
 * attr.dispose();
 * ```
 */
export class LayerDeepLiftShap implements Attribution<LayerDeepLiftShapAttributeOptions> {
  readonly multiplyByInputs: boolean;
  private readonly target: LayerTarget;
  private readonly setup: DeepLiftSetup;

  constructor(model: AttributionModel, options: LayerDeepLiftOptions) {
    const where = 'LayerDeepLiftShap';
    ({ target: this.target, setup: this.setup } = layerDeepLiftSetup(model, options, where));
    this.multiplyByInputs = this.setup.multiplyByInputs;
  }

  async attribute(x: tf.Tensor, options: LayerDeepLiftShapAttributeOptions): Promise<tf.Tensor> {
    const where = 'LayerDeepLiftShap.attribute';
    const call = await prepareCall(this.target.model, x, options, where);
    try {
      const baselines = options?.baselines;
      const item = call.x.shape.slice(1);
      if (
        !(baselines instanceof tf.Tensor) ||
        baselines.rank !== call.x.rank ||
        baselines.shape.slice(1).some((d, i) => d !== item[i])
      ) {
        throw new InterpError(
          'SHAPE_MISMATCH',
          `${where}: baselines must be a tensor [B, ${item.join(', ')}] (a distribution of B reference inputs shaped like x's items), got ${baselines instanceof tf.Tensor ? `[${baselines.shape.join(', ')}]` : String(baselines)}`,
        );
      }
      const n = call.x.shape[0]!;
      const b = baselines.shape[0]!;
      return tf.tidy(() => {
        // Row i * B + j pairs item i with baseline j (Captum's repeat_interleave of the inputs).
        const itemRows = new Int32Array(n * b);
        const baseRows = new Int32Array(n * b);
        const targets = new Int32Array(n * b);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < b; j++) {
            itemRows[i * b + j] = i;
            baseRows[i * b + j] = j;
            targets[i * b + j] = call.targets[i]!;
          }
        }
        const xs = tf.gather(call.x, tf.tensor1d(itemRows, 'int32'));
        const refs = tf.gather(tf.cast(baselines, 'float32'), tf.tensor1d(baseRows, 'int32'));
        const mask = targetMask(targets, call.numClasses);
        const pass = { ...this.setup, x: xs, reference: refs, mask, where };
        const attr = layerDeepLiftAttributions(this.target, pass);
        return tf.mean(tf.reshape(attr, [n, b, ...attr.shape.slice(1)]), 1);
      });
    } finally {
      call.release();
    }
  }
}
