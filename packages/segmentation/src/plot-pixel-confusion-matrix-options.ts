import type { ConfusionMatrixChartOptions } from '@interp/viz';

/**
 * Options of `SegmentationInterpretation.plotConfusionMatrix`: confusionMatrixChart's, with other
 * defaults. `normalize` divides each row by its target-class pixels (a class absent from the
 * targets shows gray); the cell text abbreviates counts of 10,000 and more (12k, 3.4M).
 */
export type PlotPixelConfusionMatrixOptions = Pick<
  ConfusionMatrixChartOptions,
  'normalize' | 'title' | 'cmap' | 'figsize' | 'normDec' | 'plotTxt' | 'document'
>;

/**
 * Defaults of `SegmentationInterpretation.plotConfusionMatrix`, written once.
 *
 * @example
 * ```ts
 * interp.plotConfusionMatrix({ ...plotPixelConfusionMatrixDefaults, normalize: true });
 * ```
 */
export const plotPixelConfusionMatrixDefaults = Object.freeze({
  normalize: false,
  title: 'Pixel confusion matrix',
  cmap: 'Blues',
  normDec: 2,
  plotTxt: true,
} as const);
