import { createDocument, toSVGString } from '@interp/viz';
import { normalizeSVG } from '@interp/viz/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PartialDependenceResult } from './partial-dependence.js';
import {
  partialDependenceChart,
  partialDependenceChartDefaults,
} from './partial-dependence-chart.js';
import { interpErrorOfSync } from './test-helpers.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

// Two classes of outputs, 3 rows, a 4-point grid (hand-made numbers).
const continuous: PartialDependenceResult = {
  feature: 'flipper <length>',
  kind: 'continuous',
  values: [180, 190, 200, 210],
  outputs: ['Adelie', 'Gentoo & co'],
  average: [
    [0.9, 0.7, 0.3, 0.1],
    [0.1, 0.3, 0.7, 0.9],
  ],
  individual: [
    [
      [1, 0.8, 0.4, 0.1],
      [0.9, 0.7, 0.3, 0.1],
      [0.8, 0.6, 0.2, 0.1],
    ],
    [
      [0, 0.2, 0.6, 0.9],
      [0.1, 0.3, 0.7, 0.9],
      [0.2, 0.4, 0.8, 0.9],
    ],
  ],
};

describe('partialDependenceChart(pd, options)', () => {
  it('has the expected defaults', () => {
    expect(partialDependenceChartDefaults).toEqual({
      maxIce: 100,
      figsize: [6, 4],
      title: 'Partial dependence',
    });
  });

  it('matches the golden SVG (ICE curves under the average)', async () => {
    const svg = partialDependenceChart(continuous, { target: 'Gentoo & co', document });
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/partial-dependence-chart.svg',
    );
  });

  it('draws one ICE path per row (at most maxIce) and one average path', () => {
    const svg = partialDependenceChart(continuous, { target: 1, document });
    const lines = svg.querySelectorAll('g[aria-label="line"]');
    expect(lines).toHaveLength(2);
    expect(lines[0]!.querySelectorAll('path')).toHaveLength(3);
    expect(lines[1]!.querySelectorAll('path')).toHaveLength(1);
    const capped = partialDependenceChart(continuous, { target: 1, maxIce: 2, document });
    expect(
      capped.querySelectorAll('g[aria-label="line"]')[0]!.querySelectorAll('path'),
    ).toHaveLength(2);
    const text = toSVGString(svg);
    expect(text).toContain('P(Gentoo &amp; co)');
    expect(text).toContain('flipper &lt;length&gt;');
    expect(text).not.toContain('<length>');
  });

  it('draws a categorical feature as one bar per level', () => {
    const svg = partialDependenceChart(
      {
        feature: 'island',
        kind: 'categorical',
        values: [1, 2, 3],
        labels: ['Biscoe', 'Dream', 'Torgersen'],
        outputs: ['y'],
        average: [[0.2, 0.5, 0.1]],
      },
      { document },
    );
    expect(svg.querySelectorAll('g[aria-label="bar"] rect')).toHaveLength(3);
    expect(svg.textContent).toContain('Dream');
  });

  it('asks for a target when the result has several outputs', () => {
    expect(
      interpErrorOfSync(() => partialDependenceChart(continuous, { document })).message,
    ).toMatch(/has 2 outputs \(Adelie, Gentoo & co\); pass \{ target \}/);
    expect(
      interpErrorOfSync(() => partialDependenceChart(continuous, { target: 'Chinstrap', document }))
        .message,
    ).toMatch(/invalid target: "Chinstrap"/);
    expect(interpErrorOfSync(() => partialDependenceChart({} as never, { document })).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});
