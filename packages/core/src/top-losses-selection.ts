import type { DecodedItem } from './data-loader.js';

/** Options of `plotTopLosses`; task interpretations extend them with their own. */
export interface PlotTopLossesOptions {
  /** Largest losses first (default true); false shows the smallest. */
  largest?: boolean;
  /** [width, height] in inches at 72 px per inch. */
  figsize?: [number, number];
  /** The DOM document to draw with (needed in Node: for example linkedom's). */
  document?: Document;
  /** Grid columns, for image grids. */
  ncols?: number;
}

/**
 * The items `plotTopLosses` hands to an interpretation's `renderTopLosses`, in drawing order.
 *
 * @example
 * ```ts
 * // in a subclass of Interpretation:
 * protected override renderTopLosses({ indices, losses, items }: TopLossesSelection) { ... }
 * ```
 */
export interface TopLossesSelection {
  /** Item indices, in drawing order. */
  indices: Int32Array;
  /** The loss of each selected item (NaN when the interpretation has no losses). */
  losses: Float32Array;
  /**
   * The selected items as something showable (from the kept inputs or the data loader); undefined
   * when the interpretation has neither, so a renderer that needs them can say so.
   */
  items: DecodedItem[] | undefined;
}
