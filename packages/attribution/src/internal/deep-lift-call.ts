import * as tf from '@tensorflow/tfjs-core';
import type { DeepLiftAttributeOptions } from '../deep-lift.js';
import type { AttributionsWithDelta } from '../integrated-gradients.js';
import { convergenceDelta } from './convergence-delta.js';
import {
  type DeepLiftPass,
  type DeepLiftSetup,
  deepLiftDefaults,
  deepLiftReference,
} from './deep-lift-core.js';
import { prepareCall } from './prepare-call.js';
import type { ResolvedModel } from './resolve-model.js';
import { targetMask } from './targets.js';

/**
 * DeepLift and LayerDeepLift's `attribute`: validates x and the targets, pairs x with its
 * reference (the baselines, 0 by default), runs `attributions` on that pass and adds the
 * convergence delta (sum - (F(x) - F(reference))) when asked. Results are the caller's.
 *
 * @example
 * ```ts
 * const attr = await deepLiftCall(m, setup, x, { target: 0 }, where, (pass) => deepLiftAttributions(m, pass));
 * ```
 */
export async function deepLiftCall(
  model: ResolvedModel,
  setup: DeepLiftSetup,
  x: tf.Tensor,
  options: DeepLiftAttributeOptions,
  where: string,
  attributions: (pass: DeepLiftPass) => tf.Tensor,
): Promise<tf.Tensor | AttributionsWithDelta> {
  const call = await prepareCall(model, x, options, where);
  let reference: tf.Tensor | undefined;
  try {
    const ref = deepLiftReference(options.baselines, call.x, where);
    reference = ref;
    const wantDelta = options.returnConvergenceDelta ?? deepLiftDefaults.returnConvergenceDelta;
    return tf.tidy(() => {
      const mask = targetMask(call.targets, call.numClasses);
      const attr = attributions({ ...setup, x: call.x, reference: ref, mask, where });
      if (!wantDelta) return attr;
      const delta = convergenceDelta(model, call.x, ref, attr, mask, where);
      // tidy keeps the tensors of a returned object; its type wants an index signature.
      return { attributions: attr, delta } as unknown as tf.Tensor;
    });
  } finally {
    reference?.dispose();
    call.release();
  }
}
