import { Recorder } from '@interp/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocument } from '../create-document.js';
import { interpErrorOf, markGroup } from '../test-helpers.js';
import { normalizeSVG } from '../testing.js';
import { toSVGString } from '../to-svg-string.js';
import { plotMetrics } from './plot-metrics.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

function recorder(): Recorder {
  const r = new Recorder();
  r.metricNames = ['accuracy', 'f1'];
  [
    [1.2, 1.3, 0.6, 0.5],
    [0.8, 1.0, 0.7, 0.65],
    [0.6, 0.9, 0.75, 0.7],
  ].forEach(([t, v, a, f], epoch) => {
    r.recordEpoch({ epoch, trainLoss: t!, validLoss: v!, metrics: { accuracy: a!, f1: f! } });
  });
  return r;
}

describe('plotMetrics(recorder, { nrows, ncols, figsize })', () => {
  it('matches the golden SVG', async () => {
    const svg = plotMetrics(recorder(), { document });
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/plot-metrics.svg',
    );
  });

  it('draws a loss panel (train and valid) and one panel per metric', () => {
    const svg = plotMetrics(recorder(), { document });
    const panels = Array.from(svg.children).filter((c) => c.localName === 'svg');
    expect(panels).toHaveLength(3);
    const titles = panels.map((p) => p.querySelector('g[font-weight="bold"] text')?.textContent);
    expect(titles).toEqual(['loss', 'accuracy', 'f1']);
    expect(markGroup(panels[0]!, 'line')).toHaveLength(2);
    // default: up to 3 per row, 4 x 3 inches each
    expect(panels.map((p) => p.getAttribute('y'))).toEqual(['0', '0', '0']);
    expect(panels[0]!.getAttribute('width')).toBe('288');
    const grid = plotMetrics(recorder(), { ncols: 2, document });
    expect(Array.from(grid.children).map((p) => p.getAttribute('y'))).toEqual(['0', '0', '224']);
    expect(
      Array.from(plotMetrics(recorder(), { nrows: 3, document }).children).map((p) =>
        p.getAttribute('x'),
      ),
    ).toEqual(['0', '0', '0']);
  });

  it('rejects bad input with an InterpError saying what to do', () => {
    expect(interpErrorOf(() => plotMetrics(new Recorder(), { document }), 'EMPTY_INPUT')).toMatch(
      /run learn.fit/,
    );
    expect(interpErrorOf(() => plotMetrics(recorder(), { nrows: 1, ncols: 2, document }))).toMatch(
      /1 x 2 grid has room for 2 panels but there are 3/,
    );
    expect(interpErrorOf(() => plotMetrics(42 as never, { document }))).toMatch(
      /needs a Recorder's data/,
    );
  });
});
