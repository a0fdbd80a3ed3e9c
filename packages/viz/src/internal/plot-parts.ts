import { InterpError } from '@interp/core/base';
import { describe } from '@interp/core/internal';
import * as Plot from '@observablehq/plot';
import { figsizeToPx } from '../figsize-to-px.js';
import type { Figsize } from '../types.js';

/** Title font size in px and the margin a title needs above the frame. */
export const TITLE_FONT_SIZE = 14;
export const TITLE_MARGIN = 30;

/**
 * A figure's size in px: `figsize` (inches) through figsizeToPx, then explicit `width` / `height`
 * (px) win over it.
 */
export function resolveSize(
  figsize: Figsize,
  width: number | undefined,
  height: number | undefined,
): { width: number; height: number } {
  const px = figsizeToPx(figsize);
  for (const [value, name] of [
    [width, 'width'],
    [height, 'height'],
  ] as const) {
    if (
      value !== undefined &&
      !(typeof value === 'number' && Number.isFinite(value) && value > 0)
    ) {
      throw new InterpError(
        'INVALID_OPTION',
        `invalid ${name}: ${describe(value)}; expected a positive number of px (or use figsize in inches)`,
      );
    }
  }
  return { width: width ?? px.width, height: height ?? px.height };
}

/**
 * The title drawn inside the SVG (Plot's own `title` option wraps the SVG in an HTML figure,
 * which toPNG cannot render): bold, centered over the frame, in the top margin.
 */
export function titleMark(title: string, marginTop: number): Plot.Markish {
  return Plot.text([String(title)], {
    text: (d: string) => d,
    frameAnchor: 'top',
    lineAnchor: 'top',
    dy: 6 - marginTop,
    fontSize: TITLE_FONT_SIZE,
    fontWeight: 'bold',
  });
}

/**
 * Rough width in px of a line of text in a sans-serif font; used to size margins, since Node has
 * no layout engine to measure text.
 */
export function textWidth(s: string, fontSize = 10): number {
  return s.length * fontSize * 0.62;
}

/** The root `<svg>` a Plot call returned; anything else is a bug in how we called Plot. */
export function asSVG(node: Element): SVGSVGElement {
  if (node.localName !== 'svg') {
    throw new InterpError(
      'NOT_SUPPORTED',
      `expected Plot to return an <svg>, got <${node.localName}>`,
    );
  }
  return node as SVGSVGElement;
}

/** Checks an optional text option (title, axis labels): undefined and null mean none. */
export function optionalText(value: unknown, name: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid ${name}: ${describe(value)}; expected a string or null`,
    );
  }
  return value;
}

/** Checks a list of labels against an expected count; labels are coerced to strings. */
export function labelList(
  labels: readonly unknown[] | undefined,
  count: number,
  name: string,
  what: string,
): string[] {
  if (labels === undefined) return Array.from({ length: count }, (_, i) => String(i));
  if (!Array.isArray(labels)) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid ${name}: ${describe(labels)}; expected an array of ${count} strings`,
    );
  }
  if (labels.length !== count) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${name} has ${labels.length} labels but the matrix has ${count} ${what}; pass one label per ${what.replace(/s$/, '')}`,
    );
  }
  return labels.map((l) => String(l));
}
