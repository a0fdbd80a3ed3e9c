import { createDocument, toSVGString } from '@interp/viz';
import { normalizeSVG } from '@interp/viz/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { importanceChart, importanceChartDefaults } from './importance-chart.js';
import { interpErrorOfSync } from './test-helpers.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

const result = {
  baselineScore: 0.97,
  features: ['island', 'billLength', '<script>alert(1)</script>', 'bodyMass'],
  importancesMean: [0.02, 0.29, 0.16, 0.06],
  importancesStd: [0.01, 0.023, 0.022, 0.019],
  importances: [[0.02], [0.29], [0.16], [0.06]],
  scoring: 'accuracy',
};

/** Tick labels from top to bottom. */
function labelsTopToBottom(svg: Element): string[] {
  return Array.from(svg.querySelectorAll('g[aria-label="y-axis tick label"] text'))
    .map((t) => ({
      y: Number(/translate\([\d.]+,([\d.]+)\)/.exec(t.getAttribute('transform')!)![1]),
      text: t.textContent!,
    }))
    .sort((a, b) => a.y - b.y)
    .map((t) => t.text);
}

describe('importanceChart(result, options)', () => {
  it('has the expected defaults', () => {
    expect(importanceChartDefaults).toEqual({
      maxVars: 20,
      figsize: [8, 6],
      title: 'Permutation importance',
    });
  });

  it('matches the golden SVG', async () => {
    const svg = importanceChart(result, { document });
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/importance-chart.svg',
    );
  });

  it('draws one bar and one error bar per feature, largest mean on top', () => {
    const svg = importanceChart(result, { document });
    expect(svg.querySelectorAll('g[aria-label="bar"] rect')).toHaveLength(4);
    // Rule 0 is the zero line; rule 1 holds the error bars.
    expect(svg.querySelectorAll('g[aria-label="rule"]')[1]!.querySelectorAll('line')).toHaveLength(
      4,
    );
    expect(labelsTopToBottom(svg)).toEqual([
      'billLength',
      '<script>alert(1)</script>',
      'bodyMass',
      'island',
    ]);
    expect(svg.textContent).toContain('Decrease in accuracy');
    expect(svg.textContent).toContain('Permutation importance');
  });

  it('escapes feature names in the SVG text (no markup from labels)', () => {
    const text = toSVGString(importanceChart(result, { document }));
    expect(text).not.toContain('<script>');
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('keeps the maxVars most important; rfpimp-style results without std draw no error bars', () => {
    const svg = importanceChart(result, { maxVars: 2, document, title: null, xLabel: 'drop' });
    expect(labelsTopToBottom(svg)).toEqual(['billLength', '<script>alert(1)</script>']);
    const plain = importanceChart(
      { features: ['a', 'b'], importances: [0.1, 0.3], scoring: 'r2' },
      { document },
    );
    expect(labelsTopToBottom(plain)).toEqual(['b', 'a']);
    expect(plain.querySelectorAll('g[aria-label="tick"]')).toHaveLength(0);
  });

  it('rejects bad input', () => {
    expect(
      interpErrorOfSync(() => importanceChart(result, { maxVars: 0, document })).message,
    ).toMatch(/maxVars must be >= 1/);
    expect(
      interpErrorOfSync(() =>
        importanceChart({ features: ['a'], importancesMean: [] }, { document }),
      ).code,
    ).toBe('SHAPE_MISMATCH');
    expect(interpErrorOfSync(() => importanceChart(null as never, { document })).message).toMatch(
      /expects an importance result/,
    );
  });
});
