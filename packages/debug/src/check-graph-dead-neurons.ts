import { type GraphNode, InterpError, type ModelGraph } from '@interp/core';
import { assertNumber } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import {
  ACTIVATION_OPS,
  type DeadNeuronReport,
  deadNeuronWarnings,
  type LayerDeadNeurons,
} from './check-dead-neurons.js';
import { forEachBatch, type GraphBatch, watchedNodes } from './internal/graph-activation-record.js';
import { modelDebuggerDefaults } from './model-debugger-defaults.js';

/** Options of {@link checkGraphDeadNeurons}. */
export interface GraphDeadNeuronOptions {
  /** A unit activates when its output is above this. */
  threshold?: number;
  /** Nodes to check (names, module paths, indices); default nodes with params and activations. */
  layers?: readonly (string | number)[];
}

/**
 * {@link checkDeadNeurons} on a model graph: units that never output more than `threshold` over
 * every batch of `data` (tensors stay yours; a data loader's `{ x, y }` batches are disposed).
 * Units are channels (axis 1 of an NCHW graph's image outputs) or the last axis otherwise.
 *
 * @example
 * ```ts
 * (await checkGraphDeadNeurons(onnxModel, [x1, x2])).layers[0].deadUnits; // [3, 17]
 * ```
 */
export async function checkGraphDeadNeurons(
  graph: ModelGraph,
  data: Iterable<GraphBatch> | AsyncIterable<GraphBatch>,
  options: GraphDeadNeuronOptions = {},
): Promise<DeadNeuronReport> {
  const { threshold = modelDebuggerDefaults.deadNeurons.threshold, layers } = options;
  assertNumber(threshold, 'threshold');
  const nodes: GraphNode[] =
    layers === undefined
      ? graph.nodes.filter((n) => n.params > 0 || ACTIVATION_OPS.has(n.op))
      : watchedNodes(graph, layers, true);
  if (nodes.length === 0) {
    throw new InterpError(
      'EMPTY_INPUT',
      'checkDeadNeurons found no nodes with parameters or activations; pass { layers }',
    );
  }
  let maxima: tf.Tensor[] | undefined;
  let items = 0;
  try {
    await forEachBatch(data, async (x) => {
      if (!(x instanceof tf.Tensor)) {
        throw new InterpError('INVALID_ARGUMENT', 'checkDeadNeurons: each batch must be a tensor');
      }
      items += x.shape[0] ?? 0;
      const next = tf.tidy(() => {
        const { taps } = graph.run(x, { taps: nodes.map((n) => n.name) });
        return nodes.map((n, i) => {
          const m = unitMax(taps[n.name]!, graph.layout);
          return maxima ? tf.maximum(maxima[i]!, m) : m;
        });
      });
      if (maxima) tf.dispose(maxima);
      maxima = next;
    });
    if (!maxima) throw new InterpError('EMPTY_INPUT', 'checkDeadNeurons: data held no batch');
    const values = await Promise.all(maxima.map((m) => m.data()));
    const rows: LayerDeadNeurons[] = nodes.map((n, i) => {
      const deadUnits: number[] = [];
      values[i]!.forEach((v, k) => {
        if (!(v > threshold)) deadUnits.push(k);
      });
      const units = values[i]!.length;
      return {
        layer: n.name,
        type: n.op,
        units,
        deadUnits,
        deadFraction: units ? deadUnits.length / units : 0,
      };
    });
    return { layers: rows, items, warnings: deadNeuronWarnings(rows) };
  } finally {
    if (maxima) tf.dispose(maxima);
  }
}

/** Max of each unit over every other axis: channels of NCHW images, else the last axis. */
function unitMax(t: tf.Tensor, layout: ModelGraph['layout']): tf.Tensor {
  const unitAxis = layout === 'NCHW' && t.rank >= 3 ? 1 : t.rank - 1;
  const axes = Array.from({ length: t.rank }, (_, k) => k).filter((k) => k !== unitAxis);
  return axes.length ? tf.max(t, axes) : tf.clone(t);
}
