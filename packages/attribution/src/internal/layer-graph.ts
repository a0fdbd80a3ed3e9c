import { describe, InterpError } from '@interp/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

// The parts of tfjs-layers' graph (Container, Node, Layer) the walker reads. They are public
// fields of those classes in tfjs-layers 4.x, used here the way Container.runInternalGraph does.
interface SymbolicTensorLike {
  id: number;
  shape: (number | null)[];
}
interface NodeLike {
  outboundLayer: LayerLike;
  inputTensors: SymbolicTensorLike[];
  outputTensors: SymbolicTensorLike[];
  callArgs?: Record<string, unknown>;
}
export interface LayerLike {
  name: string;
  getClassName(): string;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}
interface GraphLike extends LayerLike {
  inputs: SymbolicTensorLike[];
  outputs: SymbolicTensorLike[];
  nodesByDepth: Record<string, NodeLike[]>;
  layers: LayerLike[];
  model?: unknown;
  build?: () => void;
}

function isGraph(layer: unknown): layer is GraphLike {
  const g = layer as GraphLike;
  return (
    typeof layer === 'object' &&
    layer !== null &&
    Array.isArray(g.layers) &&
    Array.isArray(g.inputs) &&
    Array.isArray(g.outputs)
  );
}

/** The graph's nodes in execution order (deepest first, as Container.runInternalGraph). */
function nodesInOrder(graph: GraphLike): NodeLike[] {
  // A Sequential builds its inner graph lazily, on first call.
  if (graph.nodesByDepth === undefined || Object.keys(graph.nodesByDepth).length === 0) {
    graph.build?.();
  }
  const depths = Object.keys(graph.nodesByDepth ?? {})
    .map(Number)
    .sort((a, b) => b - a);
  return depths.flatMap((d) => graph.nodesByDepth[d] ?? []);
}

/** A layer inside a (possibly nested) model, with the chain of models that contain it. */
export interface LayerLocation {
  layer: LayerLike;
  /** The nested models from the outer model down to the one whose graph holds `layer`. */
  path: GraphLike[];
}

/** Every non-input, non-model layer in execution order, nested models flattened. */
export function flattenLayers(model: LayersModel): LayerLocation[] {
  const out: LayerLocation[] = [];
  const visit = (graph: GraphLike, path: GraphLike[]) => {
    for (const node of nodesInOrder(graph)) {
      const layer = node.outboundLayer;
      if (layer.getClassName() === 'InputLayer') continue;
      if (isGraph(layer)) visit(layer, [...path, layer]);
      else out.push({ layer, path });
    }
  };
  visit(model as unknown as GraphLike, [model as unknown as GraphLike]);
  return out;
}

/**
 * Finds a layer by name (searching nested models too) or by index into the model's top-level
 * `layers` (negative counts from the end); with `undefined`, the last layer whose output is 4-D
 * (the last convolutional feature map), nested models included.
 */
export function findLayer(
  model: LayersModel,
  layer: string | number | undefined,
  where: string,
): LayerLocation {
  const flat = flattenLayers(model);
  const root = model as unknown as GraphLike;
  if (layer === undefined) {
    for (let i = flat.length - 1; i >= 0; i--) {
      const shape = outputShapeOf(flat[i]!.layer);
      if (shape?.length === 4) return flat[i]!;
    }
    throw new InterpError(
      'UNKNOWN_LAYER',
      `${where}: the model has no layer with a 4-D (N, H, W, C) output; pass { layer } naming a convolutional layer`,
    );
  }
  if (typeof layer === 'number') {
    const layers = root.layers;
    if (!Number.isInteger(layer) || layer >= layers.length || layer < -layers.length) {
      throw new InterpError(
        'UNKNOWN_LAYER',
        `${where}: layer index ${layer} is out of range; the model has ${layers.length} layers (indices 0..${layers.length - 1}, or negative from the end)`,
      );
    }
    const chosen = layers[layer < 0 ? layers.length + layer : layer]!;
    if (chosen.getClassName() === 'InputLayer') {
      throw new InterpError(
        'UNKNOWN_LAYER',
        `${where}: layer ${layer} is the model's input layer (${JSON.stringify(chosen.name)}); pick a layer that computes something`,
      );
    }
    return locate(root, chosen) ?? { layer: chosen, path: [root] };
  }
  if (typeof layer !== 'string') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: layer must be a layer name or an index, got ${describe(layer)}`,
    );
  }
  const byName = findByName(root, layer, [root]);
  if (byName) return byName;
  const names = flat.map((l) => l.layer.name);
  throw new InterpError(
    'UNKNOWN_LAYER',
    `${where}: no layer named ${JSON.stringify(layer)}; the model's layers are ${names.map((n) => JSON.stringify(n)).join(', ')}`,
  );
}

