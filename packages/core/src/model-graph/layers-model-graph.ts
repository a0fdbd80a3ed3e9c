import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { InterpError } from '../errors.js';
import {
  type ContainerLike,
  isContainer,
  type LayerLike,
  type NodeLike,
} from '../layers-internals.js';
import { describe } from '../validate.js';
import { applyHook } from './apply-hook.js';
import { findNode } from './find-node.js';
import type {
  GraphNode,
  GraphParameter,
  GraphRunOptions,
  GraphRunResult,
  ImageLayout,
  ModelGraph,
  NodeHook,
} from './model-graph.js';
import { replacementOf } from './replacement-hook.js';

/** The container's nodes in execution order (deepest first, as Container.runInternalGraph). */
function nodesInOrder(graph: ContainerLike): NodeLike[] {
  // A Sequential builds its inner graph lazily, on first call.
  if (graph.nodesByDepth === undefined || Object.keys(graph.nodesByDepth).length === 0) {
    graph.build?.();
  }
  const depths = Object.keys(graph.nodesByDepth ?? {})
    .map(Number)
    .sort((a, b) => b - a);
  return depths.flatMap((d) => graph.nodesByDepth[d] ?? []);
}

/** A graph node with the layer behind it and how many times the model applies that layer. */
interface LayerEntry {
  node: GraphNode;
  layer: LayerLike;
  uses: number;
}

// One graph per model, so repeated calls (each attribution call resolves its model) do not
// re-walk it; the model's wiring is fixed once built.
const graphs = new WeakMap<object, ModelGraph>();

/**
 * A {@link ModelGraph} over a tfjs-layers model (Sequential or functional; nested models are
 * opened, their layers' module paths start with the nested model's name). Node names are layer
 * names, ops are class names (`Conv2D`, `Dense`), params are `layer.countParams()`. `run` walks
 * the model node by node, as tfjs-layers does, so a hook can replace a layer's output for every
 * layer downstream (or wrap it in `tf.customGrad` to change that layer's gradient); `predict`
 * and a run without taps or hooks call `model.apply` directly. A layer applied several times (a
 * shared layer) runs its hook at each application and cannot be tapped. The layout is `NHWC` for
 * 4-D inputs, `none` otherwise. Disposing the graph leaves the model alone.
 *
 * @example
 * ```ts
 * const graph = layersModelGraph(model);
 * const { output, taps } = graph.run(x, { taps: ['conv2d_1'] });
 * taps.conv2d_1.shape; // [N, 26, 26, 16]
 * ```
 */
export function layersModelGraph(model: LayersModel): ModelGraph {
  if (!isContainer(model) || typeof (model as ContainerLike).apply !== 'function') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `layersModelGraph needs a tfjs-layers LayersModel (tf.sequential() or tf.model()), got ${describe(model)}`,
    );
  }
  const cached = graphs.get(model);
  if (cached) return cached;
  const graph = buildGraph(model as ContainerLike);
  graphs.set(model, graph);
  return graph;
}

function buildGraph(root: ContainerLike): ModelGraph {
  if (root.inputs.length !== 1) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `the model has ${root.inputs.length} inputs; a model graph supports models with one input`,
    );
  }
  const entries = collectEntries(root);
  const byName = new Map(entries.map((e) => [e.node.name, e]));
  const nodes = entries.map((e) => e.node);
  const inputShape = [...root.inputs[0]!.shape];
  const outputShape = [...root.outputs[0]!.shape];
  const layout: ImageLayout = inputShape.length === 4 ? 'NHWC' : 'none';
  const find = (query: string) => findNode(nodes, query);

  const run = (x: tf.Tensor, options: GraphRunOptions = {}): GraphRunResult => {
    const { taps = [], hooks = {}, training = false } = options;
    const tapped = new Map<LayerLike, string[]>();
    for (const query of taps) {
      const entry = byName.get(find(query).name)!;
      if (entry.uses > 1) {
        throw new InterpError(
          'NOT_SUPPORTED',
          `layer ${JSON.stringify(entry.node.name)} is applied ${entry.uses} times in the model (a shared layer), so it has no single output to tap; pick a layer used once`,
        );
      }
      tapped.set(entry.layer, [...(tapped.get(entry.layer) ?? []), query]);
    }
    const hooked = new Map<LayerLike, { hook: NodeHook; node: GraphNode }>();
    for (const [query, hook] of Object.entries(hooks)) {
      if (typeof hook !== 'function') {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `the hook for ${JSON.stringify(query)} must be a function (output, { node, inputs }) => replacement, got ${describe(hook)}`,
        );
      }
      const entry = byName.get(find(query).name)!;
      hooked.set(entry.layer, { hook, node: entry.node });
    }
    if (tapped.size === 0 && hooked.size === 0) {
      return { output: firstOf(root.apply(x, { training })), taps: {} };
    }
    const tapValues: Record<string, tf.Tensor> = {};
    const walk: Walk = { training, tapped, hooked, tapValues };
    const output = runContainer(root, [x], walk)[0]!;
    return { output, taps: tapValues };
  };

  return {
    kind: 'layers',
    nodes,
    inputShape,
    outputShape,
    layout,
    run,
    predict: (x) => firstOf(root.apply(x, { training: false })),
    findNode: find,
    parameters: () => entries.flatMap(({ layer }) => layerParameters(layer)),
    dispose: () => {},
  };
}

