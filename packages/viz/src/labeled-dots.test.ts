import { beforeAll, describe, expect, it } from 'vitest';
import { createDocument } from './create-document.js';
import { labeledDots, labeledDotsDefaults } from './labeled-dots.js';
import { lineChart } from './line-chart.js';
import { interpErrorOf, markGroup } from './test-helpers.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

describe('labeledDots(points)', () => {
  it('draws one dot per point and one legend line each, coloured from the cycle unless given', () => {
    const svg = lineChart([{ name: 'loss', x: [1, 2, 3], y: [3, 1, 2] }], {
      document,
      marks: labeledDots([
        { x: 2, y: 1, label: 'a: 2' },
        { x: 3, y: 2, label: 'b: 3', color: 'black' },
      ]),
    });
    const circles = Array.from(markGroup(svg, 'dot')[0]!.querySelectorAll('circle'));
    expect(circles.map((c) => c.getAttribute('fill'))).toEqual([
      labeledDotsDefaults.colors[0],
      'black',
    ]);
    const texts = Array.from(svg.querySelectorAll('text')).map((t) => t.textContent);
    expect(texts).toContain('a: 2');
    expect(texts).toContain('b: 3');
  });

  it('gives no dots for no points', () => {
    const svg = lineChart([{ name: 'loss', x: [1, 2], y: [1, 2] }], {
      document,
      marks: labeledDots([]),
    });
    expect(markGroup(svg, 'dot')[0]?.querySelectorAll('circle') ?? []).toHaveLength(0);
  });

  it('rejects anything but an array of labelled points', () => {
    expect(interpErrorOf(() => labeledDots([{ x: 1, y: 2 }] as never))).toMatch(
      /expects an array of \{ x, y, label \} points/,
    );
  });
});
