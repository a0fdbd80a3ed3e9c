import { beforeAll, describe, expect, it } from 'vitest';
import { createDocument } from '../create-document.js';
import { lineChart } from '../line-chart.js';
import { interpErrorOf } from '../test-helpers.js';
import { normalizeSVG } from '../testing.js';
import { toSVGString } from '../to-svg-string.js';
import { panelGrid } from './panel-grid.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

const chart = (name: string, w: number, h: number) =>
  lineChart([{ name, x: [0, 1], y: [1, 2] }], { title: name, width: w, height: h, document });

describe('panelGrid(panels, { ncols, title, gap })', () => {
  it('matches the golden SVG for three panels in two columns', async () => {
    const svg = panelGrid([chart('a', 200, 100), chart('b', 200, 100), chart('c', 200, 100)], {
      ncols: 2,
      title: 'Panels',
      document,
    });
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/panel-grid.svg',
    );
  });

  it('places panels row by row, columns as wide as their widest panel', () => {
    const svg = panelGrid([chart('a', 200, 100), chart('b', 150, 120), chart('c', 300, 80)], {
      ncols: 2,
      gap: 10,
      document,
    });
    const nested = Array.from(svg.children).filter((c) => c.localName === 'svg');
    expect(nested.map((p) => [p.getAttribute('x'), p.getAttribute('y')])).toEqual([
      ['0', '0'],
      ['310', '0'], // column 0 is as wide as its widest panel, c (300)
      ['0', '130'], // row 0 is as tall as b (120)
    ]);
    expect(svg.getAttribute('width')).toBe(String(300 + 10 + 150));
    expect(svg.getAttribute('height')).toBe(String(120 + 10 + 80));
  });

  it('writes the title as text, never markup', () => {
    const svg = panelGrid([chart('a', 100, 100)], { title: '<b>x</b> & y', document });
    expect(svg.querySelector('text')!.textContent).toBe('<b>x</b> & y');
    expect(toSVGString(svg)).toContain('&lt;b&gt;x&lt;/b&gt; &amp; y');
  });

  it('rejects bad input with an InterpError saying what to do', () => {
    expect(interpErrorOf(() => panelGrid([], { document }), 'EMPTY_INPUT')).toMatch(/at least one/);
    expect(interpErrorOf(() => panelGrid([document.createElement('table')], { document }))).toMatch(
      /panels\[0\] is a <table>; only SVG figures/,
    );
    expect(interpErrorOf(() => panelGrid([chart('a', 10, 10)], { ncols: 0, document }))).toMatch(
      /ncols must be >= 1/,
    );
  });
});