/** Every computing layer (nested models opened), in execution order, once each. */
function collectEntries(root: ContainerLike): LayerEntry[] {
  const entries: LayerEntry[] = [];
  const byLayer = new Map<LayerLike, LayerEntry>();
  const visit = (graph: ContainerLike, path: string[]) => {
    for (const n of nodesInOrder(graph)) {
      const layer = n.outboundLayer;
      if (layer.getClassName() === 'InputLayer') continue;
      if (isContainer(layer)) {
        visit(layer, [...path, layer.name]);
        continue;
      }
      const known = byLayer.get(layer);
      if (known) {
        known.uses++;
        continue;
      }
      const entry: LayerEntry = {
        layer,
        uses: 1,
        node: {
          name: layer.name,
          op: layer.getClassName(),
          inputs: n.inputTensors.map((s) => s.name),
          outputs: n.outputTensors.map((s) => s.name),
          outputShape: n.outputTensors[0] ? [...n.outputTensors[0].shape] : undefined,
          params: layer.countParams(),
          trainableParams: layer.trainableWeights.reduce(
            (a, w) => a + w.shape.reduce<number>((p, d) => p * (d ?? 0), 1),
            0,
          ),
          modulePath: [...path, layer.name].join('.'),
        },
      };
      byLayer.set(layer, entry);
      entries.push(entry);
    }
  };
  visit(root, []);
  return entries;
}

/** What one run carries through the (nested) containers. */
interface Walk {
  training: boolean;
  tapped: Map<LayerLike, string[]>;
  hooked: Map<LayerLike, { hook: NodeHook; node: GraphNode }>;
  tapValues: Record<string, tf.Tensor>;
}

function runContainer(graph: ContainerLike, inputs: tf.Tensor[], walk: Walk): tf.Tensor[] {
  const values = new Map<number, tf.Tensor>();
  graph.inputs.forEach((s, i) => {
    values.set(s.id, inputs[i]!);
  });
  const order = nodesInOrder(graph);
  const needed = neededNodes(graph, order, walk);
  for (const n of order) {
    const layer = n.outboundLayer;
    if (!needed.has(n)) continue;
    const replacement = replacingOutput(n, walk);
    if (replacement) {
      values.set(n.outputTensors[0]!.id, replacement);
      continue;
    }
    const args = n.inputTensors.map((s) => values.get(s.id));
    // A node fed by another input of a multi-input container: not on this run's path.
    if (args.some((a) => a === undefined)) continue;
    const ins = args as tf.Tensor[];
    const outs = isContainer(layer)
      ? runContainer(layer, ins, walk)
      : toList(
          layer.call(ins.length === 1 ? ins[0]! : ins, {
            ...(n.callArgs ?? {}),
            training: walk.training,
          }),
        );
    const hooked = walk.hooked.get(layer);
    if (hooked) {
      outs[0] = applyHook(hooked.hook, outs[0]!, { node: hooked.node, inputs: ins });
    }
    for (const query of walk.tapped.get(layer) ?? []) walk.tapValues[query] = outs[0]!;
    n.outputTensors.forEach((s, i) => {
      values.set(s.id, outs[i]!);
    });
  }
  return graph.outputs.map((s) => {
    const v = values.get(s.id);
    if (!v) {
      throw new InterpError('NOT_SUPPORTED', `cannot compute the output of ${graph.name}`);
    }
    return v;
  });
}

/**
 * The nodes of a container this run needs: those on a path to its outputs or to a tapped layer,
 * stopping at a layer a `replaceOutput` hook stands in for, so GradCAM's second pass runs
 * the head alone instead of a whole forward under the tape.
 */
function neededNodes(graph: ContainerLike, order: NodeLike[], walk: Walk): Set<NodeLike> {
  const wanted = new Set(graph.outputs.map((s) => s.id));
  const needed = new Set<NodeLike>();
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    const layer = n.outboundLayer;
    if (layer.getClassName() === 'InputLayer') continue;
    if (!n.outputTensors.some((s) => wanted.has(s.id)) && !holdsTap(layer, walk)) continue;
    needed.add(n);
    if (replacingOutput(n, walk)) continue;
    for (const s of n.inputTensors) wanted.add(s.id);
  }
  return needed;
}

function holdsTap(layer: LayerLike, walk: Walk): boolean {
  if (walk.tapped.has(layer)) return true;
  return isContainer(layer) && nodesInOrder(layer).some((n) => holdsTap(n.outboundLayer, walk));
}

/** The tensor a replacing hook gives for the node's (single) output, checked against its shape. */
function replacingOutput(n: NodeLike, walk: Walk): tf.Tensor | undefined {
  const hooked = walk.hooked.get(n.outboundLayer);
  const value = hooked && replacementOf(hooked.hook);
  if (!value || n.outputTensors.length !== 1) return undefined;
  const shape = n.outputTensors[0]!.shape;
  const fits =
    value.rank === shape.length && shape.every((d, i) => d === null || d === value.shape[i]);
  if (!fits) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `the hook on ${JSON.stringify(hooked.node.name)} returned shape [${value.shape.join(', ')}] for an output of shape [${shape.map((d) => d ?? 'N').join(', ')}]; a replacement must keep the shape`,
    );
  }
  return value;
}

/** A tfjs-layers LayerVariable, as far as parameters() reads it. */
interface WeightLike {
  name: string;
  originalName?: string;
  dtype: string;
  trainable: boolean;
  read(): tf.Tensor;
}

function layerParameters(layer: LayerLike): GraphParameter[] {
  return (layer.weights as WeightLike[])
    .filter((w) => w.dtype === 'float32')
    .map((w) => ({
      name: w.originalName ?? w.name,
      node: layer.name,
      value: w.read(),
      trainable: w.trainable,
    }));
}

function toList(t: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(t) ? [...t] : [t];
}

function firstOf(t: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(t) ? t[0]! : t;
}
