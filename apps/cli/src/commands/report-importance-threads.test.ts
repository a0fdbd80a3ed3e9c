// --threads on the other commands that run a model: interp importance and the three kinds of
// interp report give the one-thread numbers on 2 threads, and refuse a bad value in one line.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getBackendInfo, setupBackend } from '@interp/core';
import { encodeNpy } from '@interp/data';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveLayersModelToDir } from '../io/layers-model-files.js';
import { expectBadInput, tempDir } from '../test-cli.js';
import { runMain } from '../test-main.js';
import {
  writeBrightnessCnn,
  writeBrightnessFolder,
  writeSegmentationBundle,
  writeTableBundle,
} from './test-report-bundles.js';

const dir = tempDir('interp-threads-commands-');
const N = 200;
const F = 16;

beforeAll(async () => {
  await setupBackend('wasm');
  writeBrightnessFolder(join(dir, 'images'));
  await writeBrightnessCnn(join(dir, 'cnn'));
  await writeTableBundle(dir);
  await writeSegmentationBundle(dir);
  // A regressor wide enough for XNNPACK to split its matrix products across threads.
  const mlp = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [F],
        units: 256,
        activation: 'tanh',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.dense({
        units: 1,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  await saveLayersModelToDir(mlp, join(dir, 'reg'));
  mlp.dispose();
  const x = Float32Array.from({ length: N * F }, (_, i) => Math.sin(i * 0.37));
  const y = Float32Array.from({ length: N }, (_, r) => Math.cos(r * 0.11));
  writeFileSync(join(dir, 'x.npy'), encodeNpy(x, [N, F]));
  writeFileSync(join(dir, 'y.npy'), encodeNpy(y, [N]));
}, 120_000);

/** Every number in a text, in order. */
const numbers = (text: string): number[] =>
  Array.from(text.matchAll(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi), (m) => Number(m[0]));

/** Equal to 1e-6 of the largest magnitude (threads sum in another order: float rounding). */
function expectClose(a: number[], b: number[]): void {
  expect(b).toHaveLength(a.length);
  const scale = Math.max(...a.map(Math.abs), 1e-30);
  for (const [i, v] of a.entries()) {
    expect(Math.abs(v - b[i]!), `number ${i}`).toBeLessThanOrEqual(1e-6 * scale);
  }
}

describe('interp importance --threads', () => {
  const args = ['importance', '--model', 'reg/model.json', '--data', 'x.npy', '--targs', 'y.npy'];

  it('gives the one-thread importances on 2 threads', async () => {
    const runs = [];
    for (const threads of ['1', '2']) {
      const r = await runMain([...args, '--json', '--threads', threads], dir);
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(getBackendInfo().threadCount).toBe(Number(threads));
      runs.push(JSON.parse(r.stdout));
    }
    const [one, two] = runs;
    expect(two.features).toEqual(one.features);
    const flat = (o: { baselineScore: number; importances: number[][] }) => [
      o.baselineScore,
      ...o.importances.flat(),
    ];
    // Not all zero: the permutations change the score.
    expect(Math.max(...flat(one).slice(1).map(Math.abs))).toBeGreaterThan(1e-3);
    expectClose(flat(one), flat(two));
  }, 120_000);

  it('exits 2 with one line for a bad --threads, before loading the model', async () => {
    for (const bad of ['0', '9', 'many']) {
      const r = await runMain([...args, '--threads', bad], dir);
      expectBadInput(r, /invalid --threads: .*; expected auto or a whole number from 1 to 8/);
    }
  });
});

describe('interp report --threads', () => {
  const cases = {
    images: ['--model', 'cnn/model.json', '--data', 'images'],
    table: ['--model', 'mlp/model.json', '--data', 'table.csv', '--target-column', 'species'],
    segmentation: [
      '--model',
      'seg/model.json',
      '--data',
      'seg-images',
      '--labels',
      'seg-masks',
      '--task',
      'segmentation',
    ],
  };

  it.each(Object.entries(cases))(
    'writes the one-thread report on 2 threads (%s)',
    async (name, args) => {
      const pages = [];
      for (const threads of ['1', '2']) {
        const out = `${name}-${threads}`;
        const r = await runMain(['report', ...args, '--out', out, '--threads', threads], dir);
        expect(r.code, r.stderr).toBe(0);
        expect(getBackendInfo().threadCount).toBe(Number(threads));
        const html = readFileSync(join(dir, out, 'report.html'), 'utf8');
        // Run times differ; the inlined images are compared through the numbers around them.
        pages.push({
          stdout: r.stdout,
          html: html
            .replace(/Generated [^<]*/, '')
            .replace(/\b[\d.]+ s\b/g, 'seconds')
            .replace(/data:image\/png;base64,[A-Za-z0-9+/=]+/g, 'PNG'),
        });
      }
      const [one, two] = pages;
      expect(two!.stdout).toBe(one!.stdout);
      expect(two!.html.replace(/[-\d.e+]+/g, '#')).toBe(one!.html.replace(/[-\d.e+]+/g, '#'));
      expectClose(numbers(one!.html), numbers(two!.html));
    },
    120_000,
  );

  it('exits 2 with one line for a bad --threads', async () => {
    const r = await runMain(['report', ...cases.table, '--out', 'bad', '--threads', '1.5'], dir);
    expectBadInput(r, /invalid --threads: "1\.5"; expected auto or a whole number from 1 to 8/);
  });
});
