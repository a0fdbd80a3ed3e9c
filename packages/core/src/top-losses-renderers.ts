import type { DecodedItem } from './data-loader.js';
import type { Interpretation } from './interpretation.js';

export interface PlotTopLossesOptions {
  largest?: boolean;
  /** [width, height] in inches at 72 px per inch. */
  figsize?: [number, number];
  /** The DOM document to draw with (needed in Node: for example linkedom's). */
  document?: Document;
  /** Grid columns, for image grids. */
  ncols?: number;
}

/** What a renderer gets: the items to show, in order, with their indices and losses. */
export interface TopLossesContext<I extends Interpretation = Interpretation> {
  interp: I;
  indices: Int32Array;
  losses: Float32Array;
  items: DecodedItem[];
  options: PlotTopLossesOptions;
}

/** Draws top-loss items; returns an SVG or HTML element. */
export type TopLossesRenderer = (context: TopLossesContext<never>) => Element | Promise<Element>;

const renderers = new Map<string, TopLossesRenderer>();

/**
 * Registers how `plotTopLosses` draws items of one kind. The key is `'<interpretation kind>:<item
 * kind>'` (for example `'classification:image'`) or just an item kind as a fallback for every
 * interpretation. Packages register theirs explicitly (never at import time).
 */
export function registerTopLossesRenderer(key: string, renderer: TopLossesRenderer): void {
  renderers.set(key, renderer);
}

/** The renderer for an interpretation kind and item kind, if one is registered. */
export function findTopLossesRenderer(
  interpKind: string,
  itemKind: string,
): TopLossesRenderer | undefined {
  return renderers.get(`${interpKind}:${itemKind}`) ?? renderers.get(itemKind);
}
