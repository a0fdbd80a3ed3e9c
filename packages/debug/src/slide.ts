import { InterpError } from '@interp/core/base';
import { describe } from '@interp/core/internal';
import { at, check, numpyGradient, numpyInterp } from './internal/suggestion-utils.js';
import type { LrSuggestion } from './lr-suggestion.js';

/** Options of {@link slide}: fastai's keyword arguments. */
export interface SlideOptions {
  lrDiff?: number;
  thresh?: number;
  adjustValue?: number;
}

/** slide defaults (fastai's), written once. */
export const slideDefaults = Object.freeze({ lrDiff: 15, thresh: 0.005, adjustValue: 1 } as const);

/**
 * fastai's `slide` (interval slide rule): compares the loss gradient (`np.gradient`) at the end of
 * the curve with the gradient `lrDiff` points earlier, sliding both left until they differ by at
 * most `thresh`; the learning rate at the left end, times `adjustValue`, is the suggestion. The
 * plotted loss is interpolated at log10(lr).
 *
 * @example
 * ```ts
 * slide(lrs, losses, 100).lr;
 * ```
 */
export function slide(
  lrs: ArrayLike<number>,
  losses: ArrayLike<number>,
  _numIt = 100,
  options: SlideOptions = {},
): LrSuggestion {
  const {
    lrDiff = slideDefaults.lrDiff,
    thresh = slideDefaults.thresh,
    adjustValue = slideDefaults.adjustValue,
  } = options;
  if (!Number.isInteger(lrDiff) || lrDiff < 1) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid lrDiff: ${describe(lrDiff)}; expected an integer >= 1`,
    );
  }
  check(lrs, losses, 'slide', Math.max(2, lrDiff + 1));
  const n = losses.length;
  const grad = numpyGradient(losses);
  let r = -1;
  let l = r - lrDiff;
  let localMinLr = at(lrs, l);
  while (l >= -n && Math.abs(at(grad, r) - at(grad, l)) > thresh) {
    localMinLr = at(lrs, l);
    r -= 1;
    l -= 1;
  }
  const lr = localMinLr * adjustValue;
  const logLrs = Array.from(lrs, (v) => Math.log10(v));
  return { lr, point: [lr, numpyInterp(Math.log10(lr), logLrs, losses)] };
}
