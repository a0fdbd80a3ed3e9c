import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';
import { arrayDataLoader, DataLoaders } from './data-loader.js';
import { InterpError } from './errors.js';
import { getPreds } from './get-preds.js';
import { Learner, learnerFromFunction } from './learner.js';
import { crossEntropyFromProbsPerItem, crossEntropyPerItem } from './losses.js';
import { accuracy } from './metric.js';
import { chainGraph } from './model-graph/example-graphs.js';
import { layersModelGraph } from './model-graph/layers-model-graph.js';
import { toModelGraph } from './model-graph/to-model-graph.js';
import { createRng } from './random.js';
import { expectNoLeakedTensors } from './testing.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** Two Gaussian blobs around (-2, -2) and (2, 2): linearly separable. */
function blobs(n: number, seed: number) {
  const rng = createRng(seed);
  const xs = new Float32Array(n * 2);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    ys[i] = c;
    xs[2 * i] = (c ? 2 : -2) + rng.normal() * 0.7;
    xs[2 * i + 1] = (c ? 2 : -2) + rng.normal() * 0.7;
  }
  return { x: { data: xs, shape: [n, 2] }, y: { data: ys, shape: [n] } };
}

function linearModel() {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ units: 2, inputShape: [2], kernelInitializer: 'zeros' }));
  return m;
}

// logits = x (identity weights): hand-computable softmax and cross-entropy.
const x3 = { data: Float32Array.from([0, 1, 2, 0, 1, 1]), shape: [3, 2] };
const y3 = { data: Int32Array.from([1, 0, 1]), shape: [3] };
const identityLearner = () => {
  const dl = arrayDataLoader(x3, y3, { batchSize: 2 });
  return learnerFromFunction((x) => tf.clone(x), {
    dls: new DataLoaders(dl, dl),
    vocab: ['a', 'b'],
  });
};

describe('Learner.fit(epochs, { lr })', () => {
  it('trains a linear classifier, recording every batch loss and lr and per-epoch metrics', async () => {
    const train = blobs(200, 1);
    const valid = blobs(100, 2);
    const dls = new DataLoaders(
      arrayDataLoader(train.x, train.y, { batchSize: 50, shuffle: true, seed: 0 }),
      arrayDataLoader(valid.x, valid.y, { batchSize: 50 }),
    );
    const learn = Learner.fromLayersModel(linearModel(), { dls, metrics: [accuracy] });
    const progress: number[] = [];
    const before = tf.memory().numTensors;
    await learn.fit(3, { lr: 0.05, onProgress: (d) => progress.push(d) });
    expect(tf.memory().numTensors).toBe(before);
    const r = learn.recorder;
    expect(r.losses.length).toBe(12);
    expect(r.lrs).toEqual(new Array(12).fill(0.05));
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // Zero-initialized weights: the first loss is exactly ln 2.
    expect(r.losses[0]).toBeCloseTo(Math.LN2, 5);
    expect(r.losses.at(-1)!).toBeLessThan(0.2);
    expect(r.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(r.epochs[2]!.metrics.accuracy).toBeGreaterThan(0.95);
    expect(r.metricNames).toEqual(['accuracy']);
  });

  it('follows an lr schedule and stops when onBatchEnd returns false', async () => {
    const t = blobs(40, 3);
    const dl = arrayDataLoader(t.x, t.y, { batchSize: 10 });
    const learn = Learner.fromLayersModel(linearModel(), { dls: new DataLoaders(dl, dl) });
    await learn.fit(5, { lrSchedule: (i) => 0.01 * (i + 1), onBatchEnd: (i) => i < 5 });
    expect(learn.recorder.lrs).toEqual([0.01, 0.02, 0.03, 0.04, 0.05, 0.06]);
    expect(learn.recorder.epochs.length).toBe(1);
  });

  it('fit(0) is a no-op: returns the recorder, records nothing, changes no weight', async () => {
    const t = blobs(20, 5);
    const dl = arrayDataLoader(t.x, t.y, { batchSize: 10 });
    const learn = Learner.fromLayersModel(linearModel(), { dls: new DataLoaders(dl, dl) });
    const r = await expectNoLeakedTensors(() => learn.fit(0));
    expect(r).toBe(learn.recorder);
    expect([r.losses, r.lrs, r.epochs]).toEqual([[], [], []]);
    expect(Array.from(await learn.layersModel!.weights[0]!.read().data())).toEqual([0, 0, 0, 0]);
  });

  it('defaults to cross-entropy from probabilities when the model ends in softmax', async () => {
    const t = blobs(80, 11);
    const dl = arrayDataLoader(t.x, t.y, { batchSize: 16 });
    const dls = new DataLoaders(dl, dl);
    const dense = tfl.sequential({
      layers: [tfl.layers.dense({ units: 2, inputShape: [2], activation: 'softmax' })],
    });
    const viaActivation = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 4, inputShape: [2], activation: 'relu' }),
        tfl.layers.dense({ units: 2 }),
        tfl.layers.activation({ activation: 'softmax' }),
      ],
    });
    const input = tfl.input({ shape: [2] });
    const functional = tfl.model({
      inputs: input,
      outputs: tfl.layers.softmax().apply(tfl.layers.dense({ units: 2 }).apply(input)) as never,
    });
    for (const m of [dense, viaActivation, functional]) {
      expect(Learner.fromLayersModel(m, { dls }).lossFunc).toBe(crossEntropyFromProbsPerItem);
    }
    expect(Learner.fromLayersModel(linearModel(), { dls }).lossFunc).toBe(crossEntropyPerItem);
    // Blobs at (+-2, +-2) with sd 0.7 are separable: trained on the right loss, the mean max
    // probability goes well above 0.9 (softmax applied twice cannot pass 1 / (1 + e^-1) = 0.73).
    const learn = Learner.fromLayersModel(dense, { dls });
    await learn.fit(15, { lr: 0.1 });
    const { preds, targs } = await getPreds(learn, { withDecoded: false });
    const p = (await preds.array()) as number[][];
    tf.dispose([preds, targs]);
    const meanMax = p.reduce((a, r) => a + Math.max(...r), 0) / p.length;
    expect(meanMax).toBeGreaterThan(0.9);
  });

  it('rejects bad epochs, bad lr and models that are not models', async () => {
    const learn = identityLearner();
    await expect(learn.fit(-1)).rejects.toThrow(/epochs must be >= 0, got -1/);
    await expect(learn.fit(1.5)).rejects.toThrow(/epochs must be an integer, got 1.5/);
    await expect(learn.fit(1, { lr: -1 })).rejects.toThrow(InterpError);
    const dl = arrayDataLoader(x3, y3);
    expect(() => Learner.fromLayersModel({} as never, { dls: new DataLoaders(dl, dl) })).toThrow(
      /LayersModel/,
    );
    expect(() => learnerFromFunction(42 as never, { dls: new DataLoaders(dl, dl) })).toThrow(
      InterpError,
    );
    expect(() => new Learner((x) => x, {} as never)).toThrow(/needs \{ dls \}/);
    expect(() => new Learner({ predict: 1 } as never, { dls: new DataLoaders(dl, dl) })).toThrow(
      /model must be a tfjs-layers LayersModel, a ModelGraph .* or a function \(x\) => y; got Object/,
    );
  });
});

