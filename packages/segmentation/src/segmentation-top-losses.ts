import {
  type ImageItem,
  InterpError,
  type NDArray,
  type PlotTopLossesOptions,
  type TopLossesSelection,
} from '@interp/core';
import {
  figsizeToPx,
  type ImageGridItem,
  imageGrid,
  imageToDataURL,
  PX_PER_INCH,
  panelGrid,
  resolveDocument,
} from '@interp/viz';
import { maskLegend } from './mask-legend.js';
import { maskToDataURL } from './mask-to-data-url.js';
import { IGNORE_COLOR, segmentationPalette } from './segmentation-palette.js';

/** Options of `SegmentationInterpretation.plotTopLosses`. */
export interface SegmentationTopLossesOptions extends PlotTopLossesOptions {
  /** One hex color per class; default `segmentationPalette(numClasses)`. */
  palette?: readonly string[];
  /** Side of each image in px when `figsize` is not given. */
  imageSize?: number;
  /** Title above the grid; null for none. */
  title?: string | null;
}

/** What the drawing reads of a segmentation interpretation: class names and masks. */
export interface SegmentedItems {
  readonly classNames: readonly string[];
  readonly ignoreIndex: number | undefined;
  targetMask(i: number): NDArray<ArrayLike<number>>;
  predictedMask(i: number): NDArray<ArrayLike<number>>;
}

/** plotTopLosses defaults of segmentation, written once. */
export const segmentationTopLossesDefaults = Object.freeze({
  imageSize: 96,
  title: 'Input / Target / Predicted',
} as const);

/**
 * Draws top-loss segmentation items: one row per item with the input image (when there is one),
 * the target mask and the predicted mask in one palette, captioned with the item index and loss
 * (the predicted mask also with its pixel accuracy), and a legend of the classes below. `ncols`
 * does not apply: each row is one item. `SegmentationInterpretation.plotTopLosses` calls it.
 *
 * @example
 * ```ts
 * const svg = await interp.plotTopLosses(4, { document, palette: ['#000', '#e41a1c', '#377eb8'] });
 * ```
 */
export function renderSegmentationTopLosses(
  interp: SegmentedItems,
  { indices, losses, items }: TopLossesSelection,
  options: SegmentationTopLossesOptions,
): SVGSVGElement {
  const {
    imageSize = segmentationTopLossesDefaults.imageSize,
    title = segmentationTopLossesDefaults.title,
    figsize,
  } = options;
  const document = resolveDocument(options);
  const names = interp.classNames;
  const palette = options.palette ?? segmentationPalette(names.length);
  if (!Array.isArray(palette) || palette.length < names.length) {
    throw new InterpError(
      'INVALID_OPTION',
      `the palette has ${Array.isArray(palette) ? palette.length : 'no'} colors for ${names.length} classes; pass one hex color per class`,
    );
  }
  const withInput = items !== undefined;
  const ignoreIndex = interp.ignoreIndex;
  let anyIgnored = false;
  const cells: ImageGridItem[] = [];
  indices.forEach((i, r) => {
    const target = interp.targetMask(i);
    const predicted = interp.predictedMask(i);
    const loss = losses[r]!;
    const lossText = `loss ${Number.isFinite(loss) ? loss.toFixed(3) : 'n/a'}`;
    let counted = 0;
    let right = 0;
    for (let p = 0; p < target.data.length; p++) {
      const t = target.data[p]!;
      if (t === ignoreIndex) {
        anyIgnored = true;
        continue;
      }
      counted++;
      if (predicted.data[p] === t) right++;
    }
    const accText = counted === 0 ? 'acc n/a' : `acc ${(right / counted).toFixed(3)}`;
    if (withInput) {
      const item = items![r] as ImageItem;
      cells.push({
        src: imageToDataURL({ data: item.data, shape: item.shape }),
        caption: [`#${i}`, lossText],
      });
      cells.push({ src: maskToDataURL(target, palette, { ignoreIndex }), caption: ['target'] });
    } else {
      cells.push({
        src: maskToDataURL(target, palette, { ignoreIndex }),
        caption: [`#${i} target`, lossText],
      });
    }
    cells.push({ src: maskToDataURL(predicted, palette), caption: ['predicted', accText] });
  });
  const ncols = withInput ? 3 : 2;
  const GAP = 8; // imageGrid's spacing between cells
  const width = figsize ? figsizeToPx(figsize).width : ncols * (imageSize + GAP) + GAP;
  const legend = maskLegend(names, palette, {
    width,
    document,
    ignored: anyIgnored ? { label: `ignored (${ignoreIndex})`, color: IGNORE_COLOR } : undefined,
  });
  const legendHeight = Number(legend.getAttribute('height'));
  let gridFigsize: [number, number] | undefined;
  if (figsize) {
    const { height } = figsizeToPx(figsize);
    gridFigsize = [figsize[0], Math.max(1, height - legendHeight) / PX_PER_INCH];
  }
  const grid = imageGrid(cells, {
    ncols,
    title: title ?? null,
    figsize: gridFigsize,
    imageSize: gridFigsize ? undefined : imageSize,
    document,
  });
  const figure = panelGrid([grid, legend], { ncols: 1, gap: 0, document });
  figure.setAttribute('class', 'segmentation-top-losses');
  return figure;
}
