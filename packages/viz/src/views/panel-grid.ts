import { InterpError } from '@interp/core/base';
import { assertInteger, describe } from '@interp/core/internal';
import { optionalText, TITLE_FONT_SIZE, TITLE_MARGIN } from '../internal/plot-parts.js';
import { resolveDocument } from '../resolve-document.js';
import type { DocumentOption } from '../types.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Options of {@link panelGrid}. */
export interface PanelGridOptions extends DocumentOption {
  /** Panels per row; default all in one row. */
  ncols?: number;
  /** Title above the grid; null or undefined for none. */
  title?: string | null;
  /** Space between panels in px. */
  gap?: number;
}

/**
 * Several SVG figures side by side in one SVG (row-major, `ncols` per row), like matplotlib's
 * subplots: each row is as tall as its tallest panel, each column as wide as its widest. The
 * panels are moved into the grid (nested `<svg>` elements keep their own scales and styles), so
 * the result renders with `toSVGString` and `toPNG` like any plot.
 *
 * @example
 * ```ts
 * const svg = panelGrid([lineChart(a, { document }), lineChart(b, { document })], { ncols: 2, document });
 * ```
 */
export function panelGrid(
  panels: readonly Element[],
  { ncols, title, gap = 8, document }: PanelGridOptions = {},
): SVGSVGElement {
  const doc = resolveDocument({ document });
  if (!Array.isArray(panels)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `panelGrid expects an array of SVG figures, got ${describe(panels)}`,
    );
  }
  if (panels.length === 0) {
    throw new InterpError('EMPTY_INPUT', 'panelGrid got no panels; pass at least one SVG figure');
  }
  const cols = ncols === undefined ? panels.length : assertInteger(ncols, 'ncols', 1);
  if (!(typeof gap === 'number' && Number.isFinite(gap) && gap >= 0)) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid gap: ${describe(gap)}; expected a number of px >= 0`,
    );
  }
  const titleText = optionalText(title, 'title');
  const sizes = panels.map((p, k) => {
    if (p == null || typeof p !== 'object' || p.localName !== 'svg') {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `panelGrid: panels[${k}] is ${p == null || typeof p !== 'object' ? describe(p) : `a <${p.localName}>`}; only SVG figures (plots) can be placed in a grid`,
      );
    }
    return {
      width: Number(p.getAttribute('width')) || 0,
      height: Number(p.getAttribute('height')) || 0,
    };
  });
  const rows = Math.ceil(panels.length / cols);
  const colWidth = Array.from({ length: Math.min(cols, panels.length) }, (_, c) =>
    Math.max(...sizes.filter((_, k) => k % cols === c).map((s) => s.width)),
  );
  const rowHeight = Array.from({ length: rows }, (_, r) =>
    Math.max(...sizes.slice(r * cols, (r + 1) * cols).map((s) => s.height)),
  );
  const top = titleText === null ? 0 : TITLE_MARGIN;
  const width = colWidth.reduce((a, b) => a + b, 0) + gap * (colWidth.length - 1);
  const height = top + rowHeight.reduce((a, b) => a + b, 0) + gap * (rows - 1);
  const svg = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('font-family', 'system-ui, sans-serif');
  svg.setAttribute('font-size', '10');
  if (titleText !== null) {
    const t = doc.createElementNS(SVG_NS, 'text');
    t.setAttribute('x', String(width / 2));
    t.setAttribute('y', String(TITLE_FONT_SIZE + 6));
    t.setAttribute('text-anchor', 'middle');
    t.setAttribute('font-size', String(TITLE_FONT_SIZE));
    t.setAttribute('font-weight', 'bold');
    t.textContent = titleText;
    svg.appendChild(t);
  }
  panels.forEach((panel, k) => {
    const c = k % cols;
    const r = Math.floor(k / cols);
    const x = colWidth.slice(0, c).reduce((a, b) => a + b, 0) + gap * c;
    const y = top + rowHeight.slice(0, r).reduce((a, b) => a + b, 0) + gap * r;
    panel.setAttribute('x', String(x));
    panel.setAttribute('y', String(y));
    svg.appendChild(panel);
  });
  return svg;
}
