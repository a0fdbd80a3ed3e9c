import { arrayDataLoader, DataLoaders, Learner, mseLossPerItem, setupBackend } from '@interp/core';
import { createDocument, toSVGString } from '@interp/viz';
import { normalizeSVG } from '@interp/viz/testing';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { lastLrFind } from './last-lr-find.js';
import { lrFind } from './lr-find.js';
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

  it('plots the last lrFind run of a learner, not the constant lr of its fits', async () => {
    await setupBackend('wasm');
    const n = 32;
    const x = Float32Array.from({ length: n }, (_, i) => i / n - 0.5);
    const dl = arrayDataLoader(
      { data: x, shape: [n, 1] },
      { data: x.map((v) => 2 * v - 1), shape: [n, 1] },
      { batchSize: 8 },
    );
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [1] })] });
    const learn = Learner.fromLayersModel(model, {
      dls: new DataLoaders(dl, dl),
      lossFunc: mseLossPerItem,
    });
    expect(() => plotLrFind(learn, { document })).toThrow(
      interpError(/call `await lrFind\(learn\)` first/),
    );
    await learn.fit(1, { lr: 0.01 });
    const run = await lrFind(learn, { startLr: 1e-4, endLr: 1, numIt: 30, stopDiv: false });
    await learn.fit(1, { lr: 0.01 }); // a later fit does not replace the finder's run
    expect(lastLrFind(learn)).toBe(run);
    const svg = plotLrFind(learn, { document });
    const d = markGroup(svg, 'line')[0]!.querySelector('path')!.getAttribute('d')!;
    // 30 steps - 5 - 5 = 20 points at 20 distinct x positions (the recorder's lr is constant 0.01).
    const xs = Array.from(d.matchAll(/[ML]([-\d.]+),/g), (m) => Number(m[1]));
    expect(xs).toHaveLength(20);
    expect(new Set(xs).size).toBe(20);
    expect(markGroup(svg, 'dot')[0]!.querySelectorAll('circle').length).toBeGreaterThan(0);
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
