// `interp attribute --method M` for the Captum-class methods, run in-process (no build): JSON
// shapes, hand-worked values on a linear model (every primary method has a closed form there),
// one check per family against the library call itself, and one-line exit-2 errors.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lime } from '@interp/attribution';
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveLayersModelToDir } from '../io/layers-model-files.js';
import { encodeNpy } from '../io/npy.js';
import { expectBadInput, tempDir } from '../test-cli.js';
import { runMain } from '../test-main.js';
import { CAPTUM_METHODS } from './attribute-captum.js';

// f(x) = x W (bias 0), W 4 x 3: scores row 0 = [7.5, -5, -4.75] -> class 0; row 1 -> class 2.
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
const PREDICTED = [0, 2];
const col = (k: number) => W.map((r) => r[k]!);
/** x_i * W[i, t] per item: the exact attribution of every completeness-keeping method. */
const xTimesW = (x: number[][], ref: number[] = [0, 0, 0, 0]) =>
  x.flatMap((r, n) => r.map((v, j) => (v - ref[j]!) * col(PREDICTED[n]!)[j]!));

// MLP: h = relu(x W) ('relu'), out = h W2. h row 0 = [7.5, 0, 0], row 1 = [0, 7.125, 12];
// out row 0 = [7.5, -7.5] -> class 0, row 1 = [2.25, 39.5625] -> class 1.
const W2 = [
  [1, -1],
  [2, 0.5],
  [-1, 3],
];
const H = [
  [7.5, 0, 0],
  [0, 7.125, 12],
];
const MLP_PREDICTED = [0, 1];
const w2col = (k: number) => W2.map((r) => r[k]!);
/** h_j W2[j, t]: what the head does with each unit (linear after the layer). */
const hTimesW2 = H.flatMap((h, n) => h.map((v, j) => v * w2col(MLP_PREDICTED[n]!)[j]!));

let dir: string;
const cli = (...args: string[]) => runMain(['attribute', ...args], dir);
const linear = ['--model', 'linear/model.json', '--input', 'x.npy'];
const json = async (...args: string[]) => {
  const r = await cli(...linear, ...args, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};
const closeTo = (actual: number[], expected: number[], eps = 1e-4) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    expect(Math.abs(v - expected[i]!), `index ${i}: ${v} vs ${expected[i]}`).toBeLessThan(eps);
  });
};