function findByName(graph: GraphLike, name: string, path: GraphLike[]): LayerLocation | undefined {
  for (const node of nodesInOrder(graph)) {
    const layer = node.outboundLayer;
    if (layer.name === name && layer.getClassName() !== 'InputLayer') return { layer, path };
    if (isGraph(layer)) {
      const inner = findByName(layer, name, [...path, layer]);
      if (inner) return inner;
    }
  }
  return undefined;
}

function locate(graph: GraphLike, target: LayerLike): LayerLocation | undefined {
  for (const node of nodesInOrder(graph)) {
    if (node.outboundLayer === target) return { layer: target, path: [graph] };
  }
  return undefined;
}

function outputShapeOf(layer: LayerLike): (number | null)[] | undefined {
  try {
    const shape = (layer as unknown as { outputShape: unknown }).outputShape;
    return Array.isArray(shape) && !Array.isArray(shape[0])
      ? (shape as (number | null)[])
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What happens at the chosen layer while the graph runs: `capture` computes the layer and hands
 * its output over; `substitute` skips the layer and uses the given tensor instead, so the rest
 * of the model becomes a function of that tensor (what GradCAM differentiates).
 */
export type LayerTap =
  | { kind: 'capture'; location: LayerLocation; onOutput: (t: tf.Tensor) => void }
  | { kind: 'substitute'; location: LayerLocation; value: tf.Tensor };

/**
 * Runs a LayersModel on concrete tensors node by node, as tfjs-layers' own
 * Container.runInternalGraph does, descending into the nested model that holds the tapped
 * layer. Returns the model's (first) output. Call inside tf.tidy.
 */
export function runWithTap(model: LayersModel, x: tf.Tensor, tap: LayerTap): tf.Tensor {
  const outputs = runGraph(model as unknown as GraphLike, [x], tap, 0);
  return outputs[0]!;
}

function runGraph(
  graph: GraphLike,
  inputs: tf.Tensor[],
  tap: LayerTap,
  level: number,
): tf.Tensor[] {
  const values = new Map<number, tf.Tensor>();
  graph.inputs.forEach((s, i) => {
    values.set(s.id, inputs[i]!);
  });
  const nodes = nodesInOrder(graph);
  const onPath = tap.location.path;
  const tapHere = level === onPath.length - 1;
  const tapped = nodes.filter((n) => n.outboundLayer === tap.location.layer);
  if (tapHere && tapped.length > 1) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `layer ${JSON.stringify(tap.location.layer.name)} is applied ${tapped.length} times in the model (a shared layer), so it has no single activation; pick a layer used once`,
    );
  }
  for (const node of nodes) {
    const layer = node.outboundLayer;
    if (layer.getClassName() === 'InputLayer') continue;
    const args = node.inputTensors.map((s) => values.get(s.id));
    if (args.some((a) => a === undefined)) continue;
    const ins = args as tf.Tensor[];
    const kwargs = { ...(node.callArgs ?? {}) };
    let outs: tf.Tensor[];
    if (tapHere && layer === tap.location.layer) {
      if (tap.kind === 'substitute') outs = [tap.value];
      else {
        outs = toList(layer.call(ins.length === 1 ? ins[0]! : ins, kwargs));
        tap.onOutput(outs[0]!);
      }
    } else if (!tapHere && layer === onPath[level + 1]) {
      outs = runGraph(layer as GraphLike, ins, tap, level + 1);
    } else {
      outs = toList(layer.call(ins.length === 1 ? ins[0]! : ins, kwargs));
    }
    node.outputTensors.forEach((s, i) => {
      values.set(s.id, outs[i]!);
    });
  }
  return graph.outputs.map((s) => {
    const v = values.get(s.id);
    if (!v) throw new InterpError('NOT_SUPPORTED', `cannot compute the output of ${graph.name}`);
    return v;
  });
}

function toList(t: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(t) ? t : [t];
}
