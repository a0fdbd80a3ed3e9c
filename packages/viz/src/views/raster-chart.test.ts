import { beforeAll, describe, expect, it } from 'vitest';
import { createDocument } from '../create-document.js';
import { interpErrorOf } from '../test-helpers.js';
import { normalizeSVG } from '../testing.js';
import { toSVGString } from '../to-svg-string.js';
import { rasterChart } from './raster-chart.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

describe('rasterChart(matrix, { origin, cmap, xDomain, yDomain })', () => {
  it('matches the golden SVG for a 3 x 4 matrix with origin lower', async () => {
    const svg = rasterChart(
      [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9, 10, 11],
      ],
      { origin: 'lower', xLabel: 'batch', yLabel: 'bin', title: 'Raster', document },
    );
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/raster-chart.svg',
    );
  });

  it('draws one image filling the frame, with axes over the given domains', () => {
    const svg = rasterChart([[1, 2]], {
      xDomain: [10, 20],
      yDomain: [0, 5],
      width: 300,
      height: 200,
      document,
    });
    const images = svg.querySelectorAll('image');
    expect(images).toHaveLength(1);
    // frame: 300 - 45 - 15 wide, 200 - 10 - 30 high
    expect(images[0]!.getAttribute('width')).toBe('240');
    expect(images[0]!.getAttribute('height')).toBe('160');
    expect(images[0]!.getAttribute('href')).toMatch(/^data:image\/png;base64,/);
    const ticks = Array.from(svg.querySelectorAll('g[aria-label="x-axis tick label"] text')).map(
      (t) => t.textContent,
    );
    expect(ticks[0]).toBe('10');
    expect(ticks.at(-1)).toBe('20');
    expect(svg.querySelectorAll('[aria-label="frame"]')).toHaveLength(1);
  });

  it('flips rows for origin lower: the image differs from origin upper', () => {
    const m = [
      [0, 0],
      [1, 1],
    ];
    const src = (origin: 'lower' | 'upper') =>
      rasterChart(m, { origin, document }).querySelector('image')!.getAttribute('href');
    expect(src('lower')).not.toBe(src('upper'));
    expect(src('lower')).toBe(
      rasterChart([m[1]!, m[0]!], { origin: 'upper', document })
        .querySelector('image')!
        .getAttribute('href'),
    );
  });

  it('rejects bad input with an InterpError saying what to do', () => {
    expect(interpErrorOf(() => rasterChart([], { document }), 'EMPTY_INPUT')).toMatch(
      /non-empty matrix/,
    );
    expect(interpErrorOf(() => rasterChart([[1, 2], [3]], { document }), 'SHAPE_MISMATCH')).toMatch(
      /row 1 has 1 values/,
    );
    expect(interpErrorOf(() => rasterChart([[1]], { origin: 'left' as never, document }))).toMatch(
      /invalid origin/,
    );
    expect(interpErrorOf(() => rasterChart([[1]], { xDomain: [2, 1], document }))).toMatch(
      /invalid xDomain/,
    );
  });
});
