import { type GraphNode, InterpError, type ModelGraph, spatialSize } from '@interp/core';
import { describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** The node GradCAM weights, and whether the caller named it or the default rule chose it. */
export interface CamLayer {
  node: GraphNode;
  chosen: 'given' | 'default';
}

/**
 * Resolves GradCAM's `layer` option: a node name, output name or module path prefix; an index
 * (into a LayersModel's top-level `layers`, else into the graph's nodes; negative from the end);
 * or, when undefined, the last node whose output is an image larger than 1 x 1 in the model's
 * layout (a 1 x 1 pooled output would give a constant map).
 */
export function findCamLayer(
  graph: ModelGraph,
  layersModel: LayersModel | undefined,
  layer: string | number | undefined,
  where: string,
): CamLayer {
  if (layer === undefined) return { node: defaultCamNode(graph, where), chosen: 'default' };
  if (typeof layer === 'number')
    return { node: nodeAtIndex(graph, layersModel, layer, where), chosen: 'given' };
  if (typeof layer !== 'string') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: layer must be a layer name or an index, got ${describe(layer)}`,
    );
  }
  return { node: graph.findNode(layer), chosen: 'given' };
}

function nodeAtIndex(
  graph: ModelGraph,
  layersModel: LayersModel | undefined,
  index: number,
  where: string,
): GraphNode {
  // A LayersModel's index counts its `layers` (the InputLayer included), as tfjs users expect.
  const names = layersModel
    ? layersModel.layers.map((l) => ({ name: l.name, input: l.getClassName() === 'InputLayer' }))
    : graph.nodes.map((n) => ({ name: n.name, input: false }));
  const what = layersModel ? 'layers' : 'nodes';
  if (!Number.isInteger(index) || index >= names.length || index < -names.length) {
    throw new InterpError(
      'UNKNOWN_LAYER',
      `${where}: layer index ${index} is out of range; the model has ${names.length} ${what} (indices 0..${names.length - 1}, or negative from the end)`,
    );
  }
  const chosen = names[index < 0 ? names.length + index : index]!;
  if (chosen.input) {
    throw new InterpError(
      'UNKNOWN_LAYER',
      `${where}: layer ${index} is the model's input layer (${JSON.stringify(chosen.name)}); pick a layer that computes something`,
    );
  }
  return graph.findNode(chosen.name);
}

function defaultCamNode(graph: ModelGraph, where: string): GraphNode {
  const layout = graph.layout === 'NCHW' ? 'NCHW' : 'NHWC';
  let shapes = graph.nodes.map((n) => n.outputShape);
  if (shapes.every((s) => s === undefined)) shapes = probeShapes(graph) ?? shapes;
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    if ((spatialSize(shapes[i], layout) ?? 0) > 1) return graph.nodes[i]!;
  }
  throw new InterpError(
    'UNKNOWN_LAYER',
    `${where}: the model has no layer with a 4-D output larger than 1 x 1 in H x W (${layout}); pass { layer } naming a convolutional layer`,
  );
}

/**
 * Output shapes of every node from one pass on a zero item, for graphs that do not declare
 * them; undefined when the input's item shape is not known.
 */
function probeShapes(graph: ModelGraph): (readonly (number | null)[] | undefined)[] | undefined {
  const item = graph.inputShape.slice(1);
  if (item.length === 0 || item.some((d) => d === null)) return undefined;
  const names = graph.nodes.map((n) => n.name);
  const shapes: (readonly (number | null)[] | undefined)[] = [];
  tf.tidy(() => {
    const { taps } = graph.run(tf.zeros([1, ...(item as number[])]), { taps: names });
    for (const n of names) {
      const shape = taps[n]?.shape;
      shapes.push(shape && [null, ...shape.slice(1)]);
    }
  });
  return shapes;
}
