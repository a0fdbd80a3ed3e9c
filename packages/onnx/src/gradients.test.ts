import { join } from 'node:path';
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel } from './load-onnx-model.js';
import type { OnnxModel } from './onnx-model.js';
import { TEST_MODELS } from './test-external-data.js';
import { buildModel, randomNormal } from './test-onnx-builder.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** d output[0, target] / d x by tf.grad through the ONNX graph. */
function onnxGradient(model: OnnxModel, x: tf.Tensor, target: number): Float32Array {
  return tf.tidy(() => {
    const f = (t: tf.Tensor) => tf.squeeze(tf.slice(model.predict(t), [0, target], [1, 1]));
    return tf.grad(f)(x).dataSync() as Float32Array;
  });
}

/** Central differences of output[0, target] at a few coordinates of x. */
function finiteDifferences(
  model: OnnxModel,
  x: Float32Array,
  dims: number[],
  target: number,
  coords: number[],
  eps: number,
) {
  return coords.map((i) => {
    const at = (delta: number) =>
      tf.tidy(() => {
        const moved = x.slice();
        moved[i]! += delta;
        return model.predict(tf.tensor(moved, dims)).dataSync()[target]!;
      });
    return (at(eps) - at(-eps)) / (2 * eps);
  });
}

describe('gradients through an ONNX graph', () => {
  it.each([
    ['mlp.onnx', [1, 8], 2],
    ['small-cnn.onnx', [1, 3, 8, 8], 4],
  ] as const)('%s: tf.grad matches central finite differences', async (file, dims, target) => {
    const model = await loadOnnxModel(join(TEST_MODELS, file));
    try {
      const size = dims.reduce((a: number, b: number) => a * b, 1);
      const x = randomNormal(size, 11);
      // The first run caches the model's conv filters in tfjs order (owned by the model): warm up.
      tf.tidy(() => model.predict(tf.zeros([...dims])));
      const grad = await expectNoLeakedTensors(() =>
        tf.tidy(() => onnxGradient(model, tf.tensor(x, [...dims]), target)),
      );
      const coords = [0, 3, Math.floor(size / 2), size - 5, size - 1];
      const numeric = finiteDifferences(model, x, [...dims], target, coords, 1e-2);
      const scale = Math.max(...grad.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      coords.forEach((c, k) => {
        expect(Math.abs(grad[c]! - numeric[k]!)).toBeLessThan(2e-2 * scale + 1e-3);
      });
    } finally {
      model.dispose();
    }
  });

  it('tf.grad equals the gradient of the same network built in tfjs-layers', async () => {
    // Conv 3->4 (3x3, pads 1) -> Relu -> MaxPool 2 -> GlobalAveragePool -> Flatten -> Gemm (4 -> 5)
    const convW = randomNormal(4 * 3 * 3 * 3, 21, 0.4);
    const convB = randomNormal(4, 22, 0.1);
    const fcW = randomNormal(5 * 4, 23, 0.5);
    const fcB = randomNormal(5, 24, 0.1);
    const bytes = buildModel({
      nodes: [
        { op: 'Conv', inputs: ['x', 'cw', 'cb'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
        { op: 'Relu', inputs: ['c'], outputs: ['r'] },
        {
          op: 'MaxPool',
          inputs: ['r'],
          outputs: ['p'],
          attrs: { kernel_shape: [2, 2], strides: [2, 2] },
        },
        { op: 'GlobalAveragePool', inputs: ['p'], outputs: ['g'] },
        { op: 'Flatten', inputs: ['g'], outputs: ['f'] },
        { op: 'Gemm', inputs: ['f', 'fw', 'fb'], outputs: ['y'], attrs: { transB: 1 } },
      ],
      input: { name: 'x', dims: ['n', 3, 8, 8] },
      output: { name: 'y' },
      initializers: [
        { name: 'cw', dims: [4, 3, 3, 3], data: convW },
        { name: 'cb', dims: [4], data: convB },
        { name: 'fw', dims: [5, 4], data: fcW },
        { name: 'fb', dims: [5], data: fcB },
      ],
    });
    const model = await loadOnnxModel(bytes);
    const layers = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [8, 8, 3],
          filters: 4,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
        }),
        tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
        tfl.layers.globalAveragePooling2d({}),
        tfl.layers.dense({ units: 5 }),
      ],
    });
    try {
      tf.tidy(() => {
        layers.setWeights([
          tf.transpose(tf.tensor(convW, [4, 3, 3, 3]), [2, 3, 1, 0]),
          tf.tensor(convB),
          tf.transpose(tf.tensor(fcW, [5, 4])),
          tf.tensor(fcB),
        ]);
      });
      const x = randomNormal(2 * 3 * 8 * 8, 25);
      for (const target of [0, 3]) {
        const ours = onnxGradient(model, tf.tensor(x, [2, 3, 8, 8]), target);
        const theirs = tf.tidy(() => {
          const nhwc = tf.transpose(tf.tensor(x, [2, 3, 8, 8]), [0, 2, 3, 1]);
          const f = (t: tf.Tensor) =>
            tf.squeeze(tf.slice(layers.predict(t) as tf.Tensor, [0, target], [1, 1]));
          return tf.transpose(tf.grad(f)(nhwc), [0, 3, 1, 2]).dataSync() as Float32Array;
        });
        const scale = Math.max(...theirs.map(Math.abs));
        expect(scale).toBeGreaterThan(0);
        const worst = Math.max(...ours.map((g, i) => Math.abs(g - theirs[i]!)));
        expect(worst).toBeLessThan(1e-5 * Math.max(1, scale));
      }
    } finally {
      model.dispose();
      layers.dispose();
    }
  });

  it.each([
    ['Conv stride 2, uneven pads -> Relu', 1, 'Relu', [2, 2], [0, 1, 1, 2]],
    ['Conv -> Clip(0, 6)', 1, 'Clip', [1, 1], [1, 1, 1, 1]],
    ['depthwise Conv -> Clip(0, 6)', 4, 'Clip', [1, 1], [1, 1, 1, 1]],
    ['Conv, no activation', 1, undefined, [1, 2], [1, 0, 1, 0]],
  ] as const)(
    '%s: gradient equals tfjs conv ops differentiated by tfjs',
    async (_, group, act, strides, pads) => {
      const cOut = 4;
      const w = randomNormal(cOut * (4 / group) * 9, 31, 0.5);
      const b = randomNormal(cOut, 32, 0.5);
      const nodes = [
        {
          op: 'Conv',
          inputs: ['x', 'w', 'b'],
          outputs: [act ? 'c' : 'y'],
          attrs: { group, strides: [...strides], pads: [...pads] },
        },
        ...(act === 'Relu' ? [{ op: 'Relu', inputs: ['c'], outputs: ['y'] }] : []),
        ...(act === 'Clip' ? [{ op: 'Clip', inputs: ['c', 'lo', 'hi'], outputs: ['y'] }] : []),
      ];
      const model = await loadOnnxModel(
        buildModel({
          nodes,
          input: { name: 'x', dims: [2, 4, 7, 7] },
          output: { name: 'y' },
          initializers: [
            { name: 'w', dims: [cOut, 4 / group, 3, 3], data: w },
            { name: 'b', dims: [cOut], data: b },
            { name: 'lo', dims: [], data: [0] },
            { name: 'hi', dims: [], data: [6] },
          ],
        }),
      );
      try {
        const x = tf.tensor(randomNormal(2 * 4 * 49, 33, 3), [2, 4, 7, 7]);
        const out = [0, 1].map(
          (k) => Math.floor((7 + pads[k]! + pads[k + 2]! - 3) / strides[k]!) + 1,
        );
        const weights = tf.tensor(randomNormal(2 * cOut * out[0]! * out[1]!, 34), [
          2,
          cOut,
          out[0]!,
          out[1]!,
        ]);
        const ours = tf.grad((t) => tf.sum(tf.mul(model.predict(t), weights)))(x);
        const reference = tf.grad((t) => {
          const nhwc = tf.transpose(t, [0, 2, 3, 1]) as tf.Tensor4D;
          const filter =
            group === 1
              ? (tf.transpose(tf.tensor(w, [cOut, 4, 3, 3]), [2, 3, 1, 0]) as tf.Tensor4D)
              : (tf.transpose(tf.tensor(w, [cOut, 1, 3, 3]), [2, 3, 0, 1]) as tf.Tensor4D);
          const padding: [number, number][] = [
            [0, 0],
            [pads[0], pads[2]],
            [pads[1], pads[3]],
            [0, 0],
          ];
          const padded = tf.pad(nhwc, padding);
          let y: tf.Tensor =
            group === 1
              ? tf.conv2d(padded, filter, [...strides], 'valid')
              : tf.depthwiseConv2d(padded, filter, [...strides], 'valid');
          y = tf.add(y, tf.tensor(b));
          if (act === 'Relu') y = tf.relu(y);
          if (act === 'Clip') y = tf.clipByValue(y, 0, 6);
          return tf.sum(tf.mul(tf.transpose(y, [0, 3, 1, 2]), weights));
        })(x);
        expect(ours.shape).toEqual(reference.shape);
        const diff = tf.max(tf.abs(tf.sub(ours, reference))).dataSync()[0]!;
        expect(tf.max(tf.abs(reference)).dataSync()[0]).toBeGreaterThan(0);
        expect(diff).toBeLessThan(1e-4);
        tf.dispose([x, weights, ours, reference]);
      } finally {
        model.dispose();
      }
    },
  );
});
