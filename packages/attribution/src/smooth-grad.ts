import { NoiseTunnel } from './noise-tunnel.js';
import { saliencyMap } from './saliency-map.js';
import type { AttributionModel } from './types.js';

/** Options of the {@link SmoothGrad} constructor. */
export interface SmoothGradOptions {
  /** Average |gradient| instead of the signed gradient. */
  abs?: boolean;
}

/** Defaults of {@link SmoothGrad}, written once. */
export const smoothGradDefaults = Object.freeze({ abs: false } as const);

/**
 * SmoothGrad (Smilkov et al. 2017): a {@link NoiseTunnel} around the plain input gradient of
 * the target score, so `attribute(x, { nSamples, stdevs, ntType, randomState })` averages the
 * gradients of noisy copies (`smoothgrad_sq` and `vargrad` as in Captum). With `stdevs: 0` it is
 * the gradient itself.
 *
 * @example
 * ```ts
 * const sg = new SmoothGrad(learn);
 * const attr = await sg.attribute(images, { nSamples: 25, stdevs: 0.15, randomState: 42 });
 * attr.dispose();
 * ```
 */
export class SmoothGrad extends NoiseTunnel {
  readonly abs: boolean;

  constructor(model: AttributionModel, options: SmoothGradOptions = {}) {
    const abs = options.abs ?? smoothGradDefaults.abs;
    super(model, (x, { target }) => saliencyMap(model, x, { target, abs }));
    this.abs = abs;
  }
}
