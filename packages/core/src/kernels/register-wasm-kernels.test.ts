import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { setupBackend } from '../backend.js';
import { registerWasmKernels, wasmKernelConfigs } from './register-wasm-kernels.js';
import { expectFreesEverything, expectWasmMatchesCpu } from './test-kernel-cases.js';
import { backendDataIds, randn } from './test-kernel-helpers.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** A small conv net's loss: conv2d -> relu -> depthwise (stride 2, multiplier 2) -> relu -> dense. */
function netLoss(x: tf.Tensor4D, w1: tf.Tensor4D, w2: tf.Tensor4D, w3: tf.Tensor2D) {
  const h1 = tf.relu(tf.conv2d(x, w1, 1, 'same'));
  const h2 = tf.relu(tf.depthwiseConv2d(h1, w2, 2, 'same'));
  const flat = tf.reshape(h2, [x.shape[0], -1]);
  return tf.sum(tf.square(tf.matMul(flat, w3)));
}

const shapes = {
  x: [2, 10, 9, 3] as [number, number, number, number],
  w1: [3, 3, 3, 4] as [number, number, number, number],
  w2: [3, 3, 4, 2] as [number, number, number, number],
  w3: [5 * 5 * 8, 3] as [number, number],
};

function netGrads(which: 'x' | 'w1' | 'w2' | 'w3') {
  const x = tf.tensor4d(randn(tf.util.sizeFromShape(shapes.x), 31), shapes.x);
  const w1 = tf.tensor4d(randn(tf.util.sizeFromShape(shapes.w1), 32), shapes.w1);
  const w2 = tf.tensor4d(randn(tf.util.sizeFromShape(shapes.w2), 33), shapes.w2);
  const w3 = tf.tensor2d(randn(tf.util.sizeFromShape(shapes.w3), 34), shapes.w3);
  const grads = tf.grads((a, b, c, d) =>
    netLoss(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, d as tf.Tensor2D),
  )([x, w1, w2, w3]);
  const keep = grads[['x', 'w1', 'w2', 'w3'].indexOf(which)]!;
  tf.dispose([x, w1, w2, w3, ...grads.filter((g) => g !== keep)]);
  return keep;
}

describe('registerWasmKernels()', () => {
  it('installs seven kernels for wasm, replacing the built-in Conv2DBackpropInput, MaxPool and MaxPoolGrad', () => {
    expect(wasmKernelConfigs.map((c) => c.kernelName).sort()).toEqual([
      'Conv2DBackpropFilter',
      'Conv2DBackpropInput',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
      'MaxPool',
      'MaxPoolGrad',
      'UnsortedSegmentSum',
    ]);
    for (const config of wasmKernelConfigs) {
      expect(tf.getKernel(config.kernelName, 'wasm')).toBe(config);
    }
  });

  it('is idempotent: a second call changes nothing and warns nothing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    registerWasmKernels();
    registerWasmKernels();
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    for (const config of wasmKernelConfigs) {
      expect(tf.getKernel(config.kernelName, 'wasm')).toBe(config);
    }
  });

  it.each(['x', 'w1', 'w2', 'w3'] as const)(
    'tf.grad through conv2d + depthwiseConv2d + relu + dense wrt %s matches cpu',
    async (which) => {
      await expectWasmMatchesCpu(() => netGrads(which));
    },
  );

  it('leaves no tensors and no wasm buffers behind after a gradient', async () => {
    await expectFreesEverything([], () => netGrads('w1'));
  });

  it('lets a two-conv-layer tfjs-layers model.fit run on wasm without leaking', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [12, 12, 1],
          filters: 4,
          kernelSize: 3,
          activation: 'relu',
        }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.conv2d({
          filters: 6,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          activation: 'relu',
        }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    const x = tf.tensor4d(randn(16 * 12 * 12, 41), [16, 12, 12, 1]);
    const y = tf.oneHot(
      tf.tensor1d(
        [...Array(16).keys()].map((i) => i % 3),
        'int32',
      ),
      3,
    );
    const first = await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(Number.isFinite(first.history.loss![0] as number)).toBe(true);
    // The optimizer's slots exist after the first fit; further fits must not add tensors.
    const before = tf.memory().numTensors;
    const buffers = backendDataIds();
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before);
    expect(backendDataIds()).toBe(buffers);
    tf.dispose([x, y]);
    model.dispose();
  });
});
