import { InterpError } from '@interp/core/base';
import { assertInteger, describe } from '@interp/core/internal';
import { resolveDocument } from '@interp/viz';
import { parseColor } from '@interp/viz/image';

const SVG_NS = 'http://www.w3.org/2000/svg';
const SWATCH = 12;
const ROW_HEIGHT = 18;
const PAD = 8;

/** Options of {@link maskLegend}. */
export interface MaskLegendOptions {
  /** Width in px to wrap the entries in. */
  width?: number;
  /** Font size in px. */
  fontSize?: number;
  /** An extra entry for ignored pixels: its label and color. */
  ignored?: { label: string; color: string };
  document?: Document;
}

/** maskLegend defaults, written once. */
export const maskLegendDefaults = Object.freeze({ width: 320, fontSize: 10 } as const);

/**
 * A legend of a mask palette as an SVG: one swatch and class name per class, in class order,
 * wrapped into rows of `width` px. Names are set as text, never parsed as markup. Each entry is a
 * `<g class="legend-entry">` (the ignored-pixels entry also has class `legend-ignored`).
 *
 * @example
 * ```ts
 * const svg = maskLegend(['background', 'cat'], ['#000000', '#1f77b4'], { document });
 * ```
 */
export function maskLegend(
  names: readonly string[],
  palette: readonly string[],
  options: MaskLegendOptions = {},
): SVGSVGElement {
  const {
    width = maskLegendDefaults.width,
    fontSize = maskLegendDefaults.fontSize,
    ignored,
  } = options;
  const doc = resolveDocument(options);
  if (!Array.isArray(names) || names.length === 0) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `maskLegend needs a non-empty array of class names, got ${describe(names)}`,
    );
  }
  if (!Array.isArray(palette) || palette.length < names.length) {
    throw new InterpError(
      'INVALID_OPTION',
      `the palette has ${Array.isArray(palette) ? palette.length : 'no'} colors for ${names.length} classes; pass one color per class`,
    );
  }
  assertInteger(fontSize, 'fontSize', 1);
  if (!(typeof width === 'number' && Number.isFinite(width) && width > 0)) {
    throw new InterpError('INVALID_OPTION', `invalid width: ${describe(width)}; expected px > 0`);
  }
  const entries = names.map((name, k) => ({
    label: String(name),
    color: palette[k]!,
    ignored: false,
  }));
  if (ignored) entries.push({ ...ignored, ignored: true });
  // Node has no text layout: estimate each entry's width from its length (sans-serif ~0.62 em).
  const placed: { x: number; row: number }[] = [];
  let x = PAD;
  let row = 0;
  for (const e of entries) {
    const w = SWATCH + 4 + e.label.length * fontSize * 0.62 + 12;
    if (x > PAD && x + w > width - PAD) {
      x = PAD;
      row++;
    }
    placed.push({ x, row });
    x += w;
  }
  const height = (row + 1) * ROW_HEIGHT + PAD;
  const svg = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  svg.setAttribute('class', 'mask-legend');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('font-family', 'system-ui, sans-serif');
  svg.setAttribute('font-size', String(fontSize));
  entries.forEach((e, k) => {
    parseColor(e.color, e.ignored ? 'ignored color' : `palette[${k}]`);
    const { x: ex, row: r } = placed[k]!;
    const y = PAD / 2 + r * ROW_HEIGHT;
    const g = doc.createElementNS(SVG_NS, 'g');
    g.setAttribute('class', e.ignored ? 'legend-entry legend-ignored' : 'legend-entry');
    const rect = doc.createElementNS(SVG_NS, 'rect');
    rect.setAttribute('x', String(ex));
    rect.setAttribute('y', String(y + (ROW_HEIGHT - SWATCH) / 2));
    rect.setAttribute('width', String(SWATCH));
    rect.setAttribute('height', String(SWATCH));
    rect.setAttribute('fill', e.color);
    rect.setAttribute('stroke', '#888888');
    rect.setAttribute('stroke-width', '0.5');
    const text = doc.createElementNS(SVG_NS, 'text');
    text.setAttribute('x', String(ex + SWATCH + 4));
    text.setAttribute('y', String(y + ROW_HEIGHT / 2));
    text.setAttribute('dy', '0.35em');
    text.textContent = e.label;
    g.appendChild(rect);
    g.appendChild(text);
    svg.appendChild(g);
  });
  return svg;
}
