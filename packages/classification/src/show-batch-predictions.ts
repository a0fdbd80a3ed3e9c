import type { DataLoader, Learner } from '@interp/core';
import {
  checkMaxN,
  type PredictedItemsFigureOptions,
  predictedItems,
  renderPredictedItems,
} from './internal/predicted-items.js';

/** Options of {@link showBatchPredictions}. */
export interface ShowBatchPredictionsOptions extends PredictedItemsFigureOptions {
  /** The loader whose first batch is shown; default the validation loader. */
  dl?: DataLoader;
  maxN?: number;
}

/** showBatchPredictions defaults (the seed's), written once. */
export const showBatchPredictionsDefaults = Object.freeze({ maxN: 9 } as const);

/**
 * One batch (the first of `dl`, validation by default) with the predictions overlaid: up to
 * `maxN` items captioned with the predicted class, the actual class and the probability.
 *
 * @example
 * ```ts
 * const fig = await showBatchPredictions(learn, { document });
 * ```
 */
export async function showBatchPredictions(
  learn: Learner,
  {
    dl,
    maxN = showBatchPredictionsDefaults.maxN,
    figsize,
    ncols,
    document,
  }: ShowBatchPredictionsOptions = {},
): Promise<Element> {
  checkMaxN(maxN);
  const items = await predictedItems(learn, dl ?? learn.dls.valid, { limit: maxN, batches: 1 });
  return renderPredictedItems(
    items,
    (p) => [
      `pred: ${p.predicted}`,
      `actual: ${p.actual}`,
      Number.isNaN(p.probability) ? '' : p.probability.toFixed(2),
    ],
    { title: 'Batch predictions', figsize, ncols, document },
  );
}
