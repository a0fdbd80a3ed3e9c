import { createRng, setupBackend } from '@interp/core';
import { expectNoLeakedTensors, maxAbsDiff } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { IntegratedGradients } from './integrated-gradients.js';
import { LayerActivation } from './layer-activation.js';
import { NeuronGradient } from './neuron-gradient.js';
import { NOISE_TUNNEL_TYPES, NoiseTunnel, noiseTunnelDefaults } from './noise-tunnel.js';
import { saliencyMap } from './saliency-map.js';
import { SmoothGrad, smoothGradDefaults } from './smooth-grad.js';
import { expectInterpRejections } from './test-interp-errors.js';
import { LINEAR_BIAS, LINEAR_W, LINEAR_X, linearModel } from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** f(x) = [sum x^2, sum x] per item: the class-0 gradient is 2x. */
const quadratic = (x: tf.Tensor) =>
  tf.tidy(() => tf.stack([tf.sum(tf.square(x), 1), tf.sum(x, 1)], 1));
const X = [
  [1, -2, 0.5],
  [3, 0, -1],
];

/** What the tunnel should return, from its documented noise order (item-major rows, value-major within a row). */
function expectedQuadratic(seed: number, nSamples: number, stdev: number) {
  const rng = createRng(seed);
  const sum = new Float64Array(6);
  const sumSq = new Float64Array(6);
  X.forEach((row, i) => {
    for (let s = 0; s < nSamples; s++) {
      row.forEach((v, j) => {
        const g = 2 * (v + stdev * rng.normal());
        sum[i * 3 + j]! += g;
        sumSq[i * 3 + j]! += g * g;
      });
    }
  });
  const mean = Array.from(sum, (v) => v / nSamples);
  const meanSq = Array.from(sumSq, (v) => v / nSamples);
  return {
    smoothgrad: mean,
    smoothgrad_sq: meanSq,
    vargrad: meanSq.map((m, k) => m - mean[k]! ** 2),
  };
}

describe('NoiseTunnel and SmoothGrad', () => {
  it('have the expected defaults', () => {
    expect(noiseTunnelDefaults).toEqual({ ntType: 'smoothgrad', nSamples: 5, stdevs: 1 });
    expect(smoothGradDefaults).toEqual({ abs: false });
    expect(NOISE_TUNNEL_TYPES).toEqual(['smoothgrad', 'smoothgrad_sq', 'vargrad']);
  });

  it('SmoothGrad with stdevs 0 is the plain gradient', async () => {
    const x = tf.tensor2d(X);
    const attr = await new SmoothGrad(quadratic).attribute(x, { stdevs: 0, target: 0 });
    expect(
      maxAbsDiff(
        await attr.data(),
        X.flat().map((v) => 2 * v),
      ),
    ).toBeLessThan(1e-5);
    tf.dispose([x, attr]);
  });

  it('SmoothGrad gives the mean, mean square and variance of the noisy gradients', async () => {
    const x = tf.tensor2d(X);
    const sg = new SmoothGrad(quadratic);
    const expected = expectedQuadratic(7, 4, 0.3);
    for (const ntType of NOISE_TUNNEL_TYPES) {
      const attr = await sg.attribute(x, {
        ntType,
        nSamples: 4,
        stdevs: 0.3,
        randomState: 7,
        target: 0,
      });
      expect(maxAbsDiff(await attr.data(), expected[ntType]), ntType).toBeLessThan(1e-4);
      attr.dispose();
    }
    x.dispose();
  });

  it('is reproducible for a seed and does not depend on internalBatchSize', async () => {
    const x = tf.tensor2d(X);
    const sg = new SmoothGrad(quadratic);
    const opts = { nSamples: 5, stdevs: 0.5, randomState: 3, target: 0 } as const;
    const a = await sg.attribute(x, opts);
    const b = await sg.attribute(x, { ...opts, internalBatchSize: 3 });
    const c = await sg.attribute(x, { ...opts, randomState: 4 });
    const ad = await a.data();
    expect(maxAbsDiff(ad, await b.data())).toBeLessThan(1e-6);
    expect(maxAbsDiff(ad, await c.data())).toBeGreaterThan(1e-3);
    tf.dispose([x, a, b, c]);
  });

  it('NoiseTunnel wraps any method; the default target is the predicted class of the clean input', async () => {
    const x = tf.tensor2d(LINEAR_X);
    const model = linearModel();
    // A linear model's IG is w * (x + noise - 0), so with stdevs 0 it is exactly w * x.
    const ig = new IntegratedGradients(model);
    const nt = new NoiseTunnel(model, (z, o) => ig.attribute(z, { ...o, nSteps: 5 }));
    const attr = await nt.attribute(x, { stdevs: 0, nSamples: 2 });
    const reference = await ig.attribute(x); // predicted classes 0 and 2
    expect(maxAbsDiff(await attr.data(), await reference.data())).toBeLessThan(1e-5);
    const sal = new NoiseTunnel(model, (z, o) => saliencyMap(model, z, o));
    const s = await sal.attribute(x, { nSamples: 3, stdevs: 2, randomState: 0, target: 1 });
    // |w| of a linear model does not depend on the noise.
    expect(maxAbsDiff(await s.data(), [2, 0.25, 2, 3, 2, 0.25, 2, 3])).toBeLessThan(1e-5);
    tf.dispose([x, attr, reference, s]);
  });

  it('rejects bad input with InterpError', async () => {
    const x = tf.tensor2d(X);
    const sg = new SmoothGrad(quadratic);
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => sg.attribute(x, { ntType: 'mean' as 'vargrad' }), /invalid ntType: "mean"/],
      [() => sg.attribute(x, { nSamples: 0 }), /nSamples must be a positive integer/],
      [() => sg.attribute(x, { stdevs: -1 }), /stdevs must be in \[0/],
      [() => sg.attribute(x, { target: 2 }), /target = 2 is out of range/],
      [
        () => new NoiseTunnel(quadratic, () => tf.zeros([1])).attribute(x, { target: 0 }),
        /one attribution per input value/,
      ],
    ];
    await expectInterpRejections(cases);
    expect(() => new NoiseTunnel(quadratic, undefined as never)).toThrow(/attribution function/);
    x.dispose();
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor2d(X);
    const sg = new SmoothGrad(quadratic);
    await expectNoLeakedTensors(() => sg.attribute(x, { randomState: 0, internalBatchSize: 4 }));
    await expectNoLeakedTensors(() => sg.attribute(x, { target: 5 }).catch(() => 0));
    x.dispose();
  });
});

