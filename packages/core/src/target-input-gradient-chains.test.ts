import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';
import { targetInputGradient } from './target-input-gradient.js';
import {
  convRelu,
  difference,
  expectMatchesTape,
  functional,
  init,
  type LayerFactory,
  oneHotRows,
  randomInput,
  referenceGradient,
  seededBatchNorm,
  sequential,
} from './test-target-input-gradient.js';

interface ChainCase {
  name: string;
  inputShape: number[];
  layers: LayerFactory;
}

const chainCases: ChainCase[] = [
  {
    name: 'the demo CNN: conv(relu)-maxpool-conv(relu)-maxpool-flatten-dense',
    inputShape: [12, 12, 1],
    layers: () => [
      convRelu(4),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      convRelu(8),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 5, ...init() }),
    ],
  },
  {
    name: "conv 'same' padding, odd sizes, dense softmax",
    inputShape: [9, 7, 3],
    layers: () => [
      convRelu(4, { padding: 'same' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 4, activation: 'softmax', ...init() }),
    ],
  },
  {
    name: "stride-2 convs ('same' and 'valid'), linear and tanh activations",
    inputShape: [11, 10, 2],
    layers: () => [
      tfl.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', ...init() }),
      tfl.layers.conv2d({
        filters: 4,
        kernelSize: [2, 3],
        strides: [2, 1],
        activation: 'tanh',
        ...init(),
      }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, ...init() }),
    ],
  },
  {
    name: 'overlapping max pool (3x3 stride 1 same), average pool (2x2 stride 2 same)',
    inputShape: [7, 6, 2],
    layers: () => [
      convRelu(4, { padding: 'same' }),
      tfl.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }),
      tfl.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: 'same' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, ...init() }),
    ],
  },
  {
    name: 'batch norm (inference), ReLU layer, dropout, reshape, dense relu then sigmoid',
    inputShape: [6, 6, 2],
    layers: () => [
      tfl.layers.conv2d({ filters: 4, kernelSize: 3, ...init() }),
      seededBatchNorm(),
      tfl.layers.reLU(),
      tfl.layers.dropout({ rate: 0.5 }),
      tfl.layers.reshape({ targetShape: [16 * 4] }),
      tfl.layers.dense({ units: 6, activation: 'relu', ...init() }),
      tfl.layers.dense({ units: 3, activation: 'sigmoid', ...init() }),
    ],
  },
  {
    name: 'activation layers, global average and max pooling, softmax layer',
    inputShape: [6, 5, 3],
    layers: () => [
      tfl.layers.conv2d({ filters: 4, kernelSize: 2, ...init() }),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.conv2d({ filters: 4, kernelSize: 2, ...init() }),
      tfl.layers.activation({ activation: 'tanh' }),
      tfl.layers.globalMaxPooling2d({}),
      tfl.layers.dense({ units: 4, ...init() }),
      tfl.layers.softmax(),
    ],
  },
  {
    name: 'global average pooling after a sigmoid conv',
    inputShape: [5, 5, 2],
    layers: () => [
      tfl.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'sigmoid', ...init() }),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: 3, ...init() }),
    ],
  },
];

describe.each(['wasm', 'cpu'])('targetInputGradient on %s', (backend) => {
  beforeAll(async () => {
    await setupBackend(backend);
  });

  it.each(chainCases)('$name: Sequential matches tf.grad', async (c) => {
    const model = sequential(c.inputShape, c.layers);
    const x = randomInput([3, ...c.inputShape], 7);
    await expectMatchesTape(model, x, [0, 2, 1]);
    tf.dispose(x);
    model.dispose();
  });

  it.each(chainCases)('$name: functional chain matches tf.grad', async (c) => {
    const model = functional(c.inputShape, c.layers);
    const x = randomInput([2, ...c.inputShape], 8);
    await expectMatchesTape(model, x, [1, 0]);
    tf.dispose(x);
    model.dispose();
  });

  it('dilated convs match tf.grad through their zero-spread twins (tf.grad has no dilated gradient)', async () => {
    const dilated = sequential([10, 9, 2], () => [
      convRelu(3, { dilationRate: 2 }),
      tfl.layers.conv2d({ filters: 2, kernelSize: [3, 2], dilationRate: [1, 2], ...init() }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, ...init() }),
    ]);
    const twin = sequential([10, 9, 2], () => [
      tfl.layers.conv2d({ filters: 3, kernelSize: 5, activation: 'relu' }),
      tfl.layers.conv2d({ filters: 2, kernelSize: [3, 3] }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3 }),
    ]);
    const spread = (w: tf.Tensor, [dh, dw]: [number, number]) => {
      const [fh, fw, a, b] = w.shape as [number, number, number, number];
      const values = w.dataSync();
      const eh = (fh - 1) * dh + 1;
      const ew = (fw - 1) * dw + 1;
      const out = new Float32Array(eh * ew * a * b);
      for (let i = 0; i < fh; i++) {
        for (let j = 0; j < fw; j++) {
          out.set(
            values.subarray((i * fw + j) * a * b, (i * fw + j + 1) * a * b),
            (i * dh * ew + j * dw) * a * b,
          );
        }
      }
      return tf.tensor(out, [eh, ew, a, b]);
    };
    const w = dilated.getWeights();
    const twinWeights = [spread(w[0]!, [2, 2]), w[1]!, spread(w[2]!, [1, 2]), w[3]!, w[4]!, w[5]!];
    twin.setWeights(twinWeights);
    tf.dispose([twinWeights[0]!, twinWeights[2]!]);
    const x = randomInput([2, 10, 9, 2], 9);
    const targets = [2, 0];
    const weights = oneHotRows(targets, 3);
    const ours = targetInputGradient(dilated, x, targets);
    const reference = referenceGradient(twin, x, weights);
    expect(ours.method).toBe('layers');
    const g = await difference(ours.gradient, reference);
    expect(g.ref).toBeGreaterThan(0);
    expect(g.diff).toBeLessThanOrEqual(1e-5 * g.ref);
    tf.dispose([x, weights, ours.gradient, ours.outputs, reference]);
    dilated.dispose();
    twin.dispose();
  });

  it('inlines a Sequential nested in a functional model', async () => {
    const inner = sequential([8, 8, 1], () => [
      convRelu(4),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
    ]);
    const input = tfl.input({ shape: [8, 8, 1] });
    const features = inner.apply(input) as tfl.SymbolicTensor;
    const flat = tfl.layers.flatten().apply(features) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 3, ...init() }).apply(flat) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const x = randomInput([2, 8, 8, 1], 10);
    await expectMatchesTape(model, x, [2, 1]);
    tf.dispose(x);
    model.dispose();
  });
});
