import { classNames } from '@interp/core/base';
import { assertInteger, keyword } from '@interp/core/internal';
import { figsizeToPx } from './figsize-to-px.js';
import { heatmap } from './heatmap.js';
import { resolveDocument } from './resolve-document.js';
import type { DocumentOption, Figsize } from './types.js';

/** Options of {@link confusionMatrixChart}, with fastai's `plot_confusion_matrix` defaults. */
export interface ConfusionMatrixChartOptions extends DocumentOption {
  /** Class names, in class-index order; default "0".."C-1". */
  classNames?: readonly string[];
  /** Divide each row by its actual-class count. */
  normalize?: boolean;
  title?: string;
  cmap?: string;
  /** [width, height] in inches at 72 px per inch; default grows with the number of classes. */
  figsize?: Figsize;
  /** Decimals of normalized cell text. */
  normDec?: number;
  /** Write the values in the cells. */
  plotTxt?: boolean;
  /**
   * How a normalized row with no items is drawn: `'zero'` (fastai: 0 in every cell) or
   * `'missing'` (gray cells without text: the class never occurs).
   */
  emptyRow?: 'zero' | 'missing';
  /** Shorten counts of 10,000 and more (12k, 3.4M), for pixel counts. */
  compactCounts?: boolean;
}

/** confusionMatrixChart defaults, written once (fastai's). */
export const confusionMatrixChartDefaults = Object.freeze({
  normalize: false,
  title: 'Confusion matrix',
  cmap: 'Blues',
  normDec: 2,
  plotTxt: true,
  emptyRow: 'zero',
  compactCounts: false,
} as const);

/**
 * A confusion matrix as a heatmap, rows actual and columns predicted, axes 'Actual' and
 * 'Predicted', the counts (or with `normalize`, each row's fractions with `normDec` decimals)
 * written in the cells in a color that contrasts with the fill. Shared by the classification and
 * segmentation interpretations.
 *
 * @example
 * ```ts
 * confusionMatrixChart([[5, 1], [2, 7]], { classNames: ['cat', 'dog'], normalize: true, document });
 * ```
 */
export function confusionMatrixChart(
  matrix: readonly (readonly number[])[],
  options: ConfusionMatrixChartOptions = {},
): SVGElement {
  const {
    normalize = confusionMatrixChartDefaults.normalize,
    title = confusionMatrixChartDefaults.title,
    cmap = confusionMatrixChartDefaults.cmap,
    normDec = confusionMatrixChartDefaults.normDec,
    plotTxt = confusionMatrixChartDefaults.plotTxt,
    compactCounts = confusionMatrixChartDefaults.compactCounts,
    figsize,
  } = options;
  assertInteger(normDec, 'normDec', 0, 10);
  const emptyRow = keyword(
    options.emptyRow,
    'emptyRow',
    ['zero', 'missing'],
    confusionMatrixChartDefaults.emptyRow,
  );
  const document = resolveDocument(options);
  const c = matrix.length;
  const names = classNames(options.classNames, c, 'classNames');
  const values = normalize
    ? matrix.map((row) => {
        const s = row.reduce((a, b) => a + b, 0);
        return row.map((v) => (s === 0 ? (emptyRow === 'zero' ? 0 : Number.NaN) : v / s));
      })
    : matrix.map((row) => [...row]);
  const side = Math.max(4, Math.min(14, 1.5 + 0.6 * c));
  const size = figsizeToPx(figsize ?? [side + 1, side]);
  const count = compactCounts ? compactCount : String;
  return heatmap(values, {
    xLabels: names,
    yLabels: names,
    xLabel: 'Predicted',
    yLabel: 'Actual',
    title,
    cmap,
    domain: normalize ? [0, 1] : undefined,
    cellText: plotTxt
      ? (v) => (!Number.isFinite(v) ? '' : normalize ? v.toFixed(normDec) : count(v))
      : null,
    width: size.width,
    height: size.height,
    document,
  });
}

/** A count in at most 4 characters or so: 9999, 12k, 3.4M. */
function compactCount(v: number): string {
  if (v < 10_000) return String(v);
  if (v < 999_500) return `${Math.round(v / 1000)}k`;
  if (v < 9_950_000) return `${(v / 1e6).toFixed(1)}M`;
  if (v < 999_500_000) return `${Math.round(v / 1e6)}M`;
  return `${(v / 1e9).toFixed(1)}G`;
}
