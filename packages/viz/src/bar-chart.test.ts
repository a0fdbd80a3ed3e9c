import { beforeAll, describe, expect, it } from 'vitest';
import { barChart } from './bar-chart.js';
import { createDocument } from './create-document.js';
import { interpErrorOf, markGroup } from './test-helpers.js';
import { normalizeSVG } from './testing.js';
import { toSVGString } from './to-svg-string.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

const importance = [
  { label: 'fare', value: 0.05, error: 0.01 },
  { label: 'age', value: 0.12, error: 0.02 },
  { label: 'sex & <b>', value: -0.03 },
];

function barsTopToBottom(svg: Element): string[] {
  const ticks = Array.from(svg.querySelectorAll('g[aria-label="y-axis tick label"] text'));
  return ticks
    .map((t) => ({
      y: Number(/translate\([\d.]+,([\d.]+)\)/.exec(t.getAttribute('transform')!)![1]),
      text: t.textContent!,
    }))
    .sort((a, b) => a.y - b.y)
    .map((t) => t.text);
}

describe('barChart(data, options)', () => {
  it('matches the golden SVG for importances with error bars', async () => {
    const svg = barChart(importance, {
      title: 'Permutation importance',
      xLabel: 'drop in accuracy',
      document,
    });
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/bar-chart-errors.svg',
    );
  });

  it('draws one bar per datum and error bars only where an error is given', () => {
    const svg = barChart(importance, { document });
    expect(markGroup(svg, 'bar')[0]!.querySelectorAll('rect')).toHaveLength(3);
    expect(markGroup(svg, 'rule')[1]!.querySelectorAll('line')).toHaveLength(2);
  });

  it('sorts largest on top by default, ascending on request, input order with sort: null', () => {
    expect(barsTopToBottom(barChart(importance, { document }))).toEqual([
      'age',
      'fare',
      'sex & <b>',
    ]);
    expect(barsTopToBottom(barChart(importance, { sort: 'ascending', document }))).toEqual([
      'sex & <b>',
      'fare',
      'age',
    ]);
    expect(barsTopToBottom(barChart(importance, { sort: null, document }))).toEqual([
      'fare',
      'age',
      'sex & <b>',
    ]);
  });

  it('keeps ties in input order and allows repeated labels', () => {
    const svg = barChart(
      [
        { label: 'x', value: 1 },
        { label: 'y', value: 2 },
        { label: 'x', value: 1 },
      ],
      { document },
    );
    expect(barsTopToBottom(svg)).toEqual(['y', 'x', 'x']);
    expect(markGroup(svg, 'bar')[0]!.querySelectorAll('rect')).toHaveLength(3);
  });

  it('has the expected defaults: 8 in wide, 1 + 0.3 in per bar high (at least 2 in), descending', () => {
    const three = barChart(importance, { document });
    expect([three.getAttribute('width'), three.getAttribute('height')]).toEqual(['576', '144']);
    const ten = barChart(
      Array.from({ length: 10 }, (_, i) => ({ label: `f${i}`, value: i })),
      { document },
    );
    expect(ten.getAttribute('height')).toBe('288'); // (1 + 0.3 * 10) * 72
    expect(barsTopToBottom(ten)[0]).toBe('f9');
  });

  it('throws InterpError on bad input', () => {
    expect(interpErrorOf(() => barChart([], { document }), 'EMPTY_INPUT')).toMatch(/no bars/);
    expect(
      interpErrorOf(
        () => barChart([{ label: 'a', value: Number.NaN }], { document }),
        'INVALID_ARGUMENT',
      ),
    ).toMatch(/data\[0\]\.value must be a finite number, got NaN/);
    expect(
      interpErrorOf(
        () => barChart([{ label: 'a', value: 1, error: -1 }], { document }),
        'INVALID_ARGUMENT',
      ),
    ).toMatch(/error must be a finite number >= 0/);
    expect(
      interpErrorOf(
        () => barChart(importance, { sort: 'up' as unknown as 'ascending', document }),
        'INVALID_OPTION',
      ),
    ).toMatch(/invalid sort: "up"; expected one of 'descending', 'ascending', 'none'/);
    expect(interpErrorOf(() => barChart(importance), 'INVALID_OPTION')).toMatch(/no document/);
  });
});
