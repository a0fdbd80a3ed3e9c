import { beforeAll, describe, expect, it } from 'vitest';
import { createDocument } from './create-document.js';
import { heatmap } from './heatmap.js';
import { interpErrorOf, markGroup } from './test-helpers.js';
import { normalizeSVG } from './testing.js';
import { toPNG } from './to-png.js';
import { toSVGString } from './to-svg-string.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

const cm = [
  [50, 2, 0],
  [5, 43, 1],
  [0, 7, 30],
];

function cells(svg: Element): Element[] {
  return Array.from(markGroup(svg, 'cell')[0]!.querySelectorAll('rect'));
}

function cellTexts(svg: Element): Element[] {
  return Array.from(markGroup(svg, 'text')[0]!.querySelectorAll('text'));
}

describe('heatmap(matrix, options)', () => {
  it('matches the golden SVG for a labelled 3x3 confusion matrix', async () => {
    const svg = heatmap(cm, {
      xLabels: ['cat', 'dog', 'bird'],
      yLabels: ['cat', 'dog', 'bird'],
      xLabel: 'Predicted',
      yLabel: 'Actual',
      title: 'Confusion matrix',
      document,
    });
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/heatmap-basic.svg',
    );
  });

  it('draws one cell per entry (rows x cols) and writes every value', () => {
    const svg = heatmap(
      [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ],
      { document },
    );
    expect(cells(svg)).toHaveLength(8);
    expect(cellTexts(svg).map((t) => t.textContent)).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
    ]);
  });

  it('puts matrix row 0 at the top and column 0 on the left', () => {
    const rects = cells(heatmap(cm, { document }));
    const y = rects.map((r) => Number(r.getAttribute('y')));
    const x = rects.map((r) => Number(r.getAttribute('x')));
    // Entries come row-major: (0,0), (0,1), (0,2), (1,0), ...
    expect(y[0]).toBe(y[2]);
    expect(y[0]).toBeLessThan(y[3]!);
    expect(y[3]).toBeLessThan(y[6]!);
    expect(x[0]).toBeLessThan(x[1]!);
    expect(x[1]).toBeLessThan(x[2]!);
  });

  it('colors through the Blues scheme: the minimum gets its lightest, the maximum its darkest color', () => {
    const rects = cells(heatmap(cm, { document }));
    // d3's Blues ends: #f7fbff and #08306b.
    expect(rects[2]!.getAttribute('fill')).toBe('rgb(247, 251, 255)');
    expect(rects[0]!.getAttribute('fill')).toBe('rgb(8, 48, 107)');
  });

  it('writes white text on dark cells and black text on light cells', () => {
    const texts = cellTexts(heatmap(cm, { document }));
    expect(texts[0]!.getAttribute('fill')).toBe('white'); // 50, the darkest
    expect(texts[4]!.getAttribute('fill')).toBe('white'); // 43
    expect(texts[1]!.getAttribute('fill')).toBe('black'); // 2
    expect(texts[2]!.getAttribute('fill')).toBe('black'); // 0, the lightest
  });

  it('picks the text color by contrast with the fill in every colormap (dark low end of viridis)', () => {
    const texts = cellTexts(heatmap([[0, 1]], { cmap: 'viridis', document }));
    // viridis runs from dark purple (#440154) to light yellow (#fde725).
    expect(texts.map((t) => t.getAttribute('fill'))).toEqual(['white', 'black']);
  });

  it('shows labels as text only: markup in labels and titles is escaped, never parsed', async () => {
    const xss = '<img src=x onerror=alert(1)>';
    const svg = heatmap([[1, 2]], {
      xLabels: [xss, 'a & "b"'],
      yLabels: ['<script>alert(2)</script>'],
      title: '<b>title</b>',
      document,
    });
    const text = toSVGString(svg);
    expect(svg.querySelector('img')).toBeNull();
    expect(svg.querySelector('script')).toBeNull();
    expect(text).not.toMatch(/<img/);
    expect(text).not.toMatch(/<script/);
    expect(text).not.toMatch(/<b>/);
    expect(text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(text).toContain('a &amp; "b"');
    expect(Array.from(svg.querySelectorAll('text')).map((t) => t.textContent)).toContain(xss);
    // A strict XML parser (resvg's) accepts it.
    const png = await toPNG(text);
    expect(png[1]).toBe(0x50);
  });

  it('uses cellText for the cell labels, and none with cellText: null', () => {
    const custom = heatmap(
      [
        [0.5, 0.25],
        [0, 1],
      ],
      { cellText: (v, i, j) => `${i}${j}:${(v * 100).toFixed(0)}%`, document },
    );
    expect(cellTexts(custom).map((t) => t.textContent)).toEqual([
      '00:50%',
      '01:25%',
      '10:0%',
      '11:100%',
    ]);
    const none = heatmap([[1, 2]], { cellText: null, document });
    expect(markGroup(none, 'text')).toHaveLength(0);
    expect(cells(none)).toHaveLength(2);
  });

  it('prints integers as they are and other numbers with 2 decimals by default', () => {
    const texts = cellTexts(heatmap([[3, 0.456, 1 / 3]], { document }));
    expect(texts.map((t) => t.textContent)).toEqual(['3', '0.46', '0.33']);
  });

  it('maps a fixed domain: values at its ends get the end colors', () => {
    const rects = cells(heatmap([[0, 0.5]], { domain: [0, 0.5], document }));
    expect(rects.map((r) => r.getAttribute('fill'))).toEqual([
      'rgb(247, 251, 255)',
      'rgb(8, 48, 107)',
    ]);
  });

  it('draws NaN cells gray without text, and a constant matrix in the low color', () => {
    const svg = heatmap([[Number.NaN, 1]], { document });
    expect(cells(svg)[0]!.getAttribute('fill')).toBe('#e0e0e0');
    // Plot drops empty text, so only the finite cell is labelled.
    expect(cellTexts(svg).map((t) => t.textContent)).toEqual(['1']);
    const flat = cells(heatmap([[0, 0]], { document }));
    expect(flat.map((r) => r.getAttribute('fill'))).toEqual([
      'rgb(247, 251, 255)',
      'rgb(247, 251, 255)',
    ]);
  });

  it('has the expected defaults: figsize [6, 6] (432 x 432 px), cmap Blues, labels 0..n-1, no title', () => {
    const svg = heatmap(
      [
        [1, 2],
        [3, 4],
      ],
      { document },
    );
    expect(svg.getAttribute('width')).toBe('432');
    expect(svg.getAttribute('height')).toBe('432');
    expect(cells(svg)[3]!.getAttribute('fill')).toBe('rgb(8, 48, 107)');
    const ticks = Array.from(svg.querySelectorAll('g[aria-label="x-axis tick label"] text'));
    expect(ticks.map((t) => t.textContent)).toEqual(['0', '1']);
    expect(svg.querySelector('text[font-weight="bold"]')).toBeNull();
  });

  it('sizes from figsize at 72 px per inch; width and height in px override it', () => {
    const a = heatmap([[1]], { figsize: [4, 3], document });
    expect([a.getAttribute('width'), a.getAttribute('height')]).toEqual(['288', '216']);
    const b = heatmap([[1]], { figsize: [4, 3], width: 500, document });
    expect([b.getAttribute('width'), b.getAttribute('height')]).toEqual(['500', '216']);
  });

  it('throws InterpError on bad input, saying what is wrong', () => {
    expect(interpErrorOf(() => heatmap([], { document }), 'EMPTY_INPUT')).toMatch(/empty matrix/);
    expect(interpErrorOf(() => heatmap([[]], { document }), 'EMPTY_INPUT')).toMatch(/empty matrix/);
    expect(interpErrorOf(() => heatmap([[1, 2], [3]], { document }), 'SHAPE_MISMATCH')).toMatch(
      /row 1 has 1 values but row 0 has 2/,
    );
    expect(
      interpErrorOf(() => heatmap([[1, 2]], { xLabels: ['a'], document }), 'SHAPE_MISMATCH'),
    ).toMatch(/xLabels has 1 labels but the matrix has 2 columns/);
    expect(
      interpErrorOf(() => heatmap([[1]], { cmap: 'nope', document }), 'INVALID_OPTION'),
    ).toMatch(/invalid cmap: "nope"; expected one of .*'blues'/);
    expect(
      interpErrorOf(() => heatmap([[1]], { figsize: [0, 2], document }), 'INVALID_OPTION'),
    ).toMatch(/invalid figsize/);
    expect(
      interpErrorOf(() => heatmap([[1]], { domain: [1, 0], document }), 'INVALID_OPTION'),
    ).toMatch(/low < high/);
    expect(
      interpErrorOf(() => heatmap([['a' as unknown as number]], { document }), 'INVALID_ARGUMENT'),
    ).toMatch(/matrix\[0\]\[0\] is "a", not a number/);
  });

  it('throws InterpError without a document in Node', () => {
    expect(interpErrorOf(() => heatmap([[1]]), 'INVALID_OPTION')).toMatch(
      /no document: in Node pass \{ document \}/,
    );
  });
});
