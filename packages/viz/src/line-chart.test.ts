import * as Plot from '@observablehq/plot';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocument } from './create-document.js';
import { lineChart } from './line-chart.js';
import { interpErrorOf, markGroup } from './test-helpers.js';
import { normalizeSVG } from './testing.js';
import { toSVGString } from './to-svg-string.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

const losses = [
  { name: 'train', x: [0, 1, 2, 3], y: [1.2, 0.8, 0.6, 0.5] },
  { name: 'valid', x: [0, 1, 2, 3], y: [1.3, 1.0, 0.9, 0.85] },
];

function legendTexts(svg: Element): string[] {
  return Array.from(svg.querySelectorAll('g[aria-label="text"] text'))
    .map((t) => t.textContent ?? '')
    .filter((t) => t.startsWith('\u2014'));
}

describe('lineChart(series, options)', () => {
  it('matches the golden SVG for two loss curves', async () => {
    const svg = lineChart(losses, { xLabel: 'epoch', yLabel: 'loss', title: 'Losses', document });
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/line-chart-losses.svg',
    );
  });

  it('matches the golden SVG for a log-x lr finder with an extra rule mark', async () => {
    const svg = lineChart(
      [{ name: 'loss', x: [1e-5, 1e-4, 1e-3, 1e-2, 1e-1], y: [2.3, 2.2, 1.6, 1.1, 4] }],
      {
        xLabel: 'learning rate',
        yLabel: 'loss',
        logX: true,
        marks: [Plot.ruleX([1e-3], { stroke: 'red' })],
        document,
      },
    );
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/line-chart-lr-find.svg',
    );
  });

  it('draws one line per series in distinct colors and a legend with their names', () => {
    const svg = lineChart(losses, { document });
    const lines = markGroup(svg, 'line');
    expect(lines).toHaveLength(2);
    const strokes = lines.map((g) => g.getAttribute('stroke'));
    expect(new Set(strokes).size).toBe(2);
    expect(legendTexts(svg)).toEqual(['\u2014 train', '\u2014 valid']);
  });

  it('draws no legend for a single series or with legend: null', () => {
    expect(legendTexts(lineChart([losses[0]!], { document }))).toEqual([]);
    expect(legendTexts(lineChart(losses, { legend: null, document }))).toEqual([]);
  });

  it('leaves a gap at NaN points instead of dropping the series', () => {
    const svg = lineChart([{ name: 'a', x: [0, 1, 2, 3], y: [1, Number.NaN, 2, 3] }], { document });
    const d = markGroup(svg, 'line')[0]!.querySelector('path')!.getAttribute('d')!;
    // Two segments: the path moves (M) twice.
    expect(d.match(/M/g)).toHaveLength(2);
  });

  it('uses a log x scale with logX: each decade spans the same width', () => {
    const svg = lineChart([{ name: 'a', x: [0.001, 0.01, 0.1], y: [1, 2, 3] }], {
      logX: true,
      document,
    });
    const d = markGroup(svg, 'line')[0]!.querySelector('path')!.getAttribute('d')!;
    const xs = [...d.matchAll(/[ML]([\d.]+),/g)].map((m) => Number(m[1]));
    expect(xs).toHaveLength(3);
    expect(xs[1]! - xs[0]!).toBeCloseTo(xs[2]! - xs[1]!, 6);
    // A linear axis would put 0.01 about a tenth of the way along instead of half.
    expect(xs[1]! - xs[0]!).toBeGreaterThan(100);
  });

  it('has the expected defaults: figsize [8, 5] (576 x 360 px), legend top-right, no title', () => {
    const svg = lineChart(losses, { document });
    expect([svg.getAttribute('width'), svg.getAttribute('height')]).toEqual(['576', '360']);
    const legend = Array.from(svg.querySelectorAll('g[aria-label="text"]')).find((g) =>
      g.textContent?.startsWith('\u2014'),
    )!;
    expect(legend.getAttribute('text-anchor')).toBe('end');
    expect(svg.querySelector('text[font-weight="bold"]')).toBeNull();
  });

  it('throws InterpError on bad input', () => {
    expect(interpErrorOf(() => lineChart([], { document }), 'EMPTY_INPUT')).toMatch(/no series/);
    expect(
      interpErrorOf(
        () => lineChart([{ name: 'a', x: [1, 2], y: [1] }], { document }),
        'SHAPE_MISMATCH',
      ),
    ).toMatch(/series\[0\] \(a\) has 2 x values but 1 y values/);
    expect(
      interpErrorOf(
        () => lineChart([{ name: 'a', x: [0, 1], y: [1, 2] }], { logX: true, document }),
        'INVALID_ARGUMENT',
      ),
    ).toMatch(/series\[0\]\.x\[0\] = 0, but a log x axis needs values > 0/);
    expect(
      interpErrorOf(
        () => lineChart(losses, { legend: 'middle' as unknown as 'top-right', document }),
        'INVALID_OPTION',
      ),
    ).toMatch(/invalid legend: "middle"/);
    expect(
      interpErrorOf(() => lineChart(losses, { xDomain: [1, 1], document }), 'INVALID_OPTION'),
    ).toMatch(/invalid xDomain/);
    expect(interpErrorOf(() => lineChart(losses), 'INVALID_OPTION')).toMatch(/no document/);
  });
});
