import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setupBackend } from '@interp/core';
import { encodeNpy } from '@interp/data';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveLayersModelToDir } from '../io/layers-model-files.js';
import { buildCli, type CliResult, expectBadInput, runCli, tempDir } from '../test-cli.js';

// Linear fixture: f(x) = x W + b with W 4 x 3, so every gradient method has a closed form.
const W = [
  [1, -2, 0.5],
  [3, 0.25, -1],
  [-0.5, 2, 4],
  [0, -3, 1.5],
];
const X = [
  [1, 2, -1, 0.5],
  [-2, 0.5, 3, 1],
];
// Scores by hand (bias 0): row 0 = [7.5, -5, -4.75] -> class 0; row 1 = [-2, 7.125, 12] -> class 2.
const PREDICTED = [0, 2];
const col = (k: number) => W.map((r) => r[k]!);

// Image fixture (GradCAM): conv 'feat' (2x2, stride 2, relu) sums each 2x2 block into channel 0
// and its negation into channel 1, then a dense head; the class-0 map is [[8, 8], [2, 8]],
// upsampled with half-pixel centers to 4x4 (see the attribution package's GradCAM test).
const IMAGE = [
  [1, 2, 0, -1],
  [0, 1, 3, 2],
  [-2, 0, 1, 1],
  [1, -1, 0, 2],
];
const HEAD = [
  [1, 0.5],
  [-1, 2],
  [2, -1],
  [0, 2],
  [3, 0],
  [4, -4],
  [2, -0.5],
  [1, 0],
];
const CAM0_UP = [
  [8, 8, 8, 8],
  [6.5, 6.875, 7.625, 8],
  [3.5, 4.625, 6.875, 8],
  [2, 3.5, 6.5, 8],
];

let dir: string;
const cli = (...args: string[]): CliResult => runCli(['attribute', ...args], { cwd: dir });
const json = (...args: string[]) => {
  const r = cli(...args, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};
const closeTo = (actual: number[], expected: number[], eps = 1e-5) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    expect(Math.abs(v - expected[i]!), `index ${i}`).toBeLessThan(eps);
  });
};

beforeAll(async () => {
  buildCli();
  dir = tempDir();
  await setupBackend('cpu');
  const linear = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [4], units: 3, weights: [tf.tensor2d(W), tf.zeros([3])] }),
    ],
  });
  await saveLayersModelToDir(linear, join(dir, 'linear'));
  const cnn = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [4, 4, 1],
        name: 'feat',
        filters: 2,
        kernelSize: 2,
        strides: 2,
        activation: 'relu',
        weights: [tf.tensor4d([1, -1, 1, -1, 1, -1, 1, -1], [2, 2, 1, 2]), tf.zeros([2])],
      }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dense({ name: 'head', units: 2, weights: [tf.tensor2d(HEAD), tf.zeros([2])] }),
    ],
  });
  await saveLayersModelToDir(cnn, join(dir, 'cnn'));
  writeFileSync(join(dir, 'x.npy'), encodeNpy(Float32Array.from(X.flat()), [2, 4]));
  writeFileSync(join(dir, 'x64.npy'), encodeNpy(Float64Array.from(X[0]!), [4]));
  writeFileSync(join(dir, 'x5.npy'), encodeNpy(new Float32Array(10), [2, 5]));
  writeFileSync(join(dir, 'img.npy'), encodeNpy(Float32Array.from(IMAGE.flat()), [1, 4, 4]));
  linear.dispose();
  cnn.dispose();
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('interp attribute --json', () => {
  const linear = ['--model', 'linear/model.json', '--input', 'x.npy'];

  it('saliency is |w| of each predicted class, keys in the documented order', () => {
    const out = json(...linear, '--method', 'saliency');
    expect(Object.keys(out)).toEqual(['method', 'target', 'attributions']);
    expect(out.method).toBe('saliency');
    expect(out.target).toEqual(PREDICTED);
    closeTo(out.attributions.flat(), [...col(0), ...col(2)].map(Math.abs));
  });

  it('ig is (x - 0) * w exactly, with a delta per item', () => {
    const out = json(
      ...linear,
      '--method',
      'ig',
      '--n-steps',
      '7',
      '--ig-method',
      'riemann_middle',
    );
    expect(Object.keys(out)).toEqual(['method', 'target', 'attributions', 'delta']);
    // The predicted classes come from IG's own delta pass (no separate forward pass).
    expect(out.target).toEqual(PREDICTED);
    closeTo(out.attributions.flat(), [
      ...X[0]!.map((v, j) => v * col(0)[j]!),
      ...X[1]!.map((v, j) => v * col(2)[j]!),
    ]);
    closeTo(out.delta, [0, 0]);
  });

  it('gxi, smoothgrad and occlusion take --target (one class or one per item)', () => {
    const gxi = json(...linear, '--method', 'gxi', '--target', '1');
    expect(gxi.target).toEqual([1, 1]);
    closeTo(
      gxi.attributions.flat(),
      X.flatMap((r) => r.map((v, j) => v * col(1)[j]!)),
    );
    // A linear model's gradient ignores the noise.
    const sg = json(...linear, '--method', 'smoothgrad', '--target', '1,0');
    expect(sg.target).toEqual([1, 0]);
    closeTo(sg.attributions.flat(), [...col(1), ...col(0)]);
    // One value at a time: the drop when it is set to 0 is w * x.
    const occ = json(...linear, '--method', 'occlusion', '--target', '1,0');
    closeTo(occ.attributions.flat(), [
      ...X[0]!.map((v, j) => v * col(1)[j]!),
      ...X[1]!.map((v, j) => v * col(0)[j]!),
    ]);
  });

  it('takes a single item without its batch axis', () => {
    const out = json('--model', 'linear/model.json', '--input', 'x64.npy', '--method', 'saliency');
    expect(out.target).toEqual([0]);
    closeTo(out.attributions.flat(), col(0).map(Math.abs));
  });

  it('gradcam returns N x H x W at input resolution (hand-computed), by default layer or --layer', () => {
    for (const extra of [[], ['--layer', 'feat']]) {
      const out = json(
        '--model',
        'cnn/model.json',
        '--input',
        'img.npy',
        '--method',
        'gradcam',
        ...extra,
      );
      expect(out.target).toEqual([0]);
      expect([
        out.attributions.length,
        out.attributions[0].length,
        out.attributions[0][0].length,
      ]).toEqual([1, 4, 4]);
      closeTo(out.attributions.flat(2), CAM0_UP.flat());
    }
  });
});

