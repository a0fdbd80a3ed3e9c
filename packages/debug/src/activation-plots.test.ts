import { setupBackend } from '@interp/core';
import { createDocument, toSVGString } from '@interp/viz';
import { normalizeSVG } from '@interp/viz/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActivationStats } from './activation-stats.js';
import { deadChart, deadChartDefaults } from './dead-chart.js';
import { histChart, histChartDefaults } from './hist-chart.js';
import { identityThenDeadModel, interpError, x3Learner } from './test-models.js';

let document: Document;
let activs: ActivationStats;
beforeAll(async () => {
  await setupBackend('wasm');
  document = await createDocument();
  const learn = x3Learner(identityThenDeadModel(), 3);
  activs = new ActivationStats(learn, { withHist: true });
  await learn.fit(1, { lr: 0 });
  activs.remove();
});

const texts = (el: Element) => Array.from(el.querySelectorAll('text')).map((t) => t.textContent);
const panels = (el: Element) => Array.from(el.children).filter((c) => c.localName === 'svg');
/** The y coordinates of one line mark's path. */
const pathYs = (line: Element) =>
  [
    ...line
      .querySelector('path')!
      .getAttribute('d')!
      .matchAll(/[ML][\d.]+,([\d.]+)/g),
  ].map((m) => Number(m[1]));

describe('activs.plotLayerStats({ figsize })', () => {
  it('matches the golden SVG', async () => {
    await expect(
      normalizeSVG(toSVGString(activs.plotLayerStats({ document }))),
    ).toMatchFileSnapshot('./__goldens__/plot-layer-stats.svg');
  });

  it('draws mean, std and % near zero panels with one line per layer', () => {
    const svg = activs.plotLayerStats({ document });
    const ps = panels(svg);
    expect(ps.map((p) => p.querySelector('g[font-weight="bold"] text')?.textContent)).toEqual([
      'mean',
      'std',
      '% near zero',
    ]);
    for (const p of ps) expect(p.querySelectorAll('g[aria-label="line"]')).toHaveLength(2);
    expect(texts(ps[0]!)).toEqual(expect.arrayContaining(['\u2014 identity', '\u2014 dead']));
    // figsize [15, 5] split in three: 5 x 5 inches each.
    expect(ps[0]!.getAttribute('width')).toBe('360');
    // % near zero: the dead layer sits at 100 (top of the frame), identity at 50 (the middle).
    const [identity, dead] = Array.from(ps[2]!.querySelectorAll('g[aria-label="line"]')).map(
      pathYs,
    );
    expect(new Set(dead)).toEqual(new Set([30]));
    expect(new Set(identity)).toEqual(new Set([(30 + 320) / 2]));
    expect(
      panels(activs.plotLayerStats({ layers: ['dead'], document }))[0]!.querySelectorAll(
        'g[aria-label="line"]',
      ),
    ).toHaveLength(1);
  });
});

describe('activs.colorDim(layer)', () => {
  it('draws the log1p histograms as one image titled by the layer, bins on the y axis', () => {
    const svg = activs.colorDim('identity', { document });
    expect(svg.querySelectorAll('image')).toHaveLength(1);
    expect(texts(svg)).toEqual(expect.arrayContaining(['identity', 'batch', 'activation', '10']));
  });

  it('needs histograms and batches', async () => {
    const learn = x3Learner(identityThenDeadModel(), 1);
    const plain = new ActivationStats(learn);
    expect(() => plain.plotLayerStats({ document })).toThrow(
      interpError(/no batches recorded yet; run learn.fit/),
    );
    await learn.fit(1, { lr: 0 });
    plain.remove();
    expect(() => plain.colorDim(0, { document })).toThrow(interpError(/withHist: true/));
    expect(() => deadChart(plain, { document })).toThrow(interpError(/withHist: true/));
    expect(() => histChart(plain, { document })).toThrow(interpError(/withHist: true/));
  });
});

describe('deadChart(activs, { figsize })', () => {
  it('has the expected defaults', () => {
    expect(deadChartDefaults).toEqual({ figsize: [10, 5] });
    expect(histChartDefaults).toEqual({ figsize: [10, 5] });
  });

  it('plots the fraction of values in the lowest bin per layer over batches', async () => {
    const svg = deadChart(activs, { document });
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/dead-chart.svg',
    );
    // identity: 0 and 0.05 of the 4 in-range values (0, 0.05, 0.3, 10) -> 0.5; dead: 6 of 6 -> 1.
    // Frame: y from 320 (0) to 30 (1) at 10 x 5 inches with a title and an x label.
    const [identity, dead] = Array.from(svg.querySelectorAll('g[aria-label="line"]')).map(pathYs);
    expect(identity).toEqual([175, 175, 175]);
    expect(dead).toEqual([30, 30, 30]);
  });
});

describe('histChart(activs, { figsize, ncols })', () => {
  it('draws one colorful-dimension panel per layer', async () => {
    const svg = histChart(activs, { document });
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/hist-chart.svg',
    );
    expect(
      panels(svg).map((p) => p.querySelector('g[font-weight="bold"] text')?.textContent),
    ).toEqual(['identity', 'dead']);
    expect(svg.querySelectorAll('image')).toHaveLength(2);
    expect(
      panels(histChart(activs, { ncols: 1, document })).map((p) => p.getAttribute('x')),
    ).toEqual(['0', '0']);
    expect(() => histChart(activs, { ncols: 0, document })).toThrow(
      interpError(/ncols must be >= 1/),
    );
  });
});
