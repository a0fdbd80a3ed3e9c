import { beforeAll, describe, expect, it } from 'vitest';
import { createDocument } from '../create-document.js';
import { interpErrorOf, markGroup } from '../test-helpers.js';
import { normalizeSVG } from '../testing.js';
import { toSVGString } from '../to-svg-string.js';
import { plotMultiLosses } from './plot-multi-losses.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

describe('plotMultiLosses(lossesList, { labels, figsize })', () => {
  it('matches the golden SVG', async () => {
    const svg = plotMultiLosses(
      [
        [2, 1.5, 1.2, 1],
        [2, 1.8, 1.7, 1.65, 1.6],
      ],
      { labels: ['lr 1e-2', 'lr 1e-3'], document },
    );
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/plot-multi-losses.svg',
    );
  });

  it('draws one line per curve, named by its label, at 72 px per inch', () => {
    const svg = plotMultiLosses(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      { labels: ['a', '<b>', 'c'], document },
    );
    expect(markGroup(svg, 'line')).toHaveLength(3);
    const texts = Array.from(svg.querySelectorAll('text')).map((t) => t.textContent);
    expect(texts).toEqual(
      expect.arrayContaining(['\u2014 a', '\u2014 <b>', '\u2014 c', 'iteration', 'loss']),
    );
    expect(svg.getAttribute('width')).toBe(String(12 * 72));
    const unnamed = plotMultiLosses(
      [
        [1, 2],
        [2, 1],
      ],
      { document },
    );
    expect(Array.from(unnamed.querySelectorAll('text')).map((t) => t.textContent)).toContain(
      '\u2014 loss 2',
    );
  });

  it('rejects bad input with an InterpError saying what to do', () => {
    expect(interpErrorOf(() => plotMultiLosses([], { document }), 'EMPTY_INPUT')).toMatch(
      /at least one/,
    );
    expect(interpErrorOf(() => plotMultiLosses([[1]], { labels: ['a', 'b'], document }))).toMatch(
      /2 labels for 1 loss curves/,
    );
    expect(interpErrorOf(() => plotMultiLosses('x' as never, { document }))).toMatch(
      /array of loss arrays/,
    );
  });
});
