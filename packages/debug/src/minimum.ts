import { argmin, check, closest } from './internal/suggestion-utils.js';
import type { SuggestionFunction } from './lr-suggestion.js';

/**
 * fastai's `minimum`: one tenth of the learning rate at the lowest loss (the point marks the
 * minimum itself).
 *
 * @example
 * ```ts
 * minimum([1e-3, 1e-2, 1e-1], [2, 1, 3], 100).lr; // 1e-3
 * ```
 */
export const minimum: SuggestionFunction = (lrs, losses) => {
  check(lrs, losses, 'minimum', 1);
  const lrMin = lrs[argmin(losses)]!;
  return { lr: lrMin / 10, point: [lrMin, losses[closest(lrs, lrMin)]!] };
};
