import { createDocument, toSVGString } from '@interp/viz';
import { normalizeSVG } from '@interp/viz/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskLegend, maskLegendDefaults } from './mask-legend.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

describe('maskLegend(names, palette, options)', () => {
  it('has the expected defaults', () => {
    expect(maskLegendDefaults).toEqual({ width: 320, fontSize: 10 });
  });

  it('draws one swatch and name per class, wrapping into rows (golden)', async () => {
    const names = ['background', 'road', 'sidewalk', 'building', 'vegetation', 'sky'];
    const palette = ['#000000', '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd'];
    const svg = maskLegend(names, palette, { width: 200, document });
    const entries = Array.from(svg.querySelectorAll('g.legend-entry'));
    expect(entries.map((g) => g.textContent)).toEqual(names);
    expect(entries.map((g) => g.querySelector('rect')!.getAttribute('fill'))).toEqual(palette);
    const rows = new Set(entries.map((g) => g.querySelector('rect')!.getAttribute('y')));
    expect(rows.size).toBeGreaterThan(1);
    expect(Number(svg.getAttribute('height'))).toBe(rows.size * 18 + 8);
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot('./__goldens__/legend.svg');
  });

  it('adds the ignored entry last and escapes names', () => {
    const svg = maskLegend(['<img src=x onerror=alert(1)>', 'b'], ['#000', '#fff'], {
      ignored: { label: 'void', color: '#808080' },
      document,
    });
    const s = toSVGString(svg);
    expect(s).not.toContain('<img');
    expect(s).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(svg.querySelector('g.legend-ignored')?.textContent).toBe('void');
  });

  it('rejects missing names, a short palette and bad colors', () => {
    expect(() => maskLegend([], [], { document })).toThrow(/non-empty array of class names/);
    expect(() => maskLegend(['a', 'b'], ['#000'], { document })).toThrow(
      /palette has 1 colors for 2 classes/,
    );
    expect(() => maskLegend(['a'], ['red'], { document })).toThrow(/palette\[0\]/);
    expect(() => maskLegend(['a'], ['#000'], { width: 0, document })).toThrow(/width/);
  });
});