beforeAll(async () => {
  dir = tempDir();
  await setupBackend('cpu');
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [4],
        units: 3,
        name: 'dense',
        weights: [tf.tensor2d(W), tf.zeros([3])],
      }),
    ],
  });
  await saveLayersModelToDir(model, join(dir, 'linear'));
  model.dispose();
  const mlp = tfl.sequential({
    layers: [
      tfl.layers.dense({
        inputShape: [4],
        units: 3,
        name: 'hidden',
        weights: [tf.tensor2d(W), tf.zeros([3])],
      }),
      tfl.layers.activation({ activation: 'relu', name: 'relu' }),
      tfl.layers.dense({ units: 2, name: 'out', weights: [tf.tensor2d(W2), tf.zeros([2])] }),
    ],
  });
  await saveLayersModelToDir(mlp, join(dir, 'mlp'));
  mlp.dispose();
  const cnn = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [4, 4, 1],
        filters: 2,
        kernelSize: 2,
        name: 'conv',
        activation: 'relu',
      }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2 }),
    ],
  });
  await saveLayersModelToDir(cnn, join(dir, 'cnn'));
  cnn.dispose();
  writeFileSync(
    join(dir, 'img.npy'),
    encodeNpy(
      Float32Array.from({ length: 32 }, (_, i) => (i % 7) / 7),
      [2, 4, 4],
    ),
  );
  writeFileSync(join(dir, 'x.npy'), encodeNpy(Float32Array.from(X.flat()), [2, 4]));
  writeFileSync(join(dir, 'ref.npy'), encodeNpy(Float32Array.from([1, 1, 0, -1]), [4]));
  writeFileSync(
    join(dir, 'refs.npy'),
    encodeNpy(Float32Array.from([1, 1, 0, -1, 0, 2, 2, 0]), [2, 4]),
  );
  writeFileSync(join(dir, 'mask.npy'), encodeNpy(Int32Array.from([0, 0, 1, 1]), [4]));
  writeFileSync(join(dir, 'mask3.npy'), encodeNpy(Int32Array.from([0, 1, 2]), [3]));
  writeFileSync(join(dir, 'maskf.npy'), encodeNpy(Float32Array.from([0, 0.5, 1, 1]), [4]));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('interp attribute: Captum primary methods on a linear model', () => {
  it('every method prints { method, target, attributions[, delta] } in the input shape', async () => {
    for (const method of CAPTUM_METHODS) {
      if (/^(layer|neuron)-|^internal-/.test(method)) continue;
      const extra = method === 'deeplift-shap' ? ['--baseline', 'refs.npy'] : [];
      const out = await json('--method', method, ...extra);
      const keys =
        method === 'deeplift'
          ? ['method', 'target', 'attributions', 'delta']
          : ['method', 'target', 'attributions'];
      expect(Object.keys(out), method).toEqual(keys);
      expect(out.method).toBe(method);
      expect(out.target, method).toEqual(PREDICTED);
      expect(out.attributions.length, method).toBe(2);
      expect(out.attributions[0].length, method).toBe(4);
    }
  });

  it('completeness-keeping methods give x_i W[i, t] from zero (hand-worked)', async () => {
    for (const method of [
      'deeplift',
      'feature-ablation',
      'shapley',
      'shapley-sampling',
      'kernel-shap',
      'gradient-shap',
    ]) {
      const seeded = ['shapley-sampling', 'kernel-shap', 'gradient-shap'].includes(method);
      const out = await json('--method', method, ...(seeded ? ['--seed', '3'] : []));
      closeTo(out.attributions.flat(), xTimesW(X), 2e-3);
    }
    const dl = await json('--method', 'deeplift');
    closeTo(dl.delta, [0, 0]);
  });

  it('--baseline FILE.npy is subtracted; deeplift-shap averages over the baselines', async () => {
    const out = await json('--method', 'deeplift', '--baseline', 'ref.npy');
    closeTo(out.attributions.flat(), xTimesW(X, [1, 1, 0, -1]));
    const shap = await json('--method', 'deeplift-shap', '--baseline', 'refs.npy');
    const a = xTimesW(X, [1, 1, 0, -1]);
    const b = xTimesW(X, [0, 2, 2, 0]);
    closeTo(
      shap.attributions.flat(),
      a.map((v, i) => (v + b[i]!) / 2),
    );
  });

  it('guided-backprop and deconvolution are the target column of W (no ReLU to gate)', async () => {
    for (const method of ['guided-backprop', 'deconvolution']) {
      const out = await json('--method', method, '--target', '1');
      expect(out.target).toEqual([1, 1]);
      closeTo(out.attributions.flat(), [...col(1), ...col(1)]);
    }
  });

  it('--feature-mask groups features: each member carries its group ablation', async () => {
    const out = await json('--method', 'feature-ablation', '--feature-mask', 'mask.npy');
    const e = xTimesW(X);
    closeTo(out.attributions.flat(), [
      ...[0, 0, 1, 1].map((g) => e[2 * g]! + e[2 * g + 1]!),
      ...[0, 0, 1, 1].map((g) => e[4 + 2 * g]! + e[4 + 2 * g + 1]!),
    ]);
  });

  it('feature-permutation of two items swaps them: (x_n - x_other) W[i, t]', async () => {
    const out = await json('--method', 'feature-permutation', '--seed', '0');
    closeTo(out.attributions.flat(), [
      ...X[0]!.map((v, j) => (v - X[1]![j]!) * col(0)[j]!),
      ...X[1]!.map((v, j) => (v - X[0]![j]!) * col(2)[j]!),
    ]);
  });

  it('lime equals the library call with the same seed and samples', async () => {
    const out = await json('--method', 'lime', '--seed', '7', '--n-samples', '40');
    const x = tf.tensor2d(X);
    const expected = await new Lime(
      tfl.sequential({
        layers: [
          tfl.layers.dense({ inputShape: [4], units: 3, weights: [tf.tensor2d(W), tf.zeros([3])] }),
        ],
      }),
    ).attribute(x, {
      target: PREDICTED,
      nSamples: 40,
      randomState: 7,
    });
    closeTo(out.attributions.flat(), Array.from(await expected.data()), 1e-5);
    tf.dispose([x, expected]);
  });

  it('occlusion takes --window and --strides in the input layout; ig still gives x W', async () => {
    const occ = await json('--method', 'occlusion', '--window', '2', '--strides', '2');
    const e = xTimesW(X);
    // Patches {0, 1} and {2, 3}: each value carries its patch's drop.
    closeTo(occ.attributions.flat(), [
      ...[0, 0, 1, 1].map((g) => e[2 * g]! + e[2 * g + 1]!),
      ...[0, 0, 1, 1].map((g) => e[4 + 2 * g]! + e[4 + 2 * g + 1]!),
    ]);
    const ig = await json('--method', 'ig', '--n-steps', '5');
    closeTo(ig.attributions.flat(), e);
    expectBadInput(
      await cli(...linear, '--method', 'occlusion', '--strides', '2'),
      /--strides needs --window/,
    );
    expectBadInput(
      await cli(...linear, '--method', 'ig', '--window', '2'),
      /--window applies to --method occlusion only/,
    );
  });

  it('leaks no tensors', async () => {
    await expectNoLeakedTensors(async () => {
      await json('--method', 'deeplift-shap', '--baseline', 'refs.npy');
      await json('--method', 'shapley', '--feature-mask', 'mask.npy');
    });
  });
});

