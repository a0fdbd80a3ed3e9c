import type { Learner } from '@interp/core';
import {
  checkMaxN,
  type PredictedItemsFigureOptions,
  predictedItems,
  renderPredictedItems,
} from './internal/predicted-items.js';

/** Options of {@link plotPredictions}. */
export interface PlotPredictionsOptions extends PredictedItemsFigureOptions {
  /** 0 = train, 1 = valid. */
  dsIdx?: number;
  maxN?: number;
}

/** plotPredictions defaults (the seed's), written once. */
export const plotPredictionsDefaults = Object.freeze({ dsIdx: 1, maxN: 9 } as const);

/**
 * The first `maxN` items of a dataset with the model's prediction against the ground truth:
 * images captioned `predicted/actual` and the predicted class's probability (green when right,
 * red when wrong); table rows and vectors as a table.
 *
 * @example
 * ```ts
 * const fig = await plotPredictions(learn, { maxN: 6, document });
 * ```
 */
export async function plotPredictions(
  learn: Learner,
  {
    dsIdx = plotPredictionsDefaults.dsIdx,
    maxN = plotPredictionsDefaults.maxN,
    figsize,
    ncols,
    document,
  }: PlotPredictionsOptions = {},
): Promise<Element> {
  checkMaxN(maxN);
  const items = await predictedItems(learn, learn.dls.byIndex(dsIdx), { limit: maxN });
  return renderPredictedItems(
    items,
    (p) => [
      `${p.predicted}/${p.actual}`,
      Number.isNaN(p.probability) ? '' : p.probability.toFixed(2),
    ],
    { title: 'Prediction/Actual/Probability', figsize, ncols, document },
  );
}
