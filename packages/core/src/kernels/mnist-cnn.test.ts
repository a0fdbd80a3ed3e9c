import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';

interface MnistDigit {
  length: number;
  get(index: number): number[];
}

const PIXELS = 28 * 28;

/** `perDigit` consecutive samples of each digit from `start`, interleaved 0, 1, ..., 9, 0, ... */
function digits(
  perDigit: number,
  start: number,
): { x: tf.Tensor4D; y: tf.Tensor2D; labels: number[] } {
  const mnist = createRequire(import.meta.url)('mnist') as MnistDigit[];
  const pixels = new Float32Array(perDigit * 10 * PIXELS);
  const labels: number[] = [];
  for (let i = 0; i < perDigit; i++) {
    for (let d = 0; d < 10; d++) {
      pixels.set(mnist[d]!.get(start + i), labels.length * PIXELS);
      labels.push(d);
    }
  }
  const x = tf.tensor4d(pixels, [labels.length, 28, 28, 1]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 10) as tf.Tensor2D);
  return { x, y, labels };
}

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('a two-conv-layer CNN trained with tfjs-layers on the wasm backend', () => {
  it('reaches >= 90% accuracy on 1,000 held-out MNIST digits after training on 2,000', async () => {
    expect(tf.getBackend()).toBe('wasm');
    const train = digits(200, 0);
    const test = digits(100, 200);
    const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [28, 28, 1],
          filters: 8,
          kernelSize: 3,
          activation: 'relu',
          kernelInitializer: init(1),
        }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.conv2d({
          filters: 16,
          kernelSize: 3,
          activation: 'relu',
          kernelInitializer: init(2),
        }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init(3) }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.003), loss: 'categoricalCrossentropy' });
    // Classes are interleaved, so unshuffled batches are balanced and the run is deterministic.
    await model.fit(train.x, train.y, { epochs: 6, batchSize: 32, shuffle: false, verbose: 0 });
    const predicted = tf.tidy(() => tf.argMax(model.predict(test.x) as tf.Tensor, -1));
    const guesses = await predicted.data();
    const accuracy =
      test.labels.filter((label, i) => guesses[i] === label).length / test.labels.length;
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    tf.dispose([train.x, train.y, test.x, test.y, predicted]);
    model.dispose();
  });
});
