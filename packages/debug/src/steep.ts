import { argmin, check, closest } from './internal/suggestion-utils.js';
import type { SuggestionFunction } from './lr-suggestion.js';

/**
 * fastai's `steep`: the learning rate where the loss falls fastest per unit of log(lr), i.e. the
 * start of the steepest segment `(loss[i+1] - loss[i]) / (ln lr[i+1] - ln lr[i])`.
 *
 * @example
 * ```ts
 * steep([1e-3, 1e-2, 1e-1, 1], [2, 1.9, 1, 0.9], 100).lr; // 1e-2
 * ```
 */
export const steep: SuggestionFunction = (lrs, losses) => {
  check(lrs, losses, 'steep', 2);
  const grads = new Float64Array(losses.length - 1);
  for (let i = 0; i < grads.length; i++) {
    grads[i] = (losses[i + 1]! - losses[i]!) / (Math.log(lrs[i + 1]!) - Math.log(lrs[i]!));
  }
  const lr = lrs[argmin(grads)]!;
  return { lr, point: [lr, losses[closest(lrs, lr)]!] };
};
