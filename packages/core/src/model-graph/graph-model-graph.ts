import type { GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { InterpError } from '../errors.js';
import { describe } from '../validate.js';
import { applyHook } from './apply-hook.js';
import { findNode } from './find-node.js';
import {
  type ConverterNode,
  type GraphModelGradientPlan,
  graphModelInputGradient,
  planGraphModelGradient,
} from './graph-model-input-gradient.js';
import type {
  Dim,
  GraphNode,
  GraphParameter,
  GraphRunOptions,
  GraphRunResult,
  ImageLayout,
  ModelGraph,
  NodeHook,
} from './model-graph.js';
import { replacementOf } from './replacement-hook.js';

/** What the adapter needs of a GraphModel (its private executor graph holds the op nodes). */
interface GraphModelLike {
  execute(inputs: tf.NamedTensorMap, outputs: string[]): tf.Tensor | tf.Tensor[];
  readonly inputs: { name: string; shape?: number[] }[];
  readonly outputNodes: string[];
  readonly weights: Record<string, tf.Tensor[]>;
  readonly executor?: { graph?: { nodes: Record<string, ConverterNode> } };
}

/** Ops whose nodes are not computations: inputs and weights. */
const NON_COMPUTING = new Set(['Placeholder', 'Const']);

/** Longest cause quoted from tfjs in an error. */
const MAX_CAUSE_CHARS = 200;

const graphs = new WeakMap<object, ModelGraph>();

/**
 * A {@link ModelGraph} over a tfjs-converter GraphModel (`"format": "graph-model"`, what
 * `tensorflowjs_converter` writes). Nodes are the graph's op nodes in execution order (weights and
 * the input left out): name, op (`_FusedConv2D`, `AddV2`), inputs, output shape (from one pass on
 * a zero item when the input's item shape is known) and params (the sizes of the weights the node
 * reads, float weights only, each counted at its first reader, so they add up to the float
 * weights of the manifest).
 * `modulePath` is the name below the prefix all nested names share, `/` written `.`
 * (`MobilenetV2.expanded_conv_16.project.BatchNorm`), so a layer query may name a block.
 *
 * `run` taps through `execute(inputs, outputs)`; a hook replaces a node's output by feeding it
 * back as an intermediate (`execute({ input, [node]: replacement }, outputs)`), so gradients,
 * GradCAM and layer methods work by node name. A `replaceOutput` hook is fed without
 * running its node, so the executor skips the node and every node only it needs (GradCAM's
 * differentiated pass runs the head alone). Only single-input models without control flow
 * (which needs `executeAsync`) are supported. The layout is `NHWC` for 4-D inputs.
 *
 * `inputGradient` (what targetInputGradient's `'auto'` runs, method `'graph'`) is one forward
 * that keeps every node's output and a backward walk without the gradient tape
 * (graph-model-input-gradient.ts); graphs it cannot walk go to tf.grad.
 *
 * @example
 * ```ts
 * const model = await tfconv.loadGraphModel(handler);
 * const graph = graphModelGraph(model);
 * const { taps } = graph.run(x, { taps: ['MobilenetV2.Conv_1'] });
 * ```
 */
export function graphModelGraph(model: GraphModel): ModelGraph {
  const m = model as unknown as GraphModelLike;
  if (typeof m !== 'object' || m === null || typeof m.execute !== 'function') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `graphModelGraph needs a tfjs-converter GraphModel (from loadGraphModel), got ${describe(model)}`,
    );
  }
  const cached = graphs.get(m);
  if (cached) return cached;
  const graph = buildGraph(m);
  graphs.set(m, graph);
  return graph;
}

