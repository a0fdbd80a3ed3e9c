import { InterpError, type ModelGraph } from '@interp/core';
import { describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import {
  type LayerOutputReport,
  layerOutputWarnings,
  outputRow,
  outputStats,
} from './check-layer-outputs.js';
import { watchedNodes } from './internal/graph-activation-record.js';

/**
 * {@link checkLayerOutputs} on a model graph (an ONNX model, a GraphModel): runs `x` once with
 * every node (or `layers`: node names, module paths, indices) tapped and reports each output's
 * shape, mean, sample std, min and max over finite values and its NaN and infinity counts, with
 * a warning for non-finite or constant outputs. `x` stays the caller's.
 *
 * @example
 * ```ts
 * (await checkGraphLayerOutputs(onnxModel, x)).warnings; // ['/act1/Relu outputs 3 NaN ...']
 * ```
 */
export async function checkGraphLayerOutputs(
  graph: ModelGraph,
  x: tf.Tensor,
  { layers }: { layers?: readonly (string | number)[] } = {},
): Promise<LayerOutputReport> {
  if (!(x instanceof tf.Tensor)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `checkLayerOutputs needs an input tensor x, got ${describe(x)}`,
    );
  }
  const nodes = watchedNodes(graph, layers, true);
  const shapes: number[][] = [];
  const all = tf.tidy(() => {
    const { taps } = graph.run(x, { taps: nodes.map((n) => n.name) });
    return tf.stack(
      nodes.map((n) => {
        shapes.push([...taps[n.name]!.shape]);
        return outputStats(taps[n.name]!);
      }),
    );
  });
  const data = await all.data();
  all.dispose();
  const rows = nodes.map((n, i) =>
    outputRow({ layer: n.name, type: n.op, shape: shapes[i]! }, data, i),
  );
  return { layers: rows, warnings: layerOutputWarnings(rows) };
}
