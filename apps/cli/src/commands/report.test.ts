import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedCalibrationErrorDefaults } from '@interp/classification/metrics';
import { setupBackend } from '@interp/core';
import { encodeNpy } from '@interp/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectBadInput, tempDir } from '../test-cli.js';
import { runMain } from '../test-main.js';
import {
  writeBrightnessCnn,
  writeBrightnessFolder,
  writeGrayPng,
  writeSegmentationBundle,
  writeTableBundle,
} from './test-report-bundles.js';

const dir = tempDir('interp-report-');
let truth: { means: number[]; labels: number[] };
let tableAccuracy: number;

beforeAll(async () => {
  await setupBackend('wasm');
  truth = writeBrightnessFolder(join(dir, 'images'));
  await writeBrightnessCnn(join(dir, 'cnn'));
  await writeBrightnessCnn(join(dir, 'cnn8'), 8);
  ({ accuracy: tableAccuracy } = await writeTableBundle(dir));
  await writeSegmentationBundle(dir);
}, 120_000);

/** p(class 1) of the brightness CNN after softmax: 1 / (1 + e^(0.5 - 2m)). */
const p1 = (m: number) => 1 / (1 + Math.exp(0.5 - 2 * m));

/** Runs `interp report ...args --out out` in `dir`, expects success; the output and the page. */
async function reportHtml(args: string[], out: string): Promise<{ html: string; stdout: string }> {
  const r = await runMain(['report', ...args, '--out', out], dir);
  expect(r.code, r.stderr).toBe(0);
  return { html: readFileSync(join(dir, out, 'report.html'), 'utf8'), stdout: r.stdout };
}

/** The accuracy line of the classification report in the HTML. */
function htmlAccuracy(html: string): number {
  const m = /accuracy +([\d.]+) +(\d+)/.exec(html);
  expect(m, 'accuracy line').not.toBeNull();
  return Number(m![1]);
}

describe('interp report --model M --data FOLDER', () => {
  it('writes one self-contained page whose numbers match the hand-worked predictions', async () => {
    const { html, stdout } = await reportHtml(
      ['--model', 'cnn/model.json', '--data', 'images'],
      'out',
    );
    for (const id of ['classification', 'curves', 'attribution'])
      expect(html).toContain(`<section id="${id}">`);
    // Independent: class 1 (bright) when the mean is over 0.25.
    const predicted = truth.means.map((m) => (m > 0.25 ? 1 : 0));
    const accuracy = predicted.filter((p, i) => p === truth.labels[i]).length / predicted.length;
    expect(accuracy).toBeCloseTo(4 / 6, 10);
    expect(htmlAccuracy(html)).toBeCloseTo(accuracy, 2);
    // ECE by hand: top-class confidence in 15 equal bins (a value on an edge goes to the lower one).
    const nBins = expectedCalibrationErrorDefaults.nBins;
    const bins = Array.from({ length: nBins }, () => ({ n: 0, right: 0, conf: 0 }));
    truth.means.forEach((m, i) => {
      const conf = Math.max(p1(m), 1 - p1(m));
      const b = bins[Math.max(0, Math.ceil(conf * nBins) - 1)]!;
      b.n++;
      b.conf += conf;
      b.right += predicted[i] === truth.labels[i] ? 1 : 0;
    });
    const ece = bins.reduce(
      (s, b) => s + (b.n ? Math.abs(b.right - b.conf) / truth.means.length : 0),
      0,
    );
    const shown = Number(/<span class="ece">([\d.]+)<\/span>/.exec(html)?.[1]);
    expect(shown).toBeCloseTo(ece, 4);
    // Class and file names are escaped; the page has no script and no external resource.
    expect(html).toContain('&lt;i&gt;dark');
    expect(html).not.toContain('<i>dark');
    expect(html).not.toMatch(/<script|src="http|href="http/i);
    // 6 top-loss images, then 6 rows of input + IG + GradCAM, all inlined.
    expect((html.match(/data:image\/png;base64,/g) ?? []).length).toBeGreaterThanOrEqual(6 + 18);
    expect(html).toMatch(/ig \(δ [-\d.e+]+\)/);
    expect(html).toContain('gradcam');
    expect(stdout).toMatch(/accuracy +0\.67 +6/);
    expect(html).toContain(
      '6 images in 2 classes, model input [4, 4, 1] (NHWC), normalized as (pixel / 255 - [0]) / [1]',
    );
  });

  it('resizes with --size and takes labels from a CSV', async () => {
    writeFileSync(join(dir, 'labels.csv'), 'file,label\n<i>dark/0.png,0\nbright/0.png,1\n');
    const args = ['--model', 'cnn8/model.json', '--data', 'images', '--labels', 'labels.csv'];
    const { html } = await reportHtml([...args, '--size', '8', '--methods', 'saliency'], 'out8');
    expect(htmlAccuracy(html)).toBe(1);
  });

  it('refuses a model whose input size differs from the images, naming both sizes', async () => {
    const r = await runMain(
      ['report', '--model', 'cnn8/model.json', '--data', 'images', '--out', 'o2'],
      dir,
    );
    expectBadInput(r, /the images are 4 x 4 but .*takes 8 x 8; pass --size 8,8/);
  });

  it('refuses a label folder with no images and an unreadable image with one line', async () => {
    const empty = join(dir, 'empty');
    writeGrayPng(empty, 'a/1.png', 0);
    writeFileSync(join(dir, 'note.txt'), 'x');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(empty, 'b'));
    expectBadInput(
      await runMain(['report', '--model', 'cnn/model.json', '--data', 'empty', '--out', 'o3'], dir),
      /empty\/b has no PNG or JPEG images/,
    );
    const broken = join(dir, 'broken');
    writeGrayPng(broken, 'a/1.png', 0);
    mkdirSync(join(broken, 'b'));
    writeFileSync(join(broken, 'b', 'x.png'), 'not a png');
    expectBadInput(
      await runMain(
        ['report', '--model', 'cnn/model.json', '--data', 'broken', '--out', 'o4'],
        dir,
      ),
      /broken\/b\/x\.png: not a PNG or JPEG image/,
    );
  });
});

