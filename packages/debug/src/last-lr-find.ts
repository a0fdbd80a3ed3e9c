import type { Learner } from '@interp/core';
import type { LrFindResult } from './lr-find.js';

// Weak so a finder run never keeps a dropped learner (and its model) alive.
const lastRuns = new WeakMap<object, LrFindResult>();

/**
 * The result of the last {@link lrFind} run on `learn`, or undefined when it has none. lrFind puts
 * the learner's recorder back as it was, so this (not the recorder) is what {@link plotLrFind}
 * draws for a learner.
 *
 * @example
 * ```ts
 * await lrFind(learn);
 * const { suggestions } = lastLrFind(learn)!;
 * ```
 */
export function lastLrFind(learn: Learner): LrFindResult | undefined {
  return learn && typeof learn === 'object' ? lastRuns.get(learn) : undefined;
}

/** Keeps `result` as the last finder run of `learn` (called by lrFind). @internal */
export function rememberLrFind(learn: Learner, result: LrFindResult): void {
  lastRuns.set(learn, result);
}