describe('interp attribute', () => {
  it('prints a per-item summary and writes overlay PNGs with --out', () => {
    const r = cli(
      '--model',
      'cnn/model.json',
      '--input',
      'img.npy',
      '--method',
      'gradcam',
      '--out',
      'png',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /gradcam attributions of shape \[1, 4, 4\] for 1 item \(target: predicted class\)/,
    );
    // Sum of the hand-computed map: 32 + 29 + 23 + 20 = 104.
    expect(r.stdout).toMatch(/^\s+0\s+0\s+104\.00\s+8\.0000$/m);
    expect(readdirSync(join(dir, 'png'))).toEqual(['gradcam-0.png']);
    const png = readFileSync(join(dir, 'png', 'gradcam-0.png'));
    expect(Array.from(png.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([4, 4]);
  });

  it('prints help', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: interp attribute --model/);
  });

  it('exits 2 with one line for bad input', () => {
    const linear = ['--model', 'linear/model.json', '--input', 'x.npy'];
    expectBadInput(cli('--input', 'x.npy', '--method', 'ig'), /missing --model/);
    expectBadInput(
      cli('--model', 'nope/model.json', '--input', 'x.npy', '--method', 'ig'),
      /cannot read .*nope\/model\.json: no such file/,
    );
    expectBadInput(
      cli('--model', 'linear/model.json', '--input', 'x5.npy', '--method', 'ig'),
      /x5\.npy has shape \[2, 5\] but linear\/model\.json takes \[N, 4\]/,
    );
    expectBadInput(
      cli('--model', 'linear/model.json', '--input', 'missing.npy', '--method', 'ig'),
      /cannot read missing\.npy: no such file/,
    );
    expectBadInput(cli(...linear, '--method', 'limes'), /invalid --method: "limes"/);
    expectBadInput(
      cli(...linear, '--method', 'ig', '--target', '3'),
      /target = 3 is out of range: the model has 3 outputs/,
    );
    expectBadInput(
      cli(...linear, '--method', 'ig', '--target', '1,2,0'),
      /--target lists 3 classes but x\.npy has 2 items/,
    );
    expectBadInput(
      cli(...linear, '--method', 'ig', '--target', 'cat'),
      /--target must be a decimal integer from 0 to 4,095, got "cat"/,
    );
    expectBadInput(
      cli(...linear, '--method', 'ig', '--n-steps', '0'),
      /--n-steps 0 is below the minimum 1/,
    );
    expectBadInput(
      cli(...linear, '--method', 'ig', '--ig-method', 'simpson'),
      /invalid --ig-method: "simpson"/,
    );
    expectBadInput(
      cli(...linear, '--method', 'saliency', '--layer', 'feat'),
      /--layer applies to --method guided-gradcam\|gradcam\|layer-ig\|.*\|neuron-gradient-shap only/,
    );
    expectBadInput(cli(...linear, '--method', 'gradcam'), /no layer with a 4-D/);
    expectBadInput(
      cli(
        '--model',
        'cnn/model.json',
        '--input',
        'img.npy',
        '--method',
        'gradcam',
        '--layer',
        'conv9',
      ),
      /no node or layer named "conv9"; the model's layers are "feat", "flat", "head"/,
    );
    expectBadInput(
      cli(...linear, '--method', 'saliency', '--out', 'o'),
      /--out draws overlays on images/,
    );
  });
});
