import { type GraphNode, InterpError, type ModelGraph, type NodeHook } from '@interp/core';
import { assertInteger, assertNumber } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import {
  flowRow,
  type GradientFlowReport,
  type GradientSums,
  gradientFlowReport,
} from './check-gradient-flow.js';
import { forEachBatch, type GraphBatch, watchedNodes } from './internal/graph-activation-record.js';
import { modelDebuggerDefaults } from './model-debugger-defaults.js';

/** Options of {@link checkGraphGradientFlow}. */
export interface GraphGradientFlowOptions {
  /** Batches of `data` to average over. */
  nBatches?: number;
  /** Output column whose score is differentiated; default each item's top-scoring column. */
  target?: number;
  /** Nodes whose output gradient to report (names, module paths, indices); default those with params. */
  layers?: readonly (string | number)[];
  /** A node whose mean |gradient| is below this is vanishing. */
  vanishingThreshold?: number;
  /** A node whose gradient norm is above this is exploding. */
  explodingThreshold?: number;
}

/** Name of the report row for the gradient with respect to the model input. */
export const INPUT_ROW = 'input';

/**
 * {@link checkGradientFlow} for a model graph without a training loop (an ONNX model, a
 * GraphModel): the gradient of the summed target score (`target`, default each item's top
 * column) with respect to the INPUT and to each node's OUTPUT (by hooks that add a zero tensor
 * to it), per batch of `data`: its L2 norm, mean and max |gradient|, flagged vanishing, exploding
 * or non-finite as in the learner check. The first row is the input (`'input'`, params 0).
 * Gradients with respect to weights need trainable variables, which a model graph does not have.
 *
 * @example
 * ```ts
 * (await checkGraphGradientFlow(onnxModel, [x], { target: 0 })).vanishing; // ['/fc1/Gemm']
 * ```
 */
export async function checkGraphGradientFlow(
  graph: ModelGraph,
  data: Iterable<GraphBatch> | AsyncIterable<GraphBatch>,
  options: GraphGradientFlowOptions = {},
): Promise<GradientFlowReport> {
  const d = modelDebuggerDefaults.gradientFlow;
  const {
    nBatches = d.nBatches,
    target,
    layers,
    vanishingThreshold = d.vanishingThreshold,
    explodingThreshold = d.explodingThreshold,
  } = options;
  assertInteger(nBatches, 'nBatches', 1);
  if (target !== undefined) assertInteger(target, 'target', 0);
  assertNumber(vanishingThreshold, 'vanishingThreshold', 0);
  assertNumber(explodingThreshold, 'explodingThreshold', 0);
  const nodes =
    layers === undefined
      ? graph.nodes.filter((n) => n.params > 0)
      : watchedNodes(graph, layers, true);
  const sums: GradientSums[] = [{}, ...nodes].map(() => ({
    norm: 0,
    meanAbs: 0,
    maxAbs: 0,
    bad: 0,
  }));
  let batches = 0;
  await forEachBatch(data, async (x) => {
    if (batches >= nBatches) return;
    const stats = batchGradientStats(graph, nodes, x, target);
    const values = await stats.data();
    stats.dispose();
    sums.forEach((s, i) => {
      const count = values[5 * i + 4]!;
      s.norm += Math.sqrt(values[5 * i]!);
      s.meanAbs += values[5 * i + 1]! / count;
      s.maxAbs = Math.max(s.maxAbs, values[5 * i + 2]!);
      s.bad += values[5 * i + 3]!;
    });
    batches++;
  });
  if (batches === 0) {
    throw new InterpError('EMPTY_INPUT', 'checkGradientFlow: data held no batch');
  }
  const thresholds = { vanishingThreshold, explodingThreshold };
  const rows = [
    flowRow({ layer: INPUT_ROW, type: 'Input', params: 0 }, sums[0]!, batches, thresholds),
    ...nodes.map((n, i) =>
      flowRow({ layer: n.name, type: n.op, params: n.params }, sums[i + 1]!, batches, thresholds),
    ),
  ];
  return gradientFlowReport(rows, batches, thresholds);
}

/** Per gradient (input, then nodes): `[sum g^2, sum |g|, max |g|, non-finite count, size]`. */
function batchGradientStats(
  graph: ModelGraph,
  nodes: readonly GraphNode[],
  x: tf.Tensor,
  target: number | undefined,
): tf.Tensor {
  if (!(x instanceof tf.Tensor)) {
    throw new InterpError('INVALID_ARGUMENT', 'checkGradientFlow: each batch must be a tensor');
  }
  return tf.tidy(() => {
    const input = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
    const { output, taps } = graph.run(input, { taps: nodes.map((n) => n.name) });
    const columns = output.size / (output.shape[0] ?? 1);
    if (target !== undefined && target >= columns) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `checkGradientFlow: target ${target} is out of range; the model has ${columns} outputs per item (0..${columns - 1})`,
      );
    }
    const flat = tf.reshape(output, [output.shape[0] ?? 1, columns]);
    const picked =
      target === undefined ? tf.argMax(flat, 1) : tf.fill([flat.shape[0]!], target, 'int32');
    // (oneHot refuses a depth of 1, a model with one output per item.)
    const mask = tf.cast(
      tf.equal(tf.expandDims(tf.range(0, columns, 1, 'int32'), 0), tf.expandDims(picked, 1)),
      'float32',
    );
    const zeros = nodes.map((n) => tf.zerosLike(taps[n.name]!));
    const score = (xIn: tf.Tensor, ...deltas: tf.Tensor[]) => {
      const hooks: Record<string, NodeHook> = {};
      nodes.forEach((n, i) => {
        hooks[n.name] = (out) => tf.add(out, deltas[i]!);
      });
      const out = graph.run(xIn, { hooks }).output;
      return tf.sum(tf.mul(tf.reshape(out, flat.shape), mask)) as tf.Scalar;
    };
    const grads = tf.grads(score)([input, ...zeros]);
    return tf.stack(
      grads.map((g) =>
        tf.stack([
          tf.sum(tf.square(g)),
          tf.sum(tf.abs(g)),
          tf.max(tf.abs(g)),
          tf.sum(tf.cast(tf.logicalNot(tf.isFinite(g)), 'float32')),
          tf.scalar(g.size),
        ]),
      ),
    );
  });
}
