// Folded neighbours in the tape-free input gradient (layer-step-fusion.ts): ZeroPadding2D into
// the next 'valid' conv's explicit padding, BatchNormalization's factor into the previous linear
// conv's filter. Oracle: tf.grad through the tape on wasm and cpu; plus the planned step counts
// (what was folded, and what must not be: a non-linear conv, a conv output read twice).
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';
import { planLayerChain } from './layer-chain.js';
import { planLayerDag } from './layer-dag.js';
import { targetInputGradient } from './target-input-gradient.js';
import {
  difference,
  expectMatchesTape,
  init,
  nextSeed,
  oneHotRows,
  randomInput,
  referenceGradient,
  seededBatchNorm,
  sequential,
} from './test-target-input-gradient.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

afterAll(async () => {
  await setupBackend('wasm');
});

/** pad + strided depthwise (multiplier 2) + BN, ReLU6, pad + strided conv + two BNs, ... */
const chainLayers = () => [
  tfl.layers.zeroPadding2d({
    padding: [
      [1, 2],
      [2, 0],
    ],
  }),
  tfl.layers.depthwiseConv2d({
    kernelSize: 3,
    strides: 2,
    depthMultiplier: 2,
    useBias: false,
    depthwiseInitializer: tfl.initializers.glorotUniform({ seed: nextSeed() }),
  }),
  seededBatchNorm(),
  tfl.layers.reLU({ maxValue: 6 }),
  tfl.layers.zeroPadding2d({ padding: 1 }),
  tfl.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, useBias: false, ...init() }),
  seededBatchNorm({ scale: false }),
  seededBatchNorm(),
  // A non-linear conv: the BN after it must not be folded into its filter.
  tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu6', ...init() }),
  seededBatchNorm(),
  tfl.layers.flatten(),
  tfl.layers.dense({ units: 4, ...init() }),
];

describe('fuseSteps (folded padding and batch norm)', () => {
  it('plans pad+depthwise+BN+ReLU6 and pad+conv+BN+BN as one step each, not BN after ReLU6', () => {
    const model = sequential([11, 10, 4], chainLayers);
    // [pad, dw, BN, ReLU6], [pad, conv, BN, BN], conv(relu6), BN, flatten, dense.
    expect(planLayerChain(model)!.steps).toHaveLength(6);
    model.dispose();
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`folds padding into a dilated conv: tf.grad of its zero-spread twin (${backend})`, async () => {
      await setupBackend(backend);
      const pad = () =>
        tfl.layers.zeroPadding2d({
          padding: [
            [2, 1],
            [0, 3],
          ],
        });
      const dilated = sequential([8, 7, 2], () => [
        pad(),
        tfl.layers.conv2d({ filters: 3, kernelSize: [2, 3], dilationRate: [3, 2], ...init() }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2, ...init() }),
      ]);
      // The same conv with (dilation - 1) zeros between taps: a 4 x 5 filter, no dilation.
      const twin = sequential([8, 7, 2], () => [
        pad(),
        tfl.layers.conv2d({ filters: 3, kernelSize: [4, 5] }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2 }),
      ]);
      const [w, ...rest] = dilated.getWeights();
      const spread = tf.tidy(() => {
        const taps = tf.unstack(w!, 0).map((row) => tf.unstack(row, 0));
        const zero = tf.zerosLike(taps[0]![0]!);
        const rows = [0, 1, 2, 3].map((i) =>
          tf.stack([0, 1, 2, 3, 4].map((j) => (i % 3 || j % 2 ? zero : taps[i / 3]![j / 2]!))),
        );
        return tf.stack(rows);
      });
      twin.setWeights([spread, ...rest]);
      spread.dispose();
      expect(planLayerChain(dilated)!.steps).toHaveLength(3);
      const x = randomInput([2, 8, 7, 2], 43);
      const targets = [1, 0];
      const weights = oneHotRows(targets, 2);
      const ours = targetInputGradient(dilated, x, targets);
      const reference = referenceGradient(twin, x, weights);
      const g = await difference(ours.gradient, reference);
      expect(ours.method).toBe('layers');
      expect(g.ref).toBeGreaterThan(0);
      expect(g.diff).toBeLessThanOrEqual(1e-5 * g.ref);
      tf.dispose([x, weights, ours.gradient, ours.outputs, reference]);
      dilated.dispose();
      twin.dispose();
    });

    it(`equals tf.grad with the folds on ${backend}`, async () => {
      await setupBackend(backend);
      const model = sequential([11, 10, 4], chainLayers);
      const x = tf.tidy(() => tf.mul(randomInput([2, 11, 10, 4], 41), 2));
      await expectMatchesTape(model, x, [1, 3]);
      tf.dispose(x);
      model.dispose();
    });

    it(`does not fold a conv whose output is also read elsewhere, and equals tf.grad (${backend})`, async () => {
      await setupBackend(backend);
      const input = tfl.input({ shape: [6, 6, 3] });
      const conv = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', ...init() });
      const c = conv.apply(input) as tfl.SymbolicTensor;
      const b = seededBatchNorm().apply(c) as tfl.SymbolicTensor;
      const added = tfl.layers.add().apply([b, c]) as tfl.SymbolicTensor;
      const flat = tfl.layers.flatten().apply(added) as tfl.SymbolicTensor;
      const out = tfl.layers.dense({ units: 3, ...init() }).apply(flat) as tfl.SymbolicTensor;
      const model = tfl.model({ inputs: input, outputs: out });
      // conv, BN, Add, Flatten, Dense: nothing merged.
      expect(planLayerDag(model)!.nodes).toHaveLength(5);
      const x = randomInput([3, 6, 6, 3], 42);
      await expectMatchesTape(model, x, [0, 2, 1]);
      tf.dispose(x);
      model.dispose();
    });
  }
});
