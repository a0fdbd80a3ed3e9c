import { arrayDataLoader, DataLoaders, Learner, setupBackend } from '@interp/core';
import { denseReluGraph, expectNoLeakedTensors, nchwConvGraph } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { modelSizes } from './model-sizes.js';
import { summary } from './summary.js';
import { interpError } from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

function demoCnn() {
  const m = tfl.sequential({ name: 'cnn' });
  m.add(
    tfl.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: 16,
      kernelSize: 3,
      activation: 'relu',
      name: 'conv1',
    }),
  );
  m.add(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }));
  m.add(tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', name: 'conv2' }));
  m.add(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }));
  m.add(tfl.layers.flatten({ name: 'flat' }));
  m.add(tfl.layers.dense({ units: 10, name: 'logits' }));
  return m;
}

function learnerFor(model: tfl.LayersModel, itemShape: number[]) {
  const n = 4;
  const size = itemShape.reduce((a, b) => a * b, 1);
  const dl = arrayDataLoader(
    { data: new Float32Array(n * size), shape: [n, ...itemShape] },
    { data: new Int32Array(n), shape: [n] },
    { batchSize: 2 },
  );
  return Learner.fromLayersModel(model, { dls: new DataLoaders(dl, dl) });
}

describe('summary(learn, { inputSize })', () => {
  it('counts parameters by hand: dense 4->3 has 4*3 + 3 = 15', () => {
    const m = tfl.sequential({
      layers: [tfl.layers.dense({ units: 3, inputShape: [4], name: 'd' })],
    });
    const s = summary(m);
    expect(s.layers).toEqual([
      { name: 'd', path: [], type: 'Dense', outputShape: [null, 3], params: 15, trainable: true },
    ]);
    expect(s.totalParams).toBe(15);
    expect(s.totalParams).toBe(m.countParams());
    expect(s.trainableParams).toBe(15);
    expect(s.nonTrainableParams).toBe(0);
  });

  it('lays out the demo CNN as fastai does, with hand-counted parameters', () => {
    const model = demoCnn();
    const s = summary(learnerFor(model, [28, 28, 1]));
    // conv1: 3*3*1*16 + 16 = 160; conv2: 3*3*16*32 + 32 = 4640; 28->26->13->11->5: 5*5*32 = 800
    // flat features, logits: 800*10 + 10 = 8010. Total 12810.
    expect(s.layers.map((l) => l.params)).toEqual([160, 0, 4640, 0, 0, 8010]);
    expect(s.totalParams).toBe(12810);
    expect(s.totalParams).toBe(model.countParams());
    expect(s.layers.map((l) => l.trainable)).toEqual([true, null, true, null, null, true]);
    expect(s.layers[2]!.outputShape).toEqual([2, 11, 11, 32]); // the learner's batch size, 2
    expect(s.text).toBe(
      [
        'Sequential (Input shape: 2 x 28 x 28 x 1)',
        '='.repeat(63),
        'Layer (type)         Output Shape         Param #    Trainable',
        '='.repeat(63),
        'conv1 (Conv2D)       2 x 26 x 26 x 16     160        True',
        'pool1 (MaxPooling2D) 2 x 13 x 13 x 16     0',
        'conv2 (Conv2D)       2 x 11 x 11 x 32     4640       True',
        'pool2 (MaxPooling2D) 2 x 5 x 5 x 32       0',
        'flat (Flatten)       2 x 800              0',
        'logits (Dense)       2 x 10               8010       True',
        '_'.repeat(63),
        '',
        'Total params: 12,810',
        'Total trainable params: 12,810',
        'Total non-trainable params: 0',
        '',
        "Optimizer used: Adam (learn.fit's default, lr 0.001)",
        'Loss function: crossEntropy',
        '',
      ].join('\n'),
    );
    expect(String(s)).toBe(s.text);
  });

  it('measures shapes with inputSize, opens nested models, and splits frozen and BatchNorm weights', async () => {
    const inner = tfl.sequential({
      name: 'inner',
      layers: [
        tfl.layers.dense({ units: 3, inputShape: [4], name: 'frozen' }),
        tfl.layers.batchNormalization({ name: 'bn' }),
      ],
    });
    inner.layers[0]!.trainable = false;
    const input = tfl.input({ shape: [4] });
    const out = tfl.layers
      .dense({ units: 2, name: 'head' })
      .apply(inner.apply(input)) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const s = await expectNoLeakedTensors(() => summary(model, { inputSize: [5, 4] }));
    // frozen: 4*3+3 = 15 non-trainable; bn: gamma, beta (6 trainable) + moving mean/var (6); head 3*2+2 = 8.
    expect(s.layers.map((l) => [l.path.join('/'), l.name, l.params, l.trainable])).toEqual([
      ['inner', 'frozen', 15, false],
      ['inner', 'bn', 12, true],
      ['', 'head', 8, true],
    ]);
    expect(s.layers[2]!.outputShape).toEqual([5, 2]);
    expect(s.totalParams).toBe(35);
    expect(s.totalParams).toBe(model.countParams());
    expect(s.trainableParams).toBe(14);
    expect(s.nonTrainableParams).toBe(21);
    expect(s.modelType).toBe('Functional');
    expect(s.text).toContain('inner/frozen (Dense)');
    expect(s.optimizer).toMatch(/not compiled/);
    // Without the batch axis, batch 1 is assumed.
    expect(summary(model, { inputSize: [4] }).inputShape).toEqual([1, 4]);
  });

  it('names a compiled model’s optimizer and loss', () => {
    const m = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const s = summary(m);
    expect(s.optimizer).toBe('SGD');
    expect(s.loss).toBe('meanSquaredError');
  });

  it('rejects bad input with an InterpError saying what to do', () => {
    const m = demoCnn();
    expect(() => summary(m, { inputSize: [28, 28, 3] })).toThrow(
      interpError(/does not fit the model's input \[batch, 28, 28, 1\]/),
    );
    expect(() => summary(m, { inputSize: [0, 28] })).toThrow(interpError(/invalid inputSize/));
    expect(() => summary({} as never)).toThrow(
      interpError(/needs a Learner or a tfjs-layers LayersModel/),
    );
    const dl = arrayDataLoader({ data: [1], shape: [1, 1] }, { data: [0], shape: [1] });
    const fnLearner = new Learner((x: tf.Tensor) => tf.clone(x), { dls: new DataLoaders(dl, dl) });
    expect(() => summary(fnLearner)).toThrow(interpError(/plain-function model has no layers/));
  });
});

describe('modelSizes(learn, { inputSize })', () => {
  it('gives per-layer output shapes, parameter bytes and activation bytes', () => {
    const s = modelSizes(demoCnn());
    expect(s.layers[0]).toEqual({
      name: 'conv1',
      type: 'Conv2D',
      outputShape: [null, 26, 26, 16],
      params: 160,
      paramBytes: 640,
      activationBytes: 26 * 26 * 16 * 4,
    });
    expect(s.totalParamBytes).toBe(12810 * 4);
    // per item: 10816 + 2704 + 3872 + 800 + 800 + 10 floats
    expect(s.totalActivationBytes).toBe((10816 + 2704 + 3872 + 800 + 800 + 10) * 4);
    expect(modelSizes(demoCnn(), { inputSize: [3, 28, 28, 1] }).layers[5]!.activationBytes).toBe(
      3 * 10 * 4,
    );
  });

  it('rejects bad input', () => {
    expect(() => modelSizes(42 as never)).toThrow(
      interpError(/needs a Learner or a tfjs-layers LayersModel, got 42/),
    );
  });
});

describe('summary(graph) and modelSizes(graph) over model-graph nodes', () => {
  it('summary(graph) prints nodes with op, output shape and hand-counted params in the same table', () => {
    const g = denseReluGraph();
    const s = summary(g);
    // dense1: 3 * 4 + 4 = 16, dense2: 4 * 2 + 2 = 10.
    expect(s.layers.map((l) => [l.name, l.type, l.outputShape, l.params, l.trainable])).toEqual([
      ['dense1', 'Gemm', [null, 4], 16, true],
      ['relu1', 'Relu', [null, 4], 0, null],
      ['dense2', 'Gemm', [null, 2], 10, true],
    ]);
    expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([26, 26, 0]);
    const lines = s.text.split('\n');
    expect(lines[0]).toBe('ModelGraph (Input shape: ? x 3)');
    expect(lines).toContain('dense1 (Gemm)        ? x 4                16         True');
    expect(s.text).toMatch(/Total params: 26\n/);
    g.dispose();
  });

  it('summary(graph, { inputSize }) measures NCHW shapes with one pass, leaking nothing', async () => {
    const g = nchwConvGraph([[1], [1], [1], [1], [1], [1], [1], [1]]);
    const s = await expectNoLeakedTensors(() => summary(g, { inputSize: [1, 4, 4] }));
    expect(s.inputShape).toEqual([1, 1, 4, 4]);
    expect(s.layers.map((l) => l.outputShape)).toEqual([
      [1, 2, 2, 2],
      [1, 2, 2, 2],
      [1, 8],
      [1, 1],
    ]);
    expect(() => summary(g, { inputSize: [4, 4, 1] })).toThrow(
      interpError(/does not fit the model's input \[batch, 1, 4, 4\] \(NCHW\)/),
    );
    g.dispose();
  });

  it('modelSizes(graph) gives parameter and activation bytes per node', () => {
    const g = denseReluGraph();
    const s = modelSizes(g);
    expect(s.layers.map((l) => [l.name, l.paramBytes, l.activationBytes])).toEqual([
      ['dense1', 64, 16],
      ['relu1', 0, 16],
      ['dense2', 40, 8],
    ]);
    expect(s.totalParamBytes).toBe(104);
    g.dispose();
  });
});