describe('interp report on a table and on prediction files', () => {
  it('reports a table classifier with permutation importance and partial dependence', async () => {
    const args = ['--model', 'mlp/model.json', '--data', 'table.csv', '--target-column', 'species'];
    const { html } = await reportHtml(args, 'tab');
    expect(htmlAccuracy(html)).toBeCloseTo(tableAccuracy, 2);
    expect(html).toContain('<section id="tabular">');
    expect(html).toContain('Partial dependence on x');
  });

  it('refuses a CSV without the target column', async () => {
    expectBadInput(
      await runMain(
        [
          'report',
          '--model',
          'mlp/model.json',
          '--data',
          'table.csv',
          '--target-column',
          'kind',
          '--out',
          't2',
        ],
        dir,
      ),
      /table\.csv has no column "kind"; its columns are x0, x1, species/,
    );
  });

  it('reports prediction files without a model (no attributions)', async () => {
    // Rows: argmax 0, 1, 1, 0 against labels 0, 1, 0, 0: accuracy 3/4.
    const probs = Float32Array.of(0.9, 0.1, 0.2, 0.8, 0.4, 0.6, 0.7, 0.3);
    writeFileSync(join(dir, 'preds.npy'), encodeNpy(probs, [4, 2]));
    writeFileSync(join(dir, 'targs.npy'), encodeNpy(Int32Array.of(0, 1, 0, 0), [4]));
    const { html } = await reportHtml(['--preds', 'preds.npy', '--targs', 'targs.npy'], 'p');
    expect(htmlAccuracy(html)).toBe(0.75);
    expect(html).not.toContain('<section id="attribution">');
    expect(html).toContain('<section id="curves">');
  });

  it('--help lists every option and main lists the command', async () => {
    const r = await runMain(['report', '--help'], dir);
    expect(r.code).toBe(0);
    for (const flag of [
      '--model',
      '--data',
      '--labels',
      '--task',
      '--out',
      '--methods',
      '--gradcam-relu',
      '--k',
      '--size',
      '--mean',
      '--std',
      '--preset',
      '--target-column',
      '--preds',
      '--targs',
      '--vocab',
      '--batch-size',
    ])
      expect(r.stdout).toContain(flag);
    expect((await runMain(['--help'], dir)).stdout).toMatch(/\n {2}report +an HTML report/);
  });

  it('--task segmentation: pixel accuracy and IoU of the hand-worked masks', async () => {
    const args = ['--model', 'seg/model.json', '--data', 'seg-images', '--labels', 'seg-masks'];
    const { html, stdout } = await reportHtml([...args, '--task', 'segmentation'], 'seg-out');
    // 6 of 8 pixels right; both classes: intersection 3, union 5.
    expect(html).toContain('<span class="pixel-accuracy">75.00%</span>');
    expect(html).toContain('<span class="mean-iou">0.600</span>');
    expect(html).toContain('<section id="segmentation">');
    expect(stdout).toContain('pixel accuracy 75.00%, mean IoU 0.600 on 2 images');
    expectBadInput(
      await runMain(['report', ...args.slice(0, 4), '--task', 'segmentation'], dir),
      /--task segmentation needs --model, --data IMAGES and --labels MASKS/,
    );
  });

  it('refuses bad usage with exit code 2 and one line', async () => {
    expectBadInput(await runMain(['report', '--data', 'images'], dir), /missing --model/);
    expectBadInput(
      await runMain(['report', '--preds', 'preds.npy'], dir),
      /needs both --preds P and --targs T/,
    );
    expectBadInput(
      await runMain(
        ['report', '--model', 'cnn/model.json', '--data', 'images', '--mean', 'a'],
        dir,
      ),
      /--mean must be 1 or 3/,
    );
    expectBadInput(
      await runMain(['report', '--model', 'cnn/model.json', '--data', 'images', '--k', '0'], dir),
      /--k 0/,
    );
    expectBadInput(
      await runMain(
        ['report', '--model', 'cnn/model.json', '--data', 'images', '--gradcam-relu', 'no'],
        dir,
      ),
      /--gradcam-relu/,
    );
  });

  it('--gradcam-relu false draws the signed Grad-CAM map', async () => {
    const { html } = await reportHtml(
      [
        '--model',
        'cnn/model.json',
        '--data',
        'images',
        '--methods',
        'gradcam',
        '--gradcam-relu',
        'false',
      ],
      'signed-out',
    );
    expect(html).toContain('gradcam (signed)');
    // The brightness CNN's maps are (0.5 - x) / 16 or x / 16 per pixel: none is all zero here.
    expect(html).not.toContain('all zero');
  });
});
