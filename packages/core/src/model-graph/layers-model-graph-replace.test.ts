import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { setupBackend } from '../backend.js';
import { isInterpError } from '../errors.js';
import { expectNoLeakedTensors } from '../testing.js';
import { layersModelGraph } from './layers-model-graph.js';
import { replacementOf, replaceOutput } from './replacement-hook.js';
import { tinyReluNet } from './test-tiny-relu-net.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

// x (2) -> pre: dense W1 = [[1, -1, 2], [1, 1, -1]] -> act: relu -> mid: dense 2 I ->
// sum: mid + pre (a skip around act and mid) -> out: dense [1, 1, 1]. No biases.
// At x = [1, 0.5]: pre = [1.5, -0.5, 1.5]. With act replaced by a = [1, 2, 3]:
// mid = [2, 4, 6], sum = [3.5, 3.5, 7.5], out = 14.5; d out / d a = 2 [1, 1, 1].
function skipNet(): tfl.LayersModel {
  const x = tfl.input({ shape: [2] });
  const dense = (name: string, w: number[][]) =>
    tfl.layers.dense({ name, units: w[0]!.length, useBias: false, weights: [tf.tensor2d(w)] });
  const pre = dense('pre', [
    [1, -1, 2],
    [1, 1, -1],
  ]).apply(x) as tfl.SymbolicTensor;
  const act = tfl.layers.activation({ name: 'act', activation: 'relu' }).apply(pre);
  const mid = dense('mid', [
    [2, 0, 0],
    [0, 2, 0],
    [0, 0, 2],
  ]).apply(act as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  const sum = tfl.layers.add({ name: 'sum' }).apply([mid, pre]) as tfl.SymbolicTensor;
  const out = dense('out', [[1], [1], [1]]).apply(sum) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: out });
}

// tinyReluNet (x -> pre -> act: relu -> out: dense [2, 3, -1]): a = [1, 2, 3] at act gives 5.

/** Counts each layer's calls (the layer work a run does). */
function spyCalls(model: tfl.LayersModel): Record<string, { mock: { calls: unknown[] } }> {
  return Object.fromEntries(model.layers.map((l) => [l.name, vi.spyOn(l, 'call')]));
}

describe('layersModelGraph run with replaceOutput hooks', () => {
  it('does not run the replaced layer nor the layers only it needs', async () => {
    const model = tinyReluNet();
    const graph = layersModelGraph(model);
    const calls = spyCalls(model);
    const x = tf.tensor2d([[1, 0.5]]);
    const a = tf.tensor2d([[1, 2, 3]]);
    const y = graph.run(x, { hooks: { act: replaceOutput(a) } }).output;
    expect(Array.from(await y.data())).toEqual([5]);
    expect(calls.pre!.mock.calls.length).toBe(0);
    expect(calls.act!.mock.calls.length).toBe(0);
    expect(calls.out!.mock.calls.length).toBe(1);
    // A hook that reads nothing but is not a replaceOutput still sees its layer run.
    graph.run(x, { hooks: { act: () => a } }).output.dispose();
    expect(calls.pre!.mock.calls.length).toBe(1);
    tf.dispose([x, a, y]);
  });

  it('still runs a layer a skip branch or a tap needs, and gives the hand values', async () => {
    const model = skipNet();
    const graph = layersModelGraph(model);
    const calls = spyCalls(model);
    const x = tf.tensor2d([[1, 0.5]]);
    const a = tf.tensor2d([[1, 2, 3]]);
    const y = graph.run(x, { hooks: { act: replaceOutput(a) } }).output;
    expect(Array.from(await y.data())).toEqual([14.5]);
    expect(calls.pre!.mock.calls.length).toBe(1);
    expect(calls.act!.mock.calls.length).toBe(0);
    const chain = layersModelGraph(tinyReluNet());
    const { output, taps } = chain.run(x, { taps: ['pre'], hooks: { act: replaceOutput(a) } });
    expect(Array.from(await taps.pre!.data())).toEqual([1.5, -0.5, 1.5]);
    expect(Array.from(await output.data())).toEqual([5]);
    tf.dispose([x, a, y, output, taps.pre!]);
  });

  it('differentiates the head alone: d out / d a = 2 [1, 1, 1] through the skip net', async () => {
    const graph = layersModelGraph(skipNet());
    const x = tf.tensor2d([[1, 0.5]]);
    const a = tf.tensor2d([[1, 2, 3]]);
    const g = tf.grad((t: tf.Tensor) =>
      tf.sum(graph.run(x, { hooks: { act: replaceOutput(t) } }).output),
    )(a);
    expect(Array.from(await g.data())).toEqual([2, 2, 2]);
    tf.dispose([x, a, g]);
  });

  it('replaceOutput refuses anything but a tensor', () => {
    for (const bad of [[1, 2, 3], null, 'act']) {
      expect(() => replaceOutput(bad as never)).toThrow(/replaceOutput: value must be a tf.Tensor/);
      try {
        replaceOutput(bad as never);
      } catch (e) {
        expect(isInterpError(e)).toBe(true);
      }
    }
  });

  it('replacementOf tells a replaceOutput hook from any other', () => {
    const a = tf.scalar(1);
    expect(replacementOf(replaceOutput(a))).toBe(a);
    expect(replacementOf(() => a)).toBeUndefined();
    a.dispose();
  });

  it('rejects a replacement of the wrong shape with InterpError', () => {
    const graph = layersModelGraph(tinyReluNet());
    const x = tf.tensor2d([[1, 0.5]]);
    const a = tf.tensor2d([[1, 2]]);
    let caught: unknown;
    try {
      graph.run(x, { hooks: { act: replaceOutput(a) } });
    } catch (e) {
      caught = e;
    }
    expect(isInterpError(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/"act" returned shape \[1, 2\].*\[N, 3\]/);
    tf.dispose([x, a]);
  });

  it('leaks no tensors', async () => {
    const graph = layersModelGraph(skipNet());
    const x = tf.tensor2d([[1, 0.5]]);
    const a = tf.tensor2d([[1, 2, 3]]);
    // run builds on tfjs ops, so its intermediates go with the caller's tidy.
    await expectNoLeakedTensors(() =>
      tf.tidy(() => graph.run(x, { hooks: { act: replaceOutput(a) } }).output),
    );
    tf.dispose([x, a]);
  });
});
