import { type GradConfig, getGradient, registerGradient } from '@tensorflow/tfjs-core';
import { avgPoolGradConfig } from './avg-pool-grad.js';
import { fusedBatchNormGradConfig } from './fused-batch-norm-grad.js';

/** The gradients {@link registerGradients} installs in place of tfjs-core 4.22's. */
export const gradientConfigs: readonly GradConfig[] = [fusedBatchNormGradConfig, avgPoolGradConfig];

/**
 * Registers interp's gradient functions over tfjs's (all backends): a `FusedBatchNorm` gradient
 * without `Tile` that also works when `scale` is absent, and an `AvgPool` gradient that matches
 * the forward pass at 'same'-padded borders. Call it after importing
 * `@tensorflow/tfjs-layers`, which registers tfjs's own; `setupBackend` does. Idempotent.
 *
 * @example
 * ```ts
 * await import('@tensorflow/tfjs-layers');
 * registerGradients();
 * ```
 */
export function registerGradients(): void {
  for (const config of gradientConfigs) {
    if (getGradient(config.kernelName) !== config) registerGradient(config);
  }
}
