import { createDocument, toSVGString } from '@interp/viz';
import { normalizeSVG } from '@interp/viz/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { plotLrFind, plotLrFindDefaults } from './plot-lr-find.js';
import { interpError } from './test-models.js';

const markGroup = (svg: Element, label: string) =>
  Array.from(svg.querySelectorAll(`g[aria-label="${label}"]`));

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

// 20 steps: lr 1e-5 * 10^(i/4); loss falls, then blows up.
const lrs = Array.from({ length: 20 }, (_, i) => 1e-5 * 10 ** (i / 4));
const losses = lrs.map((_, i) => (i < 14 ? 2.3 - 0.1 * i : 1 + (i - 13) ** 2));
const found = {
  lrs,
  losses,
  suggestions: { valley: lrs[9]!, minimum: lrs[13]! / 10 },
  points: {
    valley: [lrs[9]!, losses[9]!] as [number, number],
    minimum: [lrs[13]!, losses[13]!] as [number, number],
  },
};

describe('plotLrFind(found, { skipStart, skipEnd, suggestion })', () => {
  it('has the expected defaults', () => {
    expect(plotLrFindDefaults).toEqual({ skipStart: 5, skipEnd: 5, suggestion: true });
  });

  it('matches the golden SVG', async () => {
    const svg = plotLrFind(found, { document });
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/plot-lr-find.svg',
    );
  });

  it('drops skipStart and skipEnd points, uses a log lr axis, and marks each suggestion', () => {
    const svg = plotLrFind(found, { document });
    const path = markGroup(svg, 'line')[0]!.querySelector('path')!.getAttribute('d')!;
    // 20 - 5 - 5 = 10 points: one M and 9 L commands.
    expect(path.match(/[ML]/g)).toHaveLength(10);
    expect(markGroup(svg, 'dot')[0]!.querySelectorAll('circle')).toHaveLength(2);
    const labels = Array.from(svg.querySelectorAll('text')).map((t) => t.textContent);
    expect(labels).toContain(`valley: ${lrs[9]!.toExponential(2)}`);
    expect(labels).toContain(`minimum: ${(lrs[13]! / 10).toExponential(2)}`);
    expect(labels).toContain('Learning Rate');
    expect(labels).toContain('1m'); // log ticks at 1, 2, 3 x powers of ten (SI)
    const none = plotLrFind(found, { suggestion: false, skipStart: 0, skipEnd: 0, document });
    expect(markGroup(none, 'dot')).toHaveLength(0);
    expect(
      markGroup(none, 'line')[0]!.querySelector('path')!.getAttribute('d')!.match(/[ML]/g),
    ).toHaveLength(20);
  });

  it('plots a learner’s recorder', () => {
    const learn = { recorder: { lrs, losses } } as never;
    expect(markGroup(plotLrFind(learn, { document }), 'line')).toHaveLength(1);
  });

  it('rejects bad input with an InterpError saying what to do', () => {
    expect(() => plotLrFind({ lrs: [1], losses: [1] }, { document })).toThrow(
      interpError(/1 points minus skipStart 5 and skipEnd 5/),
    );
    expect(() => plotLrFind({ lrs: [1, 2], losses: [1] }, { document })).toThrow(
      interpError(/2 learning rates but 1 losses/),
    );
    expect(() => plotLrFind(null as never, { document })).toThrow(
      interpError(/needs lrFind's result/),
    );
    expect(() => plotLrFind(found, { skipStart: -1, document })).toThrow(
      interpError(/invalid skipStart/),
    );
  });
});
