import { InterpError } from '@interp/core/base';
import { assertInteger, describe } from '@interp/core/internal';
import * as Plot from '@observablehq/plot';
import { figsizeToPx } from './figsize-to-px.js';
import { asSVG, optionalText, TITLE_MARGIN, titleMark } from './internal/plot-parts.js';
import { resolveDocument } from './resolve-document.js';
import type { DocumentOption, Figsize } from './types.js';

/** One cell of an {@link imageGrid}. */
export interface ImageGridItem {
  /** Image URL, usually a PNG data URL from `imageToDataURL` or `heatmapOverlay`. */
  src: string;
  /** Caption below the image: a string (lines split at '\n') or one string per line. */
  caption?: string | readonly string[];
  /** CSS color of the caption (for example green for a correct prediction, red for a wrong one). */
  color?: string;
}

/** Options of {@link imageGrid}. */
export interface ImageGridOptions extends DocumentOption {
  /** Columns of the grid; default ceil(sqrt(n)), so the grid is about square. */
  ncols?: number;
  /** Figure size in inches, [width, height] at 72 px per inch; default fitted to the images. */
  figsize?: Figsize;
  /** Title above the grid; null or undefined for none. */
  title?: string | null;
  /** Side of each (square) image cell in px when figsize is not given. */
  imageSize?: number;
  /** Caption font size in px. */
  fontSize?: number;
  /**
   * CSS image-rendering of the images: 'pixelated' (the default) shows every pixel of small
   * images such as MNIST digits sharply; null leaves smoothing to the renderer.
   */
  imageRendering?: string | null;
}

const GAP = 8;
const LINE_HEIGHT = 1.2; // in ems

/** imageGrid defaults, written once. */
export const imageGridDefaults: {
  readonly imageSize: number;
  readonly fontSize: number;
  readonly imageRendering: string;
} = Object.freeze({
  imageSize: 128,
  fontSize: 10,
  imageRendering: 'pixelated',
});

/**
 * A grid of images with multi-line captions below each, as one SVG (so `toPNG` can render it):
 * `<image>` elements for the images, text for the captions (set as text, never parsed as markup).
 * Used for top losses and attribution maps.
 *
 * @example
 * ```ts
 * const svg = imageGrid(
 *   [{ src: imageToDataURL(x0), caption: ['7/1', '2.31', '0.90'], color: 'red' }],
 *   { title: 'Prediction/Actual/Loss/Probability', document },
 * );
 * ```
 */
export function imageGrid(
  items: readonly ImageGridItem[],
  {
    ncols,
    figsize,
    title,
    imageSize = imageGridDefaults.imageSize,
    fontSize = imageGridDefaults.fontSize,
    imageRendering = imageGridDefaults.imageRendering,
    document,
  }: ImageGridOptions = {},
): SVGSVGElement {
  const doc = resolveDocument({ document });
  if (!Array.isArray(items)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `imageGrid expects an array of { src, caption }, got ${describe(items)}`,
    );
  }
  if (items.length === 0) {
    throw new InterpError(
      'EMPTY_INPUT',
      'imageGrid got no items; pass at least one { src, caption }',
    );
  }
  const n = items.length;
  const cols = ncols === undefined ? Math.ceil(Math.sqrt(n)) : assertInteger(ncols, 'ncols', 1);
  const rows = Math.ceil(n / cols);
  assertInteger(fontSize, 'fontSize', 1);
  const titleText = optionalText(title, 'title');
  const cells = items.map((item, k) => {
    if (item == null || typeof item.src !== 'string') {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `imageGrid: items[${k}].src must be a string (an image URL), got ${describe(item?.src)}`,
      );
    }
    // Only image sources: a javascript: URL in an SVG href would run script when clicked.
    if (/^\s*(javascript|vbscript):/i.test(item.src)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `imageGrid: items[${k}].src is a script URL; pass an image URL such as a data:image/png URL`,
      );
    }
    const lines =
      item.caption === undefined
        ? []
        : typeof item.caption === 'string'
          ? item.caption.split('\n')
          : item.caption.map(String);
    return {
      k,
      src: item.src,
      caption: lines.join('\n'),
      lines: lines.length,
      color: item.color ?? 'currentColor',
    };
  });
  const captionLines = Math.max(0, ...cells.map((c) => c.lines));
  const captionHeight = captionLines > 0 ? captionLines * fontSize * LINE_HEIGHT + 4 : 0;
  const top = titleText ? TITLE_MARGIN : 0;

  let side: number;
  let width: number;
  let height: number;
  if (figsize !== undefined) {
    ({ width, height } = figsizeToPx(figsize));
    side = Math.min((width - GAP) / cols - GAP, (height - top - GAP) / rows - GAP - captionHeight);
    if (!(side >= 4)) {
      throw new InterpError(
        'INVALID_OPTION',
        `invalid figsize: [${figsize.join(', ')}] leaves no room for ${rows}x${cols} images with ${captionLines}-line captions; pass a larger figsize`,
      );
    }
  } else {
    side = assertInteger(imageSize, 'imageSize', 1);
    width = cols * (side + GAP) + GAP;
    height = top + rows * (side + captionHeight + GAP) + GAP;
  }
  const cellWidth = (width - GAP) / cols;
  const cellHeight = (height - top - GAP) / rows;
  const placed = cells.map((c) => {
    const col = c.k % cols;
    const row = Math.floor(c.k / cols);
    const x = GAP + col * cellWidth + (cellWidth - GAP) / 2;
    const y = top + GAP + row * cellHeight;
    return { ...c, x, imageY: y + side / 2, captionY: y + side + 4 };
  });

  const marks: Plot.Markish[] = [
    Plot.image(placed, {
      x: 'x',
      y: 'imageY',
      src: 'src',
      width: side,
      height: side,
      ...(imageRendering === null ? {} : { imageRendering }),
    }),
  ];
  if (captionLines > 0) {
    marks.push(
      Plot.text(placed, {
        x: 'x',
        y: 'captionY',
        text: 'caption',
        lineAnchor: 'top',
        lineHeight: LINE_HEIGHT,
        fontSize,
        fill: { value: 'color', scale: null },
        // Long lines end in an ellipsis instead of running into the neighbouring caption.
        lineWidth: (cellWidth - 2) / fontSize,
        textOverflow: 'ellipsis',
      }),
    );
  }
  if (titleText) marks.push(titleMark(titleText, 0));
  const svg = Plot.plot({
    document: doc,
    width,
    height,
    margin: 0,
    axis: null,
    x: { type: 'identity' },
    y: { type: 'identity' },
    marks,
  });
  return asSVG(svg);
}
