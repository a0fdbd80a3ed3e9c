import { at, check } from './internal/suggestion-utils.js';
import type { SuggestionFunction } from './lr-suggestion.js';

/**
 * fastai's `valley`: the longest valley of the loss curve (longest decreasing subsequence, found
 * with fastai's exact loop, including where it takes the valley's start), then the point about
 * halfway down it: `start + int(len/3) + int(len/6)`, where a -1 index means the last point, as
 * in Python.
 *
 * @example
 * ```ts
 * valley([1e-4, 1e-3, 1e-2, 1e-1, 1], [2, 1.9, 1.5, 1, 3], 100).lr; // 1e-4
 * ```
 */
export const valley: SuggestionFunction = (lrs, losses) => {
  check(lrs, losses, 'valley', 1);
  const n = losses.length;
  let maxStart = 0;
  let maxEnd = 0;
  const lds = new Array<number>(n).fill(1);
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i]! < losses[j]! && lds[i]! < lds[j]! + 1) lds[i] = lds[j]! + 1;
      // As fastai: checked inside the inner loop, so maxStart uses lds[i] as it is at that moment.
      if (lds[maxEnd]! < lds[i]!) {
        maxEnd = i;
        maxStart = maxEnd - lds[maxEnd]!;
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  const idx = maxStart + Math.trunc(sections) + Math.trunc(sections / 2);
  const lr = at(lrs, idx);
  return { lr, point: [lr, at(losses, idx)] };
};
