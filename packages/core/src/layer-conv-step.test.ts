// BatchNormalizations folded into the previous linear conv's filter and bias, a ReLU(6) after them
// into the fused conv (layer-conv-step.ts), and the folded weights kept across calls on wasm
// (kernels/derived-weight-cache.ts). Oracles:
// model.predict (conv then FusedBatchNorm, unfolded) for the outputs, tf.grad through the tape
// and central finite differences for the gradient; the weights after Variable.assign.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';
import { clearDerivedWeightCache, derivedWeightCacheSize } from './kernels/derived-weight-cache.js';
import { backendDataIds } from './kernels/test-kernel-helpers.js';
import { planLayerChain } from './layer-chain.js';
import { targetInputGradient } from './target-input-gradient.js';
import {
  difference,
  expectFiniteDifferences,
  expectMatchesTape,
  init,
  nextSeed,
  randomInput,
  seededBatchNorm,
  sequential,
} from './test-target-input-gradient.js';
import { expectNoLeakedTensors } from './testing.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

afterAll(async () => {
  await setupBackend('wasm');
});

/** conv (bias) + BN + BN(scale: false), depthwise + BN(center: false), conv + bare BN, ... */
const foldedLayers = () => [
  tfl.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', ...init() }),
  seededBatchNorm(),
  seededBatchNorm({ scale: false }),
  tfl.layers.reLU({ maxValue: 6 }),
  tfl.layers.zeroPadding2d({ padding: 1 }),
  tfl.layers.depthwiseConv2d({
    kernelSize: 3,
    strides: 2,
    depthMultiplier: 2,
    depthwiseInitializer: tfl.initializers.glorotUniform({ seed: nextSeed() }),
    biasInitializer: tfl.initializers.randomNormal({ stddev: 0.3, seed: nextSeed() }),
  }),
  seededBatchNorm({ center: false }),
  tfl.layers.activation({ activation: 'relu' }),
  tfl.layers.conv2d({ filters: 5, kernelSize: 1, useBias: false, ...init() }),
  seededBatchNorm({ scale: false, center: false }),
  tfl.layers.flatten(),
  tfl.layers.dense({ units: 4, ...init() }),
];

describe('convStep with folded batch norms', () => {
  it('plans conv+BN+BN+ReLU6, pad+depthwise+BN+relu and conv+BN as one step each', () => {
    const model = sequential([9, 8, 3], foldedLayers);
    // [conv, BN, BN, ReLU6], [pad, dw, BN, relu], [conv, BN], flatten, dense.
    expect(planLayerChain(model)!.steps).toHaveLength(5);
    model.dispose();
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`outputs equal model.predict to 1e-5 of the largest logit, the gradient tf.grad (${backend})`, async () => {
      await setupBackend(backend);
      const model = sequential([9, 8, 3], foldedLayers);
      const x = randomInput([3, 9, 8, 3], 51);
      const ours = targetInputGradient(model, x, [0, 3, 2]);
      const predicted = model.predict(x) as tf.Tensor;
      const o = await difference(ours.outputs, predicted);
      expect(o.ref).toBeGreaterThan(0);
      expect(o.diff).toBeLessThanOrEqual(1e-5 * o.ref);
      await expectMatchesTape(model, x, [0, 3, 2]);
      tf.dispose([x, predicted, ours.gradient, ours.outputs]);
      model.dispose();
    });
  }

  it('equals central finite differences of model.predict (wasm)', async () => {
    await setupBackend('wasm');
    const model = sequential([9, 8, 3], foldedLayers);
    const x = randomInput([1, 9, 8, 3], 52);
    const { gradient, outputs } = targetInputGradient(model, x, 2);
    const g = await gradient.data();
    await expectFiniteDifferences(model, x, g, 2, 5);
    tf.dispose([x, gradient, outputs]);
    model.dispose();
  });
});

describe('the folded weights cache (wasm)', () => {
  it('keeps the folded and flipped filters across calls: tensors and wasm buffers stable after the first', async () => {
    await setupBackend('wasm');
    clearDerivedWeightCache();
    const model = sequential([9, 8, 3], foldedLayers);
    const x = randomInput([2, 9, 8, 3], 53);
    const first = targetInputGradient(model, x, [1, 2]);
    tf.dispose([first.gradient, first.outputs]);
    const kept = derivedWeightCacheSize();
    // Each folded conv's filter and bias, plus what the backprop kernels derived from filters.
    expect(kept).toBeGreaterThanOrEqual(6);
    const dataIds = backendDataIds();
    for (let i = 0; i < 3; i++) {
      await expectNoLeakedTensors(() => targetInputGradient(model, x, [1, 2]));
    }
    expect(backendDataIds()).toBe(dataIds);
    expect(derivedWeightCacheSize()).toBe(kept);
    model.dispose();
    // The model's weights are gone: so are the weights derived from them.
    expect(derivedWeightCacheSize()).toBe(0);
    tf.dispose(x);
  });

  it('follows Variable.assign: new conv and BN weights give the new gradient, the old folds are freed', async () => {
    await setupBackend('wasm');
    clearDerivedWeightCache();
    const model = sequential([9, 8, 3], foldedLayers);
    const x = randomInput([2, 9, 8, 3], 54);
    const warm = targetInputGradient(model, x, [3, 0]);
    tf.dispose([warm.gradient, warm.outputs]);
    const kept = derivedWeightCacheSize();
    const dataIds = backendDataIds();
    // New values for the first conv's kernel and the first BN's gamma and moving variance.
    const first = (name: string) => model.layers.find((l) => l.getClassName() === name)!;
    const [conv, bn] = [first('Conv2D'), first('BatchNormalization')];
    const assign = (layer: tfl.layers.Layer, index: number, scaleBy: number) => {
      const v = layer.weights[index]!;
      const next = tf.tidy(() => tf.add(tf.mul(v.read(), scaleBy), 0.25));
      v.write(next);
      next.dispose();
    };
    assign(conv, 0, -1.5);
    assign(bn, 0, 2);
    assign(bn, 3, 3);
    await expectMatchesTape(model, x, [3, 0]);
    // The folds of the old weights were swept: as many kept as before, no buffer more.
    expect(derivedWeightCacheSize()).toBe(kept);
    expect(backendDataIds()).toBe(dataIds);
    clearDerivedWeightCache();
    expect(derivedWeightCacheSize()).toBe(0);
    expect(backendDataIds()).toBe(dataIds - kept);
    tf.dispose(x);
    model.dispose();
  });
});