describe('new Learner(modelGraph, { dls })', () => {
  // x3's rows doubled then softmaxed: probabilities softmax([0, 2]), softmax([4, 0]), softmax([2, 2]).
  const probsGraph = () =>
    chainGraph(
      [
        { name: 'double', op: 'Mul', outputShape: [null, 2], fn: (x) => tf.mul(x, 2) },
        { name: 'probs', op: 'Softmax', outputShape: [null, 2], fn: (x) => tf.softmax(x) },
      ],
      { inputShape: [null, 2] },
    );
  const s = (a: number, b: number) => Math.exp(a) / (Math.exp(a) + Math.exp(b));

  it('runs the graph: getPreds, the graph seen by layer tools, a probabilities loss by default', async () => {
    const graph = probsGraph();
    const dl = arrayDataLoader(x3, y3, { batchSize: 2 });
    const learn = new Learner(graph, { dls: new DataLoaders(dl, dl) });
    expect(learn.modelGraph).toBe(graph);
    expect(learn.layersModel).toBeUndefined();
    expect(toModelGraph(learn)).toBe(graph);
    expect(learn.lossFunc).toBe(crossEntropyFromProbsPerItem);
    const { preds, targs, losses } = await expectNoLeakedTensors(async () => {
      const r = await getPreds(learn, { withLoss: true, act: 'none' });
      const read = {
        preds: await r.preds.array(),
        targs: await r.targs.data(),
        losses: await r.losses!.data(),
      };
      tf.dispose([r.preds, r.targs, r.losses!, r.decoded!]);
      return read;
    });
    const expected = [
      [s(0, 2), s(2, 0)],
      [s(4, 0), s(0, 4)],
      [0.5, 0.5],
    ];
    expected.forEach((row, i) => {
      row.forEach((v, j) => {
        expect((preds as number[][])[i]![j]).toBeCloseTo(v, 6);
      });
    });
    expect(Array.from(targs)).toEqual([1, 0, 1]);
    // -log p[target], the probabilities taken as they are (no second softmax).
    expect(Array.from(losses)[0]).toBeCloseTo(-Math.log(s(2, 0)), 5);
    expect(Array.from(losses)[1]).toBeCloseTo(-Math.log(s(4, 0)), 5);
    expect(Array.from(losses)[2]).toBeCloseTo(Math.log(2), 5);
  });

  it("fit trains a graph's trainable parameters (a LayersModel's graph: its variables)", async () => {
    const train = blobs(200, 1);
    const dls = new DataLoaders(
      arrayDataLoader(train.x, train.y, { batchSize: 50, shuffle: true, seed: 0 }),
      arrayDataLoader(train.x, train.y, { batchSize: 50 }),
    );
    const model = linearModel();
    const learn = new Learner(layersModelGraph(model), { dls, metrics: [accuracy] });
    expect(learn.trainableVariables()).toHaveLength(2);
    const before = tf.memory().numTensors;
    await learn.fit(3, { lr: 0.05 });
    expect(tf.memory().numTensors).toBe(before);
    // Zero-initialized kernel: chance accuracy before; the separable blobs after.
    expect(learn.recorder.epochs.at(-1)!.metrics.accuracy).toBeGreaterThan(0.95);
    model.dispose();
  });

  it('fit on a graph without trainable weights throws InterpError, training nothing', async () => {
    const dl = arrayDataLoader(x3, y3, { batchSize: 2 });
    const learn = new Learner(probsGraph(), { dls: new DataLoaders(dl, dl) });
    expect(learn.trainableVariables()).toEqual([]);
    const before = tf.memory().numTensors;
    await expect(learn.fit(1)).rejects.toThrow(/fit: the model has no trainable weights/);
    expect(tf.memory().numTensors).toBe(before);
    expect(learn.recorder.losses).toEqual([]);
  });
});