describe('interp attribute: bad arguments exit 2 with one line', () => {
  it('refuses an option the method ignores', async () => {
    expectBadInput(
      await cli(...linear, '--method', 'deeplift', '--n-samples', '5'),
      /--n-samples applies to --method .*lime/,
    );
    expectBadInput(
      await cli(...linear, '--method', 'saliency', '--baseline', 'ref.npy'),
      /--baseline applies to --method/,
    );
    expectBadInput(
      await cli(...linear, '--method', 'guided-backprop', '--seed', '1'),
      /--seed applies to/,
    );
  });

  it('refuses n-samples < 1, a non-integer mask, a mask that does not broadcast, a bad baseline', async () => {
    expectBadInput(await cli(...linear, '--method', 'lime', '--n-samples', '0'), /--n-samples/);
    expectBadInput(
      await cli(...linear, '--method', 'feature-ablation', '--feature-mask', 'maskf.npy'),
      /not an integer feature id/,
    );
    expectBadInput(
      await cli(...linear, '--method', 'feature-ablation', '--feature-mask', 'mask3.npy'),
      /mask|shape/i,
    );
    expectBadInput(
      await cli(...linear, '--method', 'deeplift', '--baseline', 'mask3.npy'),
      /--baseline mask3.npy has shape \[3\]/,
    );
  });
});

