import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors, maxAbsDiff } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Occlusion, occlusionDefaults } from './occlusion.js';
import { expectInterpRejections } from './test-interp-errors.js';
import { learnerFor, linearLayersModel, linearModel, LINEAR_X as X } from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

// Row 0 of X ([1, 2, -1, 0.5]) with target 0: w = [1, 3, -0.5, 0], so w * (x - 0) = [1, 6, 0.5, 0].
describe('Occlusion', () => {
  it('has the expected defaults', () => {
    expect(occlusionDefaults).toEqual({ strides: 1, baseline: 0 });
  });

  it('attribute(x) with 1-wide windows of a linear model is w * (x - baseline)', async () => {
    const x = tf.tensor2d([X[0]!]);
    const occ = new Occlusion(learnerFor(linearModel()));
    const attr = await occ.attribute(x, { slidingWindowShapes: [1], target: 0 });
    expect(maxAbsDiff(await attr.data(), [1, 6, 0.5, 0])).toBeLessThan(1e-5);
    // Baseline 1: w * (x - 1) = [0, 3, 1, 0].
    const attr1 = await occ.attribute(x, { slidingWindowShapes: [1], target: 0, baseline: 1 });
    expect(maxAbsDiff(await attr1.data(), [0, 3, 1, 0])).toBeLessThan(1e-5);
    tf.dispose([x, attr, attr1]);
  });

  it('attribute(x) averages the window sums over the windows covering each value', async () => {
    const x = tf.tensor2d([X[0]!]);
    const occ = new Occlusion(linearModel());
    // Windows of 2, stride 1: [0,2) drops 7, [1,3) 6.5, [2,4) 0.5.
    const a = await occ.attribute(x, { slidingWindowShapes: [2], target: 0 });
    expect(maxAbsDiff(await a.data(), [7, 6.75, 3.5, 0.5])).toBeLessThan(1e-5);
    // Windows of 3, stride 2: [0,3) drops 7.5, then [2,4) (cut off at the edge) 0.5.
    const b = await occ.attribute(x, { slidingWindowShapes: [3], strides: 2, target: 0 });
    expect(maxAbsDiff(await b.data(), [7.5, 7.5, 4, 0.5])).toBeLessThan(1e-5);
    // One window over everything: every value gets the whole drop 7.5.
    const c = await occ.attribute(x, { slidingWindowShapes: [4], strides: [3], target: 0 });
    expect(maxAbsDiff(await c.data(), [7.5, 7.5, 7.5, 7.5])).toBeLessThan(1e-5);
    tf.dispose([x, a, b, c]);
  });

  it('attribute(x) slides 2-D windows over images and batches items (any perturbationsPerEval)', async () => {
    // Items [2, 2] read row-major as the linear model's 4 features.
    const x = tf.tensor3d([X[0]!, X[1]!].map((r) => [r.slice(0, 2), r.slice(2)]));
    const occ = new Occlusion(linearModel());
    // Row 1 (target 2): w = [0.5, -1, 4, 1.5], w * x = [-1, -0.5, 12, 1.5].
    // Window [1, 2] (one image row): drops 7 and 0.5 for item 0; -1.5 and 13.5 for item 1.
    const expected = [7, 7, 0.5, 0.5, -1.5, -1.5, 13.5, 13.5];
    for (const perturbationsPerEval of [undefined, 1]) {
      const attr = await occ.attribute(x, {
        slidingWindowShapes: [1, 2],
        target: [0, 2],
        perturbationsPerEval,
      });
      expect(maxAbsDiff(await attr.data(), expected)).toBeLessThan(1e-5);
      attr.dispose();
    }
    x.dispose();
  });

  it('attribute(x) explains a model without gradients (only calls it forward)', async () => {
    const lin = linearModel();
    // Rebuilding the output from its values cuts the gradient tape.
    const opaque = (z: tf.Tensor) => {
      const y = lin(z);
      const out = tf.tensor(y.arraySync() as number[][]);
      y.dispose();
      return out;
    };
    const x = tf.tensor2d([X[0]!]);
    const attr = await new Occlusion(opaque).attribute(x, { slidingWindowShapes: [1] });
    expect(maxAbsDiff(await attr.data(), [1, 6, 0.5, 0])).toBeLessThan(1e-5);
    tf.dispose([x, attr]);
  });

  it('rejects bad input with InterpError', async () => {
    const x = tf.tensor2d(X);
    const occ = new Occlusion(linearLayersModel());
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => occ.attribute(x, { slidingWindowShapes: [1, 1] }), /one size per item axis \(1/],
      [
        () => occ.attribute(x, { slidingWindowShapes: [5] }),
        /slidingWindowShapes\[0\] = 5.*1\.\.4/,
      ],
      [() => occ.attribute(x, { slidingWindowShapes: [2], strides: 3 }), /larger than the window/],
      [() => occ.attribute(x, { slidingWindowShapes: [2], strides: [1, 1] }), /one per item axis/],
      [
        () => occ.attribute(x, { slidingWindowShapes: [2], target: 4 }),
        /target = 4 is out of range/,
      ],
      [
        () => occ.attribute(x, { slidingWindowShapes: [2], baseline: tf.zeros([2, 2]) }),
        /baseline has shape \[2, 2\]/,
      ],
      [
        () => occ.attribute(x, { slidingWindowShapes: [2], perturbationsPerEval: 0 }),
        /perturbationsPerEval must be a positive integer/,
      ],
    ];
    await expectInterpRejections(cases);
    x.dispose();
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor2d(X);
    const occ = new Occlusion(linearLayersModel());
    await expectNoLeakedTensors(() =>
      occ.attribute(x, { slidingWindowShapes: [2], perturbationsPerEval: 2 }),
    );
    await expectNoLeakedTensors(() =>
      occ.attribute(x, { slidingWindowShapes: [2], target: 9 }).catch(() => 0),
    );
    x.dispose();
  });
});