describe('NoiseTunnel over method objects (layer and neuron methods)', () => {
  /** dense1 = x W + b with LINEAR_W (4 -> 3). */
  function denseModel(): tfl.LayersModel {
    const m = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [4], units: 3, name: 'dense1' })],
    });
    m.getLayer('dense1').setWeights([tf.tensor2d(LINEAR_W), tf.tensor1d(LINEAR_BIAS)]);
    return m;
  }
  const XD = [
    [0.5, -1, 2, 0.25],
    [-0.75, 0.5, 0, 1.5],
  ];

  it('NoiseTunnel(LayerActivation) returns the layer-shaped mean of (x + e) W + b, noise replayed', async () => {
    const model = denseModel();
    await expectNoLeakedTensors(async () => {
      const x = tf.tensor2d(XD);
      const nt = new NoiseTunnel(model, new LayerActivation(model, { layer: 'dense1' }));
      const got = await nt.attribute(x, { nSamples: 3, stdevs: 0.5, randomState: 9, target: 0 });
      expect(got.shape).toEqual([2, 3]);
      // The documented noise order: item-major rows, value-major within a row.
      const rng = createRng(9);
      const want = XD.flatMap((row) => {
        const acc = [0, 0, 0];
        for (let s = 0; s < 3; s++) {
          const noisy = row.map((v) => v + 0.5 * rng.normal());
          for (let k = 0; k < 3; k++) {
            acc[k]! +=
              (LINEAR_BIAS[k]! + noisy.reduce((t, v, i) => t + v * LINEAR_W[i]![k]!, 0)) / 3;
          }
        }
        return acc;
      });
      Array.from(await got.data()).forEach((v, i) => {
        expect(v).toBeCloseTo(want[i]!, 4);
      });
      tf.dispose([x, got]);
    });
    model.dispose();
  });

  it('passes methodOptions to a neuron method: the gradient of a dense neuron has no variance', async () => {
    const model = denseModel();
    await expectNoLeakedTensors(async () => {
      const x = tf.tensor2d(XD);
      const nt = new NoiseTunnel(model, new NeuronGradient(model, { layer: 'dense1' }));
      const mean = await nt.attribute(x, {
        stdevs: 1,
        randomState: 1,
        methodOptions: { neuronSelector: [1] },
      });
      const variance = await nt.attribute(x, {
        ntType: 'vargrad',
        stdevs: 1,
        randomState: 1,
        methodOptions: { neuronSelector: [1] },
      });
      const column = LINEAR_W.map((r) => r[1]!);
      Array.from(await mean.data()).forEach((v, i) => {
        expect(v).toBeCloseTo(column[i % 4]!, 5);
      });
      for (const v of await variance.data()) expect(Math.abs(v)).toBeLessThan(1e-5);
      tf.dispose([x, mean, variance]);
    });
    model.dispose();
  });

  it('refuses something that is neither a method object nor a function', () => {
    expect(() => new NoiseTunnel(linearModel(), { attribute: 1 } as never)).toThrow(
      /needs an attribution method object/,
    );
  });
});
