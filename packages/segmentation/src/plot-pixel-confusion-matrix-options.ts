import type { Figsize } from '@interp/viz';

/** Options of `SegmentationInterpretation.plotConfusionMatrix` (classification's, with other defaults). */
export interface PlotPixelConfusionMatrixOptions {
  /** Divide each row by its target-class pixels (a class absent from the targets shows gray). */
  normalize?: boolean;
  title?: string;
  cmap?: string;
  /** [width, height] in inches at 72 px per inch; default grows with the number of classes. */
  figsize?: Figsize;
  /** Decimals of normalized cell text. */
  normDec?: number;
  /** Write the values in the cells (counts of 10,000 and more abbreviated: 12k, 3.4M). */
  plotTxt?: boolean;
  document?: Document;
}

/**
 * Defaults of `SegmentationInterpretation.plotConfusionMatrix`, written once.
 *
 * @example
 * ```ts
 * interp.plotConfusionMatrix({ ...plotPixelConfusionMatrixDefaults, normalize: true });
 * ```
 */
export const plotPixelConfusionMatrixDefaults = {
  normalize: false,
  title: 'Pixel confusion matrix',
  cmap: 'Blues',
  normDec: 2,
  plotTxt: true,
} as const;
