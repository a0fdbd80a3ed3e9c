import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { arrayDataLoader, DataLoaders } from '../data-loader.js';
import { isInterpError } from '../errors.js';
import { Learner } from '../learner.js';
import { denseReluGraph, expectNoLeakedTensors } from '../testing.js';
import { findNode } from './find-node.js';
import { functionGraph } from './function-graph.js';
import { imageAxes, spatialSize } from './image-axes.js';
import { isModelGraph, toModelGraph } from './to-model-graph.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

function expectInterpError(fn: () => unknown, pattern: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(isInterpError(error), String(error)).toBe(true);
  expect((error as Error).message).toMatch(pattern);
}

describe('functionGraph', () => {
  it('functionGraph(fn) is one node whose hook may replace the output', async () => {
    const g = functionGraph((x) => tf.mul(x, 2), { inputShape: [null, 3] });
    expect(g.kind).toBe('function');
    expect(g.nodes.map((n) => n.name)).toEqual(['output']);
    expect(g.layout).toBe('none');
    expect(functionGraph((x) => x, { inputShape: [null, 8, 8, 3] }).layout).toBe('NHWC');
    expect(functionGraph((x) => x).inputShape).toEqual([null]);
    const x = tf.tensor2d([[1, 2, 3]]);
    const { output, taps } = g.run(x, { taps: ['output'], hooks: { output: (y) => tf.add(y, 1) } });
    expect(Array.from(await output.data())).toEqual([3, 5, 7]);
    expect(taps.output).toBe(output);
    await expectNoLeakedTensors(() => g.predict(x));
    await expectNoLeakedTensors(() => tf.tidy(() => g.run(x, { taps: ['output'] }).output));
    tf.dispose([x, output]);
  });

  it('rejects bad input with InterpError', () => {
    expectInterpError(() => functionGraph(3 as never), /needs a function/);
    expectInterpError(
      () => functionGraph((x) => x, { inputShape: [28, null] }),
      /invalid inputShape/,
    );
    expectInterpError(() => functionGraph((x) => x, { layout: 'HWC' as never }), /invalid layout/);
    const g = functionGraph((x) => x);
    expectInterpError(
      () => g.run(tf.zeros([1, 2]), { taps: ['conv1'] }),
      /no node or layer named "conv1"/,
    );
  });
});

describe('toModelGraph', () => {
  it('toModelGraph(model) accepts a ModelGraph, a Learner, a LayersModel and a function', async () => {
    const graph = denseReluGraph();
    expect(toModelGraph(graph)).toBe(graph);
    expect(isModelGraph(graph)).toBe(true);
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [3], units: 2, name: 'only' })],
    });
    expect(toModelGraph(model).kind).toBe('layers');
    const dl = arrayDataLoader(
      { data: new Float32Array(3), shape: [1, 3] },
      { data: new Int32Array(1), shape: [1] },
    );
    const dls = new DataLoaders(dl, dl);
    expect(toModelGraph(new Learner(model, { dls })).nodes[0]!.name).toBe('only');
    const fnLearner = toModelGraph(new Learner((x) => tf.neg(x), { dls }));
    expect(fnLearner.kind).toBe('function');
    const x = tf.tensor2d([[1, -2, 3]]);
    const y = fnLearner.predict(x);
    expect(Array.from(await y.data())).toEqual([-1, 2, -3]);
    expect(toModelGraph((z) => z).kind).toBe('function');
    tf.dispose([x, y]);
    graph.dispose();
  });

  it('rejects bad input with InterpError', () => {
    expectInterpError(
      () => toModelGraph({} as never),
      /must be a Learner, a tfjs-layers LayersModel, a ModelGraph/,
    );
    expectInterpError(() => toModelGraph(null as never), /got null/);
  });
});

describe('findNode', () => {
  const nodes = ['conv1', 'conv2', 'relu', 'layer4/layer4.1/relu_1/Relu'].map((name, i) => ({
    name,
    op: 'Op',
    inputs: [],
    outputs: [`t${i}`],
    outputShape: undefined,
    params: 0,
    trainableParams: 0,
    modulePath: i === 3 ? 'layer4.1.relu_1' : name,
  }));

  it('findNode(nodes, query) finds by name, output name and module path prefix', () => {
    expect(findNode(nodes, 'conv2').name).toBe('conv2');
    expect(findNode(nodes, 't2').name).toBe('relu');
    expect(findNode(nodes, 'layer4').name).toBe('layer4/layer4.1/relu_1/Relu');
    expect(findNode(nodes, 'layer4.1').name).toBe('layer4/layer4.1/relu_1/Relu');
  });

  it('an unknown name lists at most five close names, never the whole graph', () => {
    expectInterpError(
      () => findNode(nodes, 'conv3'),
      /no node or layer named "conv3"; closest: "conv1", "conv2" \(the model has 4 nodes/,
    );
    // A small graph with nothing close lists every name (the CLI's --layer help).
    expectInterpError(
      () => findNode(nodes, 'zzz'),
      /no node or layer named "zzz"; the model's layers are "conv1", "conv2", "relu", "layer4\/layer4.1\/relu_1\/Relu"$/,
    );
    const many = Array.from({ length: 500 }, (_, i) => ({
      ...nodes[0]!,
      name: `block_${i}`,
      modulePath: undefined,
    }));
    let message = '';
    try {
      findNode(many, 'block_1x');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.length).toBeLessThan(300);
    expect(message).toMatch(/closest: "block_1"/);
    expectInterpError(
      () => findNode(many, 'zzzzzzzz'),
      /no node or layer named "zzzzzzzz" \(the model has 500 nodes; list them with summary\(\)\)$/,
    );
    expectInterpError(() => findNode(nodes, 3 as never), /non-empty string/);
  });
});

describe('imageAxes / spatialSize', () => {
  it('spatialSize(shape, layout) reads H x W where the layout puts them', () => {
    expect(imageAxes('NCHW')).toEqual({ height: 2, width: 3, channels: 1 });
    expect(imageAxes('none')).toBeUndefined();
    expect(spatialSize([null, 7, 7, 1280], 'NHWC')).toBe(49);
    expect(spatialSize([null, 1280, 1, 1], 'NCHW')).toBe(1);
    expect(spatialSize([null, 1280], 'NHWC')).toBeUndefined();
    expect(spatialSize([null, null, 3, 3], 'NHWC')).toBeUndefined();
  });
});
