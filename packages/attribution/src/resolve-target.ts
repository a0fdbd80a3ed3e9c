import type * as tf from '@tensorflow/tfjs-core';
import { resolveModel } from './internal/resolve-model.js';
import { resolveTargets } from './internal/targets.js';
import { validateInput } from './internal/validate-input.js';
import type { AttributionModel, Target } from './types.js';

/**
 * The class each item's attribution explains: `target` expanded to one index per item and
 * checked against the model's outputs, or (when undefined) each item's predicted class, the
 * argmax of the model's output with ties going to the lower index. Every attribution method
 * resolves its `target` this way; call it to know which classes were explained.
 *
 * @example
 * ```ts
 * const classes = await resolveTarget(learn, x); // Int32Array, e.g. [7, 2, 1]
 * const attr = await new IntegratedGradients(learn).attribute(x, { target: classes });
 * ```
 */
export async function resolveTarget(
  model: AttributionModel,
  x: tf.Tensor,
  target?: Target,
): Promise<Int32Array> {
  const where = 'resolveTarget';
  const m = resolveModel(model, where);
  const input = validateInput(x, where, m.graph);
  try {
    return (await resolveTargets(m, input.x, target, where)).targets;
  } finally {
    if (input.owned) input.x.dispose();
  }
}
