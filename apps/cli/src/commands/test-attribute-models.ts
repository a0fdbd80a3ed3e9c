// The models and arrays of the `interp attribute` method tests (excluded from the build:
// test-*.ts), with the hand-worked values they are checked against.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy } from '@interp/data';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';
import { saveLayersModelToDir } from '../io/layers-model-files.js';

// f(x) = x W (bias 0), W 4 x 3: scores row 0 = [7.5, -5, -4.75] -> class 0; row 1 -> class 2.
export const W = [
  [1, -2, 0.5],
  [3, 0.25, -1],
  [-0.5, 2, 4],
  [0, -3, 1.5],
];
export const X = [
  [1, 2, -1, 0.5],
  [-2, 0.5, 3, 1],
];
export const PREDICTED = [0, 2];
export const col = (k: number) => W.map((r) => r[k]!);
/** x_i * W[i, t] per item: the exact attribution of every completeness-keeping method. */
export const xTimesW = (x: number[][], ref: number[] = [0, 0, 0, 0]) =>
  x.flatMap((r, n) => r.map((v, j) => (v - ref[j]!) * col(PREDICTED[n]!)[j]!));

// MLP: h = relu(x W) ('relu'), out = h W2. h row 0 = [7.5, 0, 0], row 1 = [0, 7.125, 12];
// out row 0 = [7.5, -7.5] -> class 0, row 1 = [2.25, 39.5625] -> class 1.
export const W2 = [
  [1, -1],
  [2, 0.5],
  [-1, 3],
];
export const H = [
  [7.5, 0, 0],
  [0, 7.125, 12],
];
export const MLP_PREDICTED = [0, 1];
export const w2col = (k: number) => W2.map((r) => r[k]!);
/** h_j W2[j, t]: what the head does with each unit (linear after the layer). */
export const hTimesW2 = H.flatMap((h, n) => h.map((v, j) => v * w2col(MLP_PREDICTED[n]!)[j]!));

export const closeTo = (actual: number[], expected: number[], eps = 1e-4) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    expect(Math.abs(v - expected[i]!), `index ${i}: ${v} vs ${expected[i]}`).toBeLessThan(eps);
  });
};

/**
 * Writes into `dir`: linear/ (x W), mlp/ (relu hidden layer 'relu', linear head), cnn/ (conv
 * 'conv' with its relu inside), cnn2/ (conv 'feat', relu 'act'), x.npy, img.npy and the
 * baseline and mask files the tests name.
 */
export async function writeAttributeFixtures(dir: string): Promise<void> {
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
  // conv 'feat' (2x2, stride 2: a 2 x 2 map) -> relu 'act' as its own layer (DeepLift's and
  // LRP's rules need it) -> dense: every method of the table runs on it.
  const cnn2 = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [4, 4, 1],
        filters: 2,
        kernelSize: 2,
        strides: 2,
        name: 'feat',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }),
      }),
      tfl.layers.reLU({ name: 'act' }),
      tfl.layers.flatten(),
      tfl.layers.dense({
        units: 2,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 5 }),
      }),
    ],
  });
  await saveLayersModelToDir(cnn2, join(dir, 'cnn2'));
  cnn2.dispose();
  writeFileSync(
    join(dir, 'img-refs.npy'),
    encodeNpy(
      Float32Array.from({ length: 32 }, (_, i) => 0.1 * Math.cos(i)),
      [2, 4, 4, 1],
    ),
  );
  writeFileSync(
    join(dir, 'quadrants.npy'),
    encodeNpy(Int32Array.from([0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3]), [4, 4, 1]),
  );
}
