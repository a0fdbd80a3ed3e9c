// The MobileNet-style steps of the tape-free input gradient (layer-steps.ts) on their own, on
// wasm and cpu: asymmetric zero padding (rows sliced as [n, h, w * c]), ReLU(maxValue) through
// the fused capped-ReLU kernel, depthwise convs. Oracle: tf.grad through the tape.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, it } from 'vitest';
import { setupBackend } from './backend.js';
import {
  expectMatchesTape,
  functional,
  nextSeed,
  randomInput,
} from './test-target-input-gradient.js';

afterAll(async () => {
  await setupBackend('wasm');
});

const model = () =>
  functional([7, 6, 5], () => [
    tfl.layers.zeroPadding2d({
      padding: [
        [2, 1],
        [1, 3],
      ],
    }),
    tfl.layers.depthwiseConv2d({
      kernelSize: 3,
      strides: 2,
      depthwiseInitializer: tfl.initializers.glorotUniform({ seed: nextSeed() }),
    }),
    tfl.layers.reLU({ maxValue: 1.5 }),
    tfl.layers.zeroPadding2d({ padding: 1 }),
    tfl.layers.depthwiseConv2d({
      kernelSize: 3,
      depthwiseInitializer: tfl.initializers.glorotUniform({ seed: nextSeed() }),
    }),
    tfl.layers.flatten(),
    tfl.layers.dense({
      units: 4,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: nextSeed() }),
    }),
  ]);

describe('zero padding, capped ReLU and depthwise steps', () => {
  for (const backend of ['wasm', 'cpu']) {
    it(`asymmetric ZeroPadding2D and ReLU(maxValue 1.5) equal tf.grad on ${backend}`, async () => {
      await setupBackend(backend as 'wasm' | 'cpu');
      const m = model();
      // Scaled so that about a third of the capped ReLU's inputs lie above the cap.
      const x = tf.tidy(() => tf.mul(randomInput([3, 7, 6, 5], 31), 3));
      await expectMatchesTape(m, x, [0, 3, 2]);
      x.dispose();
      m.dispose();
    });
  }
});
