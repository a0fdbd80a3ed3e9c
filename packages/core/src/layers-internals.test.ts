import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';
import { arrayDataLoader, DataLoaders } from './data-loader.js';
import { isContainer, isLayersModel, layersModelOf } from './layers-internals.js';
import { Learner, learnerFromFunction } from './learner.js';
import { expectNoLeakedTensors } from './testing.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const inner = () =>
  tfl.sequential({
    layers: [tfl.layers.dense({ units: 2, inputShape: [3], name: 'inner_dense' })],
  });
const dls = () => {
  const dl = arrayDataLoader(
    { data: new Float32Array(6), shape: [2, 3] },
    { data: Int32Array.of(0, 1), shape: [2] },
  );
  return new DataLoaders(dl, dl);
};

describe('isLayersModel(m)', () => {
  it('is true for Sequential and functional models, false for functions, graphs and non-objects', () => {
    const seq = inner();
    const input = tfl.input({ shape: [3] });
    const functional = tfl.model({
      inputs: input,
      outputs: seq.apply(input) as tfl.SymbolicTensor,
    });
    expect(isLayersModel(seq)).toBe(true);
    expect(isLayersModel(functional)).toBe(true);
    expect(isLayersModel((x: tf.Tensor) => x)).toBe(false);
    expect(isLayersModel(null)).toBe(false);
    expect(isLayersModel({ layers: [] })).toBe(false);
    expect(isLayersModel(seq.layers[0])).toBe(false);
  });
});

describe('isContainer(layer)', () => {
  it('is true for a model nested in a model, false for a plain layer', () => {
    const nested = inner();
    const outer = tfl.sequential({ layers: [nested, tfl.layers.dense({ units: 1 })] });
    expect(outer.layers.map(isContainer)).toEqual([true, false]);
    expect(isContainer(undefined)).toBe(false);
  });
});

describe('layersModelOf(model)', () => {
  it("is the model itself, or a Learner's layers model; undefined for function learners", async () => {
    const model = inner();
    expect(layersModelOf(model)).toBe(model);
    expect(layersModelOf(Learner.fromLayersModel(model, { dls: dls() }))).toBe(model);
    const fn = learnerFromFunction((x) => tf.clone(x), { dls: dls() });
    expect(layersModelOf(fn)).toBeUndefined();
    expect(layersModelOf({ layersModel: 'not a model' })).toBeUndefined();
    expect(layersModelOf(null)).toBeUndefined();
    // A look-up only: it runs nothing, so it makes no tensors.
    await expectNoLeakedTensors(() => layersModelOf(model));
  });
});
