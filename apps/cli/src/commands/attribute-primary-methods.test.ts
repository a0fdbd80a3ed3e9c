// `interp attribute --method M` for the primary methods, run in-process (no build): JSON
// shapes, hand-worked values on a linear model (every primary method has a closed form there),
// one check against the library call itself, and one-line exit-2 errors.
import { rmSync } from 'node:fs';
import { Lime } from '@interp/attribution';
import { METHOD_CATALOG } from '@interp/attribution/methods';
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBadInput, tempDir } from '../test-cli.js';
import { runMain } from '../test-main.js';
import {
  closeTo,
  col,
  PREDICTED,
  W,
  writeAttributeFixtures,
  X,
  xTimesW,
} from './test-attribute-models.js';

let dir: string;
const cli = (...args: string[]) => runMain(['attribute', ...args], dir);

beforeAll(async () => {
  dir = tempDir();
  await setupBackend('cpu');
  await writeAttributeFixtures(dir);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const linear = ['--model', 'linear/model.json', '--input', 'x.npy'];
const json = async (...args: string[]) => {
  const r = await cli(...linear, ...args, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};

describe('interp attribute: Captum primary methods on a linear model', () => {
  it('every method prints { method, target, attributions[, delta] } in the input shape', async () => {
    for (const { name: method, kind, layer } of METHOD_CATALOG) {
      // GradCAM's maps need an image model (below); the layer and neuron methods an MLP.
      if (kind !== 'primary' || layer !== 'none') continue;
      const extra = method === 'deeplift-shap' ? ['--baseline', 'refs.npy'] : [];
      const out = await json('--method', method, ...extra);
      const keys = ['deeplift', 'ig', 'lrp'].includes(method)
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

  it('ig and occlusion honour --baseline FILE.npy: (x - b) W[i, t] (linear model, by hand)', async () => {
    const b = [1, 1, 0, -1];
    const ig = await json('--method', 'ig', '--baseline', 'ref.npy');
    closeTo(ig.attributions.flat(), xTimesW(X, b));
    closeTo(ig.delta, [0, 0]);
    // Per item: row n's baseline is refs.npy's row n.
    const perItem = await json('--method', 'ig', '--baseline', 'refs.npy');
    closeTo(perItem.attributions.flat(), [
      ...xTimesW(X, [1, 1, 0, -1]).slice(0, 4),
      ...xTimesW(X, [0, 2, 2, 0]).slice(4),
    ]);
    const zeros = await json('--method', 'ig', '--baseline', 'zeros');
    closeTo(zeros.attributions.flat(), xTimesW(X));
    // A one-value patch set to the baseline drops the score by (x_i - b_i) W[i, t].
    const occ = await json('--method', 'occlusion', '--window', '1', '--baseline', 'ref.npy');
    closeTo(occ.attributions.flat(), xTimesW(X, b));
  });

  it("lrp on a linear layer (epsilon rule, no bias) is x_i W[i, t], with Captum's delta", async () => {
    const out = await json('--method', 'lrp');
    expect(Object.keys(out)).toEqual(['method', 'target', 'attributions', 'delta']);
    closeTo(out.attributions.flat(), xTimesW(X), 1e-3);
    closeTo(out.delta, [0, 0], 1e-3);
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
