import type { NodeHook } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { hookedGradient } from './hooked-gradient.js';
import type { ResolvedModel } from './resolve-model.js';

/**
 * DeepLift's attributions for x against `reference` (already [N, ...] like x): the gradient of
 * the target scores with DeepLift's rules as hooks, run on the paired batch [x; reference],
 * times (x - reference) when `multiplyByInputs` (else the multipliers themselves).
 *
 * @example
 * ```ts
 * const attr = deepLiftAttributions(m, x, ref, mask, deepLiftHooks(m.graph, where), true, where);
 * ```
 */
export function deepLiftAttributions(
  model: ResolvedModel,
  x: tf.Tensor,
  reference: tf.Tensor,
  mask: tf.Tensor2D,
  hooks: Readonly<Record<string, NodeHook>>,
  multiplyByInputs: boolean,
  where: string,
): tf.Tensor {
  return tf.tidy(() => {
    const multipliers = hookedGradient(model, x, mask, hooks, where, reference);
    return multiplyByInputs ? tf.mul(multipliers, tf.sub(x, reference)) : multipliers;
  });
}
