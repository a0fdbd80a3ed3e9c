import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { isInterpError } from '../errors.js';
import { expectNoLeakedTensors } from '../testing.js';
import { graphModelGraph } from './graph-model-graph.js';
import type { ModelGraph, NodeHook } from './model-graph.js';
import { replaceOutput } from './replacement-hook.js';
import { float, graphModel, matMul } from './test-graph-model.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

// The nets of layers-model-graph-replace.test.ts, written as tensorflowjs_converter writes them.
// chain: x (2) -> pre = x W1, W1 = [[1, -1, 2], [1, 1, -1]] -> act = relu -> out = act [2, 3, -1].
// skip:  x -> pre -> act -> mid = act 2I -> sum = mid + pre -> out = sum [1, 1, 1].
// At x = [1, 0.5]: pre = [1.5, -0.5, 1.5]. With act replaced by a = [1, 2, 3]: chain out =
// 2 + 6 - 3 = 5; skip mid = [2, 4, 6], sum = [3.5, 3.5, 7.5], out = 14.5, d out / d a = [2, 2, 2].
const W1 = [1, -1, 2, 1, 1, -1];

const chainNet = (inputShape?: number[]) =>
  graphModel(
    {
      w1: [[2, 3], W1],
      w2: [
        [3, 1],
        [2, 3, -1],
      ],
    },
    [
      matMul('pre', ['x', 'w1']),
      { name: 'act', op: 'Relu', input: ['pre'], attr: float },
      matMul('out', ['act', 'w2']),
    ],
    inputShape,
  );

const skipNet = () =>
  graphModel(
    {
      w1: [[2, 3], W1],
      w2: [
        [3, 3],
        [2, 0, 0, 0, 2, 0, 0, 0, 2],
      ],
      w3: [
        [3, 1],
        [1, 1, 1],
      ],
    },
    [
      matMul('pre', ['x', 'w1']),
      { name: 'act', op: 'Relu', input: ['pre'], attr: float },
      matMul('mid', ['act', 'w2']),
      { name: 'sum', op: 'AddV2', input: ['mid', 'pre'], attr: float },
      matMul('out', ['sum', 'w3']),
    ],
  );

/**
 * Runs `graph` on x = [1, 0.5] with `hook` on act: the output's values and the kernels the run
 * executed, by name (counted with tf.profile).
 */
async function hookedRun(graph: ModelGraph, hook: NodeHook) {
  const x = tf.tensor2d([[1, 0.5]]);
  try {
    const info = await tf.profile(() => graph.run(x, { hooks: { act: hook } }).output);
    const kernels: Record<string, number> = {};
    for (const k of info.kernels) kernels[k.name] = (kernels[k.name] ?? 0) + 1;
    const y = info.result as tf.Tensor;
    const output = Array.from(await y.data());
    y.dispose();
    return { output, kernels };
  } finally {
    x.dispose();
  }
}

/** The error `fn` throws (undefined if it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('graphModelGraph run with replaceOutput hooks', () => {
  // The replacement of act in every case; made once the backend is set up.
  let a: tf.Tensor;
  beforeAll(() => {
    a = tf.tensor2d([[1, 2, 3]]);
  });
  afterAll(() => a.dispose());

  it('does not run the replaced node nor the nodes only it needs, and gives the hand value', async () => {
    const graph = graphModelGraph(await chainNet());
    const replaced = await hookedRun(graph, replaceOutput(a));
    expect(replaced.output).toEqual([5]);
    // Only out's MatMul: neither pre's MatMul nor act's Relu.
    expect(replaced.kernels).toMatchObject({ BatchMatMul: 1 });
    expect(replaced.kernels.Relu).toBeUndefined();
    // A hook that reads nothing but is not a replaceOutput still sees its node (and pre) run.
    const plain = await hookedRun(graph, () => a);
    expect(plain.output).toEqual([5]);
    expect(plain.kernels).toMatchObject({ BatchMatMul: 2, Relu: 1 });
  });

  it('still runs a node a skip branch or a tap needs, and gives the hand values', async () => {
    const replaced = await hookedRun(graphModelGraph(await skipNet()), replaceOutput(a));
    expect(replaced.output).toEqual([14.5]);
    // pre (for the skip), mid and out; no Relu.
    expect(replaced.kernels).toMatchObject({ BatchMatMul: 3 });
    expect(replaced.kernels.Relu).toBeUndefined();
    const chain = graphModelGraph(await chainNet());
    const x = tf.tensor2d([[1, 0.5]]);
    const { output, taps } = chain.run(x, {
      taps: ['pre', 'act'],
      hooks: { act: replaceOutput(a) },
    });
    expect(Array.from(await taps.pre!.data())).toEqual([1.5, -0.5, 1.5]);
    expect(taps.act).toBe(a);
    expect(Array.from(await output.data())).toEqual([5]);
    tf.dispose([x, output, taps.pre!]);
  });

  it('differentiates the head alone: d out / d a = [2, 2, 2] through the skip net', async () => {
    const graph = graphModelGraph(await skipNet());
    const x = tf.tensor2d([[1, 0.5]]);
    const g = tf.grad((t: tf.Tensor) =>
      tf.sum(graph.run(x, { hooks: { act: replaceOutput(t) } }).output),
    )(a);
    expect(Array.from(await g.data())).toEqual([2, 2, 2]);
    tf.dispose([x, g]);
  });

  it('rejects a replacement of the wrong shape with InterpError', async () => {
    const graph = graphModelGraph(await chainNet());
    const x = tf.tensor2d([[1, 0.5]]);
    const wrong = tf.tensor2d([[1, 2]]);
    const e = thrown(() => graph.run(x, { hooks: { act: replaceOutput(wrong) } }));
    expect(isInterpError(e) && e.code).toBe('SHAPE_MISMATCH');
    expect((e as Error).message).toMatch(
      /"act" returned shape \[1, 2\] for an output of shape \[N, 3\]; a replacement must keep the shape/,
    );
    tf.dispose([x, wrong]);
  });

  it('runs the node when its output shape is unknown, and still rejects a wrong shape', async () => {
    // An input of unknown width leaves the shapes unprobed: nothing to check a replacement
    // against before the node runs, so it runs and its actual output is the reference.
    const graph = graphModelGraph(await chainNet([-1, -1]));
    expect(graph.findNode('act').outputShape).toBeUndefined();
    const replaced = await hookedRun(graph, replaceOutput(a));
    expect(replaced.output).toEqual([5]);
    expect(replaced.kernels).toMatchObject({ Relu: 1 });
    const x = tf.tensor2d([[1, 0.5]]);
    const wrong = tf.tensor2d([[1, 2]]);
    const e = thrown(() => graph.run(x, { hooks: { act: replaceOutput(wrong) } }));
    expect(isInterpError(e) && e.code).toBe('SHAPE_MISMATCH');
    expect((e as Error).message).toMatch(
      /"act" returned shape \[1, 2\] for an output of shape \[1, 3\]/,
    );
    tf.dispose([x, wrong]);
  });

  it('leaks no tensors', async () => {
    const graph = graphModelGraph(await skipNet());
    const x = tf.tensor2d([[1, 0.5]]);
    await expectNoLeakedTensors(() =>
      tf.tidy(() => graph.run(x, { taps: ['pre'], hooks: { act: replaceOutput(a) } }).output),
    );
    x.dispose();
  });
});
