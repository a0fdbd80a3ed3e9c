import type { ModelGraph } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { withBatchAxis } from './input-size.js';

/** One node of a model graph as a summary row (the shape of a layer-table row). */
export interface GraphRow {
  name: string;
  path: string[];
  type: string;
  /** `[null]` (printed `?`) when the graph does not know it. */
  outputShape: (number | null)[];
  params: number;
  trainableParams: number;
  /** float32 weights: 4 bytes per parameter. */
  paramBytes: number;
}

/** The graph's printable kind for the summary's title line. */
export const GRAPH_KIND_NAMES: Record<ModelGraph['kind'], string> = {
  layers: 'LayersModel',
  'graph-model': 'GraphModel',
  onnx: 'ONNX',
  function: 'Function',
  custom: 'ModelGraph',
};

/**
 * Every node of a model graph (ONNX, GraphModel, hand-made) with its op, output shape and
 * parameter count; with `inputSize`, output shapes from one pass on zeros of that shape.
 */
export function graphTable(
  graph: ModelGraph,
  inputSize: readonly number[] | undefined,
): GraphRow[] {
  const measured = inputSize === undefined ? undefined : measureGraphShapes(graph, inputSize);
  return graph.nodes.map((node, i) => ({
    name: node.name,
    path: [],
    type: node.op,
    outputShape: measured?.[i] ?? (node.outputShape ? [...node.outputShape] : [null]),
    params: node.params,
    trainableParams: node.trainableParams,
    paramBytes: node.params * 4,
  }));
}

/** inputSize with the batch axis (given in full, or without it: batch 1), checked against the graph. */
export function fullGraphInputSize(graph: ModelGraph, inputSize: readonly number[]): number[] {
  const note = graph.layout === 'none' ? '' : ` (${graph.layout})`;
  return withBatchAxis(inputSize, graph.inputShape, '[1, 3, 224, 224]', note);
}

function measureGraphShapes(graph: ModelGraph, inputSize: readonly number[]): (number | null)[][] {
  const full = fullGraphInputSize(graph, inputSize);
  const names = graph.nodes.map((n) => n.name);
  const shapes: (number | null)[][] = [];
  tf.tidy(() => {
    const { taps } = graph.run(tf.zeros(full), { taps: names });
    for (const name of names) shapes.push([...(taps[name]?.shape ?? [null])]);
  });
  return shapes;
}