describe('interp attribute: layer and neuron methods on an MLP (relu layer, linear head)', () => {
  const mlp = ['--model', 'mlp/model.json', '--input', 'x.npy'];
  const run = async (...args: string[]) => {
    const r = await cli(...mlp, ...args, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };

  it('layer-activation is the layer output, with no target', async () => {
    const out = await run('--method', 'layer-activation', '--layer', 'relu');
    expect(Object.keys(out)).toEqual(['method', 'target', 'attributions']);
    expect(out.target).toBeNull();
    closeTo(out.attributions.flat(), H.flat());
  });

  it('layer-gxa, layer-ig, layer-conductance, layer-deeplift, layer-feature-ablation and layer-gradient-shap give h_j W2[j, t]', async () => {
    for (const method of [
      'layer-gxa',
      'layer-ig',
      'layer-conductance',
      'layer-deeplift',
      'layer-feature-ablation',
      'layer-gradient-shap',
    ]) {
      // Conductance telescopes exactly only on a grid from 0 to 1 (not Gauss-Legendre's).
      const grid = method === 'layer-conductance' ? ['--ig-method', 'riemann_trapezoid'] : [];
      const out = await run('--method', method, '--layer', 'relu', ...grid);
      expect(out.target, method).toEqual(MLP_PREDICTED);
      expect(out.attributions[0].length, method).toBe(3);
      closeTo(out.attributions.flat(), hTimesW2, 1e-3);
      if (['layer-ig', 'layer-conductance', 'layer-deeplift'].includes(method)) {
        expect(Object.keys(out), method).toEqual(['method', 'target', 'attributions', 'delta']);
        closeTo(out.delta, [0, 0], 1e-3);
      }
    }
  });

  it('internal-influence is the mean layer gradient: W2[:, t]', async () => {
    const out = await run('--method', 'internal-influence', '--layer', 'relu', '--n-steps', '8');
    closeTo(out.attributions.flat(), [...w2col(0), ...w2col(1)]);
  });

  it('neuron methods of unit 0 (active for item 0 only) follow W[:, 0]', async () => {
    const w0 = col(0);
    const xw = X[0]!.map((v, i) => v * w0[i]!);
    const zero = [0, 0, 0, 0];
    const cases: [string, number[]][] = [
      ['neuron-gradient', [...w0, ...zero]],
      ['neuron-guided-backprop', [...w0, ...zero]],
      ['neuron-deconvolution', [...w0, ...w0]],
      ['neuron-ig', [...xw, ...zero]],
      ['neuron-deeplift', [...xw, ...zero]],
      ['neuron-gradient-shap', [...xw, ...zero]],
    ];
    for (const [method, expected] of cases) {
      const out = await run('--method', method, '--layer', 'relu', '--neuron', '0');
      expect(out.target, method).toBeNull();
      closeTo(out.attributions.flat(), expected, 1e-3);
    }
    // Conductance through unit 0 to class 0: W2[0, 0] = 1 times the neuron's IG.
    const nc = await run(
      '--method',
      'neuron-conductance',
      '--layer',
      'relu',
      '--neuron',
      '0',
      '--target',
      '0',
      // Every point of this grid has alpha > 0, where the unit is active: the sum is exact.
      '--ig-method',
      'riemann_right',
    );
    closeTo(nc.attributions.flat(), [...xw, ...zero], 1e-3);
  });

  it('neuron-feature-ablation: the unit drop when one input is zeroed (hand-worked)', async () => {
    const out = await run(
      '--method',
      'neuron-feature-ablation',
      '--layer',
      'relu',
      '--neuron',
      '2',
    );
    // Unit 2: pre = x W[:, 2]; row 0 inactive (-4.75) -> relu(pre - x_i W[i, 2]) for each i.
    const w = col(2);
    const expected = X.flatMap((x) => {
      const pre = x.reduce((a, v, i) => a + v * w[i]!, 0);
      return x.map((v, i) => Math.max(pre, 0) - Math.max(pre - v * w[i]!, 0));
    });
    closeTo(out.attributions.flat(), expected);
  });

  it('refuses a layer method without --layer, an unknown layer, a neuron out of range', async () => {
    expectBadInput(await cli(...mlp, '--method', 'layer-ig'), /--method layer-ig needs --layer/);
    expectBadInput(
      await cli(...mlp, '--method', 'neuron-gradient', '--layer', 'relu'),
      /needs --neuron/,
    );
    expectBadInput(await cli(...mlp, '--method', 'layer-ig', '--layer', 'nope'), /nope/);
    expectBadInput(
      await cli(...mlp, '--method', 'neuron-gradient', '--layer', 'relu', '--neuron', '5'),
      /neuron|range/i,
    );
    expectBadInput(
      await cli(...mlp, '--method', 'layer-ig', '--layer', 'relu', '--neuron', '0'),
      /--neuron applies to/,
    );
  });
});

describe("interp attribute on an ONNX export against Captum 0.8's recorded numbers", () => {
  // The committed Captum case file of the tanh MLP (packages/attribution/test-fixtures/captum).
  const fixtures = fileURLToPath(
    new URL('../../../../packages/attribution/test-fixtures/captum/', import.meta.url),
  );
  interface Case {
    name: string;
    kind: string;
    node?: string;
    constructor: Record<string, unknown>;
    attribute: Record<string, unknown>;
    expected: { shape: number[]; values: number[] };
    delta?: { values: number[] };
  }
  const file = JSON.parse(readFileSync(join(fixtures, 'mlp.json'), 'utf8')) as {
    inputs: { shape: number[]; values: number[] };
    cases: Case[];
  };
  // Captum case name -> the CLI's extra arguments; the cases whose options the CLI can state.
  const CLI: Record<string, [string, ...string[]]> = {
    saliency: ['saliency'],
    'input-x-gradient': ['gxi'],
    'guided-backprop': ['guided-backprop'],
    deconvolution: ['deconvolution'],
    ig: ['ig'],
    deeplift: ['deeplift'],
    'feature-ablation': ['feature-ablation'],
    occlusion: ['occlusion', '--window', '2', '--strides', '1'],
    'shapley-values': ['shapley'],
    'layer-activation': ['layer-activation'],
    'layer-gradient-x-activation': ['layer-gxa'],
    'layer-ig': ['layer-ig'],
    'layer-conductance': ['layer-conductance'],
    'internal-influence': ['internal-influence'],
    'layer-deeplift': ['layer-deeplift'],
    'layer-feature-ablation': ['layer-feature-ablation'],
    'neuron-gradient': ['neuron-gradient'],
    'neuron-ig': ['neuron-ig'],
    'neuron-conductance': ['neuron-conductance'],
    'neuron-deeplift': ['neuron-deeplift'],
    'neuron-guided-backprop': ['neuron-guided-backprop'],
    'neuron-deconvolution': ['neuron-deconvolution'],
    'neuron-feature-ablation': ['neuron-feature-ablation'],
  };

  it('every CLI-expressible case equals Captum within float32 tolerance', async () => {
    writeFileSync(
      join(dir, 'mlp-x.npy'),
      encodeNpy(Float32Array.from(file.inputs.values), file.inputs.shape),
    );
    const model = join(fixtures, 'mlp.onnx');
    let checked = 0;
    for (const c of file.cases) {
      const cli = CLI[c.name];
      if (cli === undefined) continue;
      const [method, ...rest] = cli;
      const args = ['--model', model, '--input', 'mlp-x.npy', '--method', method, ...rest];
      if (c.kind !== 'primary') args.push('--layer', c.node!);
      if (c.kind === 'neuron')
        args.push('--neuron', (c.attribute.neuron_selector as number[]).join(','));
      if (c.attribute.target !== undefined)
        args.push('--target', (c.attribute.target as number[]).join(','));
      const r = await runMain(['attribute', ...args, '--json'], dir);
      expect(r.stderr, c.name).toBe('');
      const out = JSON.parse(r.stdout);
      const got = (out.attributions as unknown[]).flat(8) as number[];
      const scale = Math.max(1e-3, ...c.expected.values.map(Math.abs));
      closeTo(got, c.expected.values, 2e-3 * scale);
      if (c.delta && out.delta) closeTo(out.delta, c.delta.values, 2e-3 * scale);
      checked++;
    }
    expect(checked).toBe(Object.keys(CLI).length);
  });
});

describe('interp attribute --out', () => {
  it('writes one overlay PNG per item for a Captum method; a layer map that is not an image exits 2', async () => {
    const cnn = ['--model', 'cnn/model.json', '--input', 'img.npy'];
    const r = await cli(...cnn, '--method', 'guided-backprop', '--out', 'gb');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'gb')).sort()).toEqual([
      'guided-backprop-0.png',
      'guided-backprop-1.png',
    ]);
    const png = readFileSync(join(dir, 'gb', 'guided-backprop-0.png'));
    expect(Array.from(png.subarray(1, 4), (c) => String.fromCharCode(c)).join('')).toBe('PNG');
    const layer = await cli(
      ...cnn,
      '--method',
      'layer-activation',
      '--layer',
      'conv',
      '--out',
      'la',
    );
    expectBadInput(layer, /--out draws maps over the input, but --method layer-activation/);
  });
});