describe('getPreds(learn, options)', () => {
  it('returns activated preds, targets, argmax decoded and per-item losses in item order', async () => {
    const learn = identityLearner();
    const r = await getPreds(learn, { withLoss: true, withInput: true });
    const p = Array.from(await r.preds.data());
    const e = Math.E;
    const expected = [1 / (1 + e), e / (1 + e), (e * e) / (1 + e * e), 1 / (1 + e * e), 0.5, 0.5];
    for (let i = 0; i < p.length; i++) expect(p[i]).toBeCloseTo(expected[i]!, 6);
    expect(Array.from(await r.decoded!.data())).toEqual([1, 0, 0]);
    expect(Array.from(await r.targs.data())).toEqual([1, 0, 1]);
    const l = Array.from(await r.losses!.data());
    const expectedLosses = [Math.log(1 + 1 / e), Math.log(1 + 1 / (e * e)), Math.LN2];
    for (let i = 0; i < 3; i++) expect(l[i]).toBeCloseTo(expectedLosses[i]!, 6);
    expect(Array.from(await r.inputs!.data())).toEqual(Array.from(x3.data));
    tf.dispose([r.preds, r.targs, r.decoded!, r.losses!, r.inputs!]);
  });

  it("applies act: 'none' keeps raw outputs; a custom loss's activation is the default", async () => {
    const learn = identityLearner();
    const raw = await getPreds(learn, { act: 'none', withDecoded: false });
    expect(Array.from(await raw.preds.data())).toEqual(Array.from(x3.data));
    expect(raw.decoded).toBeUndefined();
    tf.dispose([raw.preds, raw.targs]);
    const dl = arrayDataLoader(x3, y3);
    const probsLearner = learnerFromFunction((x) => tf.clone(x), {
      dls: new DataLoaders(dl, dl),
      lossFunc: crossEntropyFromProbsPerItem,
    });
    const r2 = await getPreds(probsLearner, { withLoss: true });
    expect(Array.from(await r2.preds.data())).toEqual(Array.from(x3.data));
    tf.dispose([r2.preds, r2.targs, r2.decoded!, r2.losses!]);
  });

  it('leaks no tensors and rejects a bad act or dsIdx', async () => {
    const learn = identityLearner();
    await expectNoLeakedTensors(() => getPreds(learn, { withLoss: true, withInput: true }));
    await expect(getPreds(learn, { act: 'relu' as never })).rejects.toThrow(/invalid act/);
    await expect(getPreds(learn, { dsIdx: 3 })).rejects.toThrow(/dsIdx must be in \[0, 1\]/);
    expect(crossEntropyPerItem.lossName).toBe('crossEntropy');
  });
});
