// Hand-made model graphs of plain tf ops, for tests of every model-running feature on a graph
// that is not a LayersModel (no ONNX loader needed). Exported by @interp/core/testing.
import * as tf from '@tensorflow/tfjs-core';
import { applyHook } from './apply-hook.js';
import { findNode } from './find-node.js';
import type { Dim, GraphNode, GraphRunOptions, ImageLayout, ModelGraph } from './model-graph.js';

/** One node of a {@link chainGraph}: its description and what it computes from the previous output. */
export interface ChainNode {
  name: string;
  op: string;
  outputShape: readonly Dim[];
  params?: number;
  fn: (x: tf.Tensor) => tf.Tensor;
}

/**
 * A {@link ModelGraph} of nodes applied one after the other, with taps and hooks as the real
 * adapters have them. Weights captured by the node functions are kept by the caller.
 *
 * @example
 * ```ts
 * const g = chainGraph([{ name: 'relu', op: 'Relu', outputShape: [null, 3], fn: tf.relu }], { inputShape: [null, 3] });
 * ```
 */
export function chainGraph(
  steps: readonly ChainNode[],
  options: { inputShape: readonly Dim[]; layout?: ImageLayout; onDispose?: () => void },
): ModelGraph {
  const nodes: GraphNode[] = steps.map((s, i) => ({
    name: s.name,
    op: s.op,
    inputs: [i === 0 ? 'input' : `${steps[i - 1]!.name}:0`],
    outputs: [`${s.name}:0`],
    outputShape: s.outputShape,
    params: s.params ?? 0,
    trainableParams: s.params ?? 0,
    modulePath: s.name.replaceAll('/', '.'),
  }));
  const find = (query: string) => findNode(nodes, query);
  const run = (x: tf.Tensor, { taps = [], hooks = {} }: GraphRunOptions = {}) => {
    const tapNames = taps.map((q) => [q, find(q).name] as const);
    const hookByName = new Map(Object.entries(hooks).map(([q, h]) => [find(q).name, h]));
    const values: Record<string, tf.Tensor> = {};
    let h = x;
    steps.forEach((s, i) => {
      const input = h;
      h = s.fn(input);
      const hook = hookByName.get(s.name);
      if (hook) h = applyHook(hook, h, { node: nodes[i]!, inputs: [input] });
      values[s.name] = h;
    });
    return { output: h, taps: Object.fromEntries(tapNames.map(([q, n]) => [q, values[n]!])) };
  };
  return {
    kind: 'custom',
    nodes,
    inputShape: options.inputShape,
    outputShape: steps[steps.length - 1]!.outputShape,
    layout: options.layout ?? 'none',
    run,
    predict: (x) => run(x).output,
    findNode: find,
    dispose: () => options.onDispose?.(),
  };
}

/** Weights of {@link denseReluGraph}: f(x) = relu(x W1 + b1) W2 + b2, x in R^3, 2 outputs. */
export const DENSE_RELU_WEIGHTS = {
  w1: [
    [1, -1, 0.5, 2],
    [0, 2, -1, 1],
    [-2, 1, 1, 0],
  ],
  b1: [0.5, 0, -0.5, -1],
  w2: [
    [1, -1],
    [2, 0.5],
    [-1, 1],
    [0.5, 3],
  ],
  b2: [0.1, -0.1],
} as const;

/**
 * Two dense nodes with a ReLU node between them (`dense1` -> `relu1` -> `dense2`), layout
 * `none`, weights {@link DENSE_RELU_WEIGHTS}. `dispose()` frees the weights.
 *
 * @example
 * ```ts
 * const g = denseReluGraph();
 * g.predict(tf.tensor2d([[1, 2, 3]])); // [[..., ...]]
 * g.dispose();
 * ```
 */
export function denseReluGraph(): ModelGraph {
  const { w1, b1, w2, b2 } = DENSE_RELU_WEIGHTS;
  const weights = tf.tidy(() => [
    tf.tensor2d(w1.map((r) => [...r])),
    tf.tensor1d([...b1]),
    tf.tensor2d(w2.map((r) => [...r])),
    tf.tensor1d([...b2]),
  ]);
  const [tw1, tb1, tw2, tb2] = weights as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
  return chainGraph(
    [
      {
        name: 'dense1',
        op: 'Gemm',
        outputShape: [null, 4],
        params: 16,
        fn: (x) => tf.add(tf.matMul(x as tf.Tensor2D, tw1), tb1),
      },
      { name: 'relu1', op: 'Relu', outputShape: [null, 4], fn: (x) => tf.relu(x) },
      {
        name: 'dense2',
        op: 'Gemm',
        outputShape: [null, 2],
        params: 10,
        fn: (x) => tf.add(tf.matMul(x as tf.Tensor2D, tw2), tb2),
      },
    ],
    { inputShape: [null, 3], onDispose: () => tf.dispose(weights) },
  );
}

/**
 * An NCHW image classifier of tf ops, as a PyTorch export is laid out: input [N, 1, 4, 4],
 * `conv` (2 filters 2x2, stride 2, no bias: channel 0 sums each 2x2 block, channel 1 negates it)
 * -> `relu` -> `flatten` (channels-first order, c * 4 + h * 2 + w) -> `head` (dense, the given
 * [8, classes] kernel, no bias). `dispose()` frees the weights.
 *
 * @example
 * ```ts
 * const g = nchwConvGraph([[1, 0], [0, 1], ...]);
 * g.layout; // 'NCHW'
 * ```
 */
export function nchwConvGraph(headKernel: readonly (readonly number[])[]): ModelGraph {
  const classes = headKernel[0]!.length;
  const weights = tf.tidy(() => [
    tf.tensor4d(Array.from({ length: 4 }, () => [1, -1]).flat(), [2, 2, 1, 2]),
    tf.tensor2d(headKernel.map((r) => [...r])),
  ]);
  const [filter, kernel] = weights as [tf.Tensor4D, tf.Tensor2D];
  return chainGraph(
    [
      {
        name: 'conv',
        op: 'Conv',
        outputShape: [null, 2, 2, 2],
        params: 8,
        // tfjs convolves channels-last: NCHW -> NHWC -> conv -> NCHW.
        fn: (x) =>
          tf.transpose(
            tf.conv2d(tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D, filter, 2, 'valid'),
            [0, 3, 1, 2],
          ),
      },
      { name: 'relu', op: 'Relu', outputShape: [null, 2, 2, 2], fn: (x) => tf.relu(x) },
      {
        name: 'flatten',
        op: 'Flatten',
        outputShape: [null, 8],
        fn: (x) => tf.reshape(x, [x.shape[0]!, 8]),
      },
      {
        name: 'head',
        op: 'MatMul',
        outputShape: [null, classes],
        params: 8 * classes,
        fn: (x) => tf.matMul(x as tf.Tensor2D, kernel),
      },
    ],
    { inputShape: [null, 1, 4, 4], layout: 'NCHW', onDispose: () => tf.dispose(weights) },
  );
}
