import { createRng, type DataLoader, type Learner, type RandomState, toRng } from '@interp/core';
import {
  checkMaxN,
  type PredictedItemsFigureOptions,
  predictedItems,
  renderPredictedItems,
} from './internal/predicted-items.js';

/** Options of {@link showResults}. */
export interface ShowResultsOptions extends PredictedItemsFigureOptions {
  /** 0 = train, 1 = valid. */
  dsIdx?: number;
  /** A loader to use instead of the learner's. */
  dl?: DataLoader;
  maxN?: number;
  /** Show a random sample of the items (seeded) instead of the first ones. */
  shuffle?: boolean;
  /** Seed of the sample. */
  seed?: RandomState;
}

/** showResults defaults (the seed's, seed 0), written once. */
export const showResultsDefaults = Object.freeze({
  dsIdx: 1,
  maxN: 10,
  shuffle: true,
  seed: 0,
} as const);

/**
 * fastai's `show_results`: `maxN` items (a seeded random sample, or the first ones) with the
 * ground truth on the first caption line and the prediction below it, green when right and red
 * when wrong. Sampling runs the model over the whole dataset once.
 *
 * @example
 * ```ts
 * const fig = await showResults(learn, { maxN: 8, document });
 * ```
 */
export async function showResults(
  learn: Learner,
  {
    dsIdx = showResultsDefaults.dsIdx,
    dl,
    maxN = showResultsDefaults.maxN,
    shuffle = showResultsDefaults.shuffle,
    seed = showResultsDefaults.seed,
    figsize,
    ncols,
    document,
  }: ShowResultsOptions = {},
): Promise<Element> {
  checkMaxN(maxN);
  const loader = dl ?? learn.dls.byIndex(dsIdx);
  let items = await predictedItems(learn, loader, shuffle ? {} : { limit: maxN });
  if (shuffle) {
    const rng = seed === undefined ? createRng(0) : toRng(seed);
    const order = rng.permutation(items.length);
    items = Array.from(order.slice(0, Math.min(maxN, items.length)), (i) => items[i]!);
  }
  return renderPredictedItems(items, (p) => [p.actual, p.predicted], {
    title: 'Actual/Predicted',
    figsize,
    ncols,
    document,
  });
}