function buildGraph(m: GraphModelLike): ModelGraph {
  const all = m.executor?.graph?.nodes;
  if (all === undefined) {
    throw new InterpError(
      'NOT_SUPPORTED',
      'graphModelGraph: this GraphModel keeps no op graph to read (a tfjs-converter other than 4.x?)',
    );
  }
  if (m.inputs.length !== 1) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `the graph model has ${m.inputs.length} inputs; a model graph supports models with one input`,
    );
  }
  const inputName = m.inputs[0]!.name;
  const outputName = m.outputNodes[0]!;
  const inputShape: Dim[] = (m.inputs[0]!.shape ?? []).map((d, i) => (i === 0 || d < 0 ? null : d));
  const layout: ImageLayout = inputShape.length === 4 ? 'NHWC' : 'none';
  const weightNames = new Set(
    Object.values(all)
      .filter((n) => n.op === 'Const')
      .map((n) => n.name),
  );
  // Params are float weights, as Keras counts them: int shape and axis constants are not.
  const floatSize = (name: string) =>
    (m.weights[name] ?? []).reduce((a, t) => a + (t.dtype === 'float32' ? t.size : 0), 0);
  const everyNode = topologicalOrder(all);
  const ordered = everyNode.filter((n) => !NON_COMPUTING.has(n.op));
  const prefix = sharedPrefix(ordered.map((n) => n.name));
  const counted = new Set<string>();
  const parameters: GraphParameter[] = [];
  const shapes = probeShapes(m, inputName, inputShape, ordered);
  const nodes: GraphNode[] = ordered.map((n, i) => {
    let params = 0;
    for (const input of n.inputs) {
      if (!weightNames.has(input.name) || counted.has(input.name)) continue;
      counted.add(input.name);
      params += floatSize(input.name);
      for (const value of m.weights[input.name] ?? []) {
        if (value.dtype === 'float32') {
          parameters.push({ name: input.name, node: n.name, value, trainable: false });
        }
      }
    }
    const modulePath =
      prefix.length > 0 && n.name.startsWith(prefix)
        ? n.name.slice(prefix.length).replaceAll('/', '.')
        : undefined;
    return {
      name: n.name,
      op: n.op,
      inputs: n.inputs.filter((x) => !weightNames.has(x.name)).map((x) => x.name),
      outputs: [n.name],
      outputShape: shapes?.[i],
      params,
      trainableParams: params,
      ...(modulePath ? { modulePath } : {}),
    };
  });
  const find = (query: string) => findNode(nodes, query, 'layer');
  const execute = (feeds: tf.NamedTensorMap, outputs: string[]): tf.Tensor[] => {
    const out = m.execute(feeds, outputs);
    return Array.isArray(out) ? out : [out];
  };

  const run = (x: tf.Tensor, options: GraphRunOptions = {}): GraphRunResult => {
    const { taps = [], hooks = {} } = options;
    const tapNodes = taps.map((q) => find(q).name);
    const hooked: { node: GraphNode; hook: NodeHook }[] = [];
    for (const [query, hook] of Object.entries(hooks)) {
      if (typeof hook !== 'function') {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `the hook for ${JSON.stringify(query)} must be a function (output, { node, inputs }) => replacement, got ${describe(hook)}`,
        );
      }
      hooked.push({ node: find(query), hook });
    }
    // Hooks in execution order: each one sees the replacements of the hooks before it.
    const position = new Map(nodes.map((n, i) => [n.name, i]));
    hooked.sort((a, b) => position.get(a.node.name)! - position.get(b.node.name)!);
    const feeds: tf.NamedTensorMap = { [inputName]: x };
    for (const { node, hook } of hooked) {
      const replacement = replacementOf(hook);
      // Fed as the node's value, a replacement makes the executor stop there: only what is
      // downstream of it (or needed by a tap or another branch) runs. Without a known output
      // shape to check it against, the node runs and applyHook checks the replacement.
      if (replacement !== undefined && node.outputShape !== undefined) {
        feeds[node.name] = checkedReplacement(node, node.outputShape, replacement);
        continue;
      }
      const needed = [node.name, ...node.inputs];
      const got = execute(feeds, needed);
      feeds[node.name] = applyHook(hook, got[0]!, { node, inputs: got.slice(1) });
    }
    const wanted = [outputName, ...tapNodes.filter((t) => !(t in feeds))];
    const got = execute(feeds, wanted);
    const values = new Map(wanted.map((w, i) => [w, got[i]!]));
    const tapValues: Record<string, tf.Tensor> = {};
    taps.forEach((q, i) => {
      tapValues[q] = feeds[tapNodes[i]!] ?? values.get(tapNodes[i]!)!;
    });
    return { output: values.get(outputName)!, taps: tapValues };
  };

  // Planned at the first call (null: the graph has what the backward walk does not handle).
  let plan: GraphModelGradientPlan | null | undefined;
  const inputGradient = (x: tf.Tensor, seed: (outputs: tf.Tensor) => tf.Tensor) => {
    checkGradientInput(x, inputShape);
    if (plan === undefined) {
      plan =
        planGraphModelGradient({ execute, weights: m.weights }, everyNode, inputName, outputName) ??
        null;
    }
    return plan === null ? undefined : graphModelInputGradient(plan, x, seed);
  };

  return {
    kind: 'graph-model',
    nodes,
    inputShape,
    outputShape: shapes?.at(-1) ?? [null],
    layout,
    run,
    predict: (x) => execute({ [inputName]: x }, [outputName])[0]!,
    findNode: find,
    parameters: () => parameters,
    inputGradient,
    dispose: () => {},
  };
}

