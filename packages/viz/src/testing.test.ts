import { describe, expect, it } from 'vitest';
import { normalizeSVG } from './testing.js';

describe('normalizeSVG(svg)', () => {
  it('renumbers ids (and their url(#...) / href="#..." uses) and plot classes by first appearance', () => {
    const svg =
      '<svg class="plot-d6a7b5"><clipPath id="plot-clip-7"/><g clip-path="url(#plot-clip-7)"/><clipPath id="plot-clip-3"/><use href="#plot-clip-3"/></svg>';
    expect(normalizeSVG(svg)).toBe(
      [
        '<svg class="plot-1">',
        '  <clipPath id="id-1"/>',
        '  <g clip-path="url(#id-1)"/>',
        '  <clipPath id="id-2"/>',
        '  <use href="#id-2"/>',
        '</svg>',
        '',
      ].join('\n'),
    );
  });

  it('rounds decimals inside tags to 2 places and leaves text content alone', () => {
    expect(
      normalizeSVG('<svg><path d="M0.123,-0.001L12.345,5"/><text x="1.005">0.90</text></svg>'),
    ).toBe('<svg>\n  <path d="M0.12,0L12.35,5"/>\n  <text x="1">0.90</text>\n</svg>\n');
  });

  it('replaces data URL payloads by length and hash unless dataURLs is keep', () => {
    const svg = '<svg><image href="data:image/png;base64,iVBORw0KGgo="/></svg>';
    expect(normalizeSVG(svg)).toMatch(/href="data:image\/png;base64,12:[0-9a-f]{8}"/);
    expect(normalizeSVG(svg, { dataURLs: 'keep' })).toContain('base64,iVBORw0KGgo=');
    expect(normalizeSVG(svg)).not.toBe(normalizeSVG(svg.replace('KGgo', 'KGgp')));
  });

  it('is idempotent', () => {
    const once = normalizeSVG('<svg><g><text>a</text><text><tspan>b</tspan></text></g></svg>');
    expect(normalizeSVG(once)).toBe(once);
  });
});