/** An input gradient's x: a live float32 tensor shaped like the model's input (batch axis free). */
function checkGradientInput(x: unknown, shape: readonly Dim[]): asserts x is tf.Tensor {
  const where = 'the graph model input gradient';
  if (!(x instanceof tf.Tensor) || x.isDisposed || x.dtype !== 'float32') {
    const got =
      x instanceof tf.Tensor
        ? x.isDisposed
          ? 'a disposed tensor'
          : `dtype ${x.dtype}`
        : describe(x);
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: x must be a live float32 tensor (use tf.cast(x, 'float32')), got ${got}`,
    );
  }
  const fits =
    shape.length === 0 ||
    (x.rank === shape.length && shape.every((d, i) => i === 0 || d === null || d === x.shape[i]));
  if (!fits) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${where}: x has shape [${x.shape.join(', ')}] but the model expects [${shape.map((d) => d ?? 'N').join(', ')}]; reshape the input to the model's input shape`,
    );
  }
}

/** A replaceOutput tensor, checked against the node's output shape (batch axis free). */
function checkedReplacement(node: GraphNode, shape: readonly Dim[], value: tf.Tensor): tf.Tensor {
  const same =
    value.rank === shape.length && shape.every((d, i) => d === null || d === value.shape[i]);
  if (!same) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `the hook on ${JSON.stringify(node.name)} returned shape [${value.shape.join(', ')}] for an output of shape [${shape.map((d) => d ?? 'N').join(', ')}]; a replacement must keep the shape`,
    );
  }
  return value;
}

/**
 * True for a tfjs-converter GraphModel (checked by shape, so any copy of tfjs-converter counts).
 *
 * @example
 * ```ts
 * if (isGraphModel(m)) graphModelGraph(m);
 * ```
 */
export function isGraphModel(m: unknown): m is GraphModel {
  const g = m as GraphModelLike & { executeAsync?: unknown };
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof g.execute === 'function' &&
    typeof g.executeAsync === 'function' &&
    Array.isArray(g.outputNodes)
  );
}

/** The graph's nodes, each after the nodes it reads (depth-first from every node). */
function topologicalOrder(all: Record<string, ConverterNode>): ConverterNode[] {
  const order: ConverterNode[] = [];
  const state = new Map<ConverterNode, 'open' | 'done'>();
  for (const start of Object.values(all)) {
    if (state.has(start)) continue;
    // Iterative, since real graphs are deeper than the call stack likes.
    const stack: { node: ConverterNode; next: number }[] = [{ node: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length > 0) {
      const top = stack.at(-1)!;
      const child = top.node.inputs[top.next++];
      if (child === undefined) {
        stack.pop();
        state.set(top.node, 'done');
        order.push(top.node);
      } else if (!state.has(child)) {
        state.set(child, 'open');
        stack.push({ node: child, next: 0 });
      }
    }
  }
  return order;
}

/** The `/`-separated prefix that every nested name shares (empty when there is none). */
function sharedPrefix(names: string[]): string {
  const nested = names.filter((n) => n.includes('/')).map((n) => n.split('/').slice(0, -1));
  if (nested.length < 2) return '';
  let k = 0;
  while (nested.every((p) => k < p.length && p[k] === nested[0]![k])) k++;
  return k === 0 ? '' : `${nested[0]!.slice(0, k).join('/')}/`;
}

/** Output shapes (batch axis `null`) from one pass on a zero item; undefined if unknowable. */
function probeShapes(
  m: GraphModelLike,
  inputName: string,
  inputShape: Dim[],
  ordered: ConverterNode[],
): (Dim[] | undefined)[] | undefined {
  const item = inputShape.slice(1);
  if (item.length === 0 || item.some((d) => d === null)) return undefined;
  let shapes: Dim[][] | undefined;
  try {
    tf.tidy(() => {
      const out = m.execute(
        { [inputName]: tf.zeros([1, ...(item as number[])]) },
        ordered.map((n) => n.name),
      );
      shapes = (Array.isArray(out) ? out : [out]).map((t) => [null, ...t.shape.slice(1)]);
    });
    return shapes;
  } catch (e) {
    // A graph that cannot run on zeros cannot be explained either: say why, briefly (tfjs's
    // messages can quote node attributes at length).
    const line = String((e as Error)?.message ?? e).split('\n')[0]!;
    const cause = line.length <= MAX_CAUSE_CHARS ? line : `${line.slice(0, MAX_CAUSE_CHARS)}...`;
    throw new InterpError(
      'NOT_SUPPORTED',
      `the graph model does not run with execute() on a zero input (${cause}); models with control flow or unsupported ops are not supported`,
    );
  }
}
