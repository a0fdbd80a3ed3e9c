// The tape-free input gradient of a tfjs-converter GraphModel (graph-model-graph.ts offers it as
// ModelGraph.inputGradient): the converter's own forward pass (one execute that keeps every
// node's output), then a walk of the op graph backwards with hand-written vector-Jacobian
// products for the hot ops of conv nets and tf.grad of the one node (fed its inputs through
// execute, as replaceOutput feeds a node) for any other. The hand-written ones are the input
// halves of tfjs's own gradients, on the kernels the layers models' path uses
// (layer-conv-step.ts, layer-chain.ts, layer-steps.ts). Internal to @interp/core.
import * as tf from '@tensorflow/tfjs-core';
import { activeValues, type BackwardGraph, walkBackward } from '../backward-walk.js';
import { markWeightData } from '../kernels/derived-weight-cache.js';
import { type ConverterNode, type PlanNode, vjps } from './graph-model-vjps.js';

export type { ConverterNode } from './graph-model-vjps.js';

/** What the walk needs of a GraphModel: execute by node names, and its weights by name. */
export interface GradientModel {
  execute(feeds: tf.NamedTensorMap, outputs: string[]): tf.Tensor[];
  readonly weights: Record<string, tf.Tensor[]>;
}

/** A GraphModel's computing nodes up to its output, in execution order. */
export interface GraphModelGradientPlan {
  model: GradientModel;
  /** The model's weight tensors: values the converter passes on as they are, never freed here. */
  weights: ReadonlySet<tf.Tensor>;
  inputName: string;
  outputName: string;
  nodes: PlanNode[];
}

/** Ops whose outputs are no tensor the walk can keep: the graph then goes to tf.grad. */
const NO_VALUE = new Set(['NoOp', 'Enter', 'Exit', 'Merge', 'Switch', 'NextIteration', 'LoopCond']);

/** Thrown when a node cannot be differentiated here: the whole call goes to tf.grad instead. */
class NoTapeFreeGradient extends Error {}

/**
 * The plan for `ordered` (every op node, in execution order), or undefined when the graph has
 * what the walk does not handle: a node reading another output than a node's first (`split:1`),
 * a control dependency or control flow, a placeholder other than the input, an output that is not
 * a computed node. Declares the model's weights weight data (see markWeightData).
 *
 * @example
 * ```ts
 * const plan = planGraphModelGradient(model, topologicalOrder(nodes), 'input', 'Identity');
 * ```
 */
export function planGraphModelGradient(
  model: GradientModel,
  ordered: readonly ConverterNode[],
  inputName: string,
  outputName: string,
): GraphModelGradientPlan | undefined {
  // The model's output may be named by its signature key (`output_0`) or as a tensor (`probs:0`).
  const [outputBase, outputIndex] = outputName.split(':');
  const output = ordered.find((n) => n.name === outputBase || n.signatureKey === outputBase);
  if (
    output === undefined ||
    (outputIndex !== undefined && outputIndex !== '0') ||
    output.op === 'Const' ||
    output.op === 'Placeholder'
  ) {
    return undefined;
  }
  const needed = new Set<ConverterNode>();
  const stack = [output];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (needed.has(node)) continue;
    needed.add(node);
    for (const input of node.inputs) stack.push(input);
  }
  const nodes: PlanNode[] = [];
  for (const node of ordered) {
    if (!needed.has(node) || node.op === 'Const') continue;
    if (node.op === 'Placeholder') {
      if (node.name !== inputName) return undefined;
      continue;
    }
    // Control dependencies (NoOp) and control flow have no value to keep or differentiate.
    if (NO_VALUE.has(node.op) || node.inputNames.length !== node.inputs.length) return undefined;
    if (node.inputNames.some((name, k) => name !== node.inputs[k]!.name)) return undefined;
    const weights = node.inputs.map((input) => {
      if (input.op !== 'Const') return undefined;
      const value = model.weights[input.name]?.[0];
      // A weight's data is long-lived: the backprop kernels may keep what they derive from it.
      if (value !== undefined) markWeightData(value.dataId);
      return value;
    });
    if (node.inputs.some((input, k) => input.op === 'Const' && weights[k] === undefined)) {
      return undefined;
    }
    nodes.push({ node, weights });
  }
  if (nodes.length === 0) return undefined;
  const weights = new Set(Object.values(model.weights).flat());
  return { model, weights, inputName, outputName: output.name, nodes };
}

/**
 * d(score)/d(x) and the outputs of the same forward pass, or undefined when some node cannot be
 * differentiated without the whole-graph tape (the caller then runs tf.grad, which gives the same
 * numbers). `seed` maps the outputs to d(score)/d(outputs). The two tensors are the caller's.
 *
 * @example
 * ```ts
 * const r = graphModelInputGradient(plan, x, (y) => tf.cast(tf.oneHot([3], y.shape[1]!), 'float32'));
 * ```
 */
export function graphModelInputGradient(
  plan: GraphModelGradientPlan,
  x: tf.Tensor,
  seed: (outputs: tf.Tensor) => tf.Tensor,
): { outputs: tf.Tensor; gradient: tf.Tensor } | undefined {
  try {
    return tf.tidy(() => walk(plan, x, seed));
  } catch (e) {
    if (e instanceof NoTapeFreeGradient) return undefined;
    throw e;
  }
}

function walk(
  plan: GraphModelGradientPlan,
  x: tf.Tensor,
  seed: (outputs: tf.Tensor) => tf.Tensor,
): { outputs: tf.Tensor; gradient: tf.Tensor } {
  const { model, inputName, outputName } = plan;
  const names = plan.nodes.map((p) => p.node.name);
  const computed = model.execute({ [inputName]: x }, names);
  const values = new Map<string, tf.Tensor>([[inputName, x]]);
  names.forEach((name, i) => {
    values.set(name, computed[i]!);
  });
  const outputs = values.get(outputName)!;
  // How many names hold each tensor (the converter may pass a tensor on as another node's).
  const holders = new Map<tf.Tensor, number>();
  for (const t of values.values()) holders.set(t, (holders.get(t) ?? 0) + 1);
  const graph: BackwardGraph<PlanNode, string> = {
    nodes: plan.nodes,
    inputs: (step) => step.node.inputNames,
    outputs: (step) => [step.node.name],
    active: (name) => active.has(name),
    vjp: (step, dy, which, _, dySpent) => {
      const { node } = step;
      const y = values.get(node.name)!;
      const inputs = node.inputNames.map((name, k) => step.weights[k] ?? values.get(name)!);
      return (
        vjps[node.op]?.(step, inputs, which, y, dy, dySpent) ??
        nodeTapeVjp(plan, step, values, which, dy)
      );
    },
    // Every reader of this node came later in execution order: its output is spent.
    spent: (step) => {
      const y = values.get(step.node.name)!;
      const left = holders.get(y)! - 1;
      holders.set(y, left);
      return left === 0 ? y : undefined;
    },
    holds: (t) => t === x || t === outputs || plan.weights.has(t),
  };
  const active = activeValues(graph, [inputName], (name) => values.get(name)!.dtype === 'float32');
  const seeds = new Map<string, tf.Tensor>();
  if (active.has(outputName)) seeds.set(outputName, seed(outputs));
  const gradient = walkBackward(graph, seeds).get(inputName) ?? tf.zerosLike(x);
  return { outputs: outputs === x ? tf.clone(outputs) : outputs, gradient };
}

/**
 * tf.grad of one node: the converter runs it again, fed its input values (so under the tape a
 * fused conv runs as its parts, as in a whole-graph tf.grad). Throws {@link NoTapeFreeGradient}
 * when tfjs cannot differentiate it.
 */
function nodeTapeVjp(
  plan: GraphModelGradientPlan,
  step: PlanNode,
  values: ReadonlyMap<string, tf.Tensor>,
  which: readonly boolean[],
  dy: tf.Tensor,
): (tf.Tensor | undefined)[] {
  const { node } = step;
  const fed = [...new Set(node.inputNames.filter((_, k) => step.weights[k] === undefined))];
  const varied = fed.filter((name) => node.inputNames.some((n, k) => n === name && which[k]));
  const f = (...ts: tf.Tensor[]) => {
    const feeds: tf.NamedTensorMap = {};
    for (const name of fed) {
      const j = varied.indexOf(name);
      feeds[name] = j < 0 ? values.get(name)! : ts[j]!;
    }
    return plan.model.execute(feeds, [node.name])[0]!;
  };
  let dxs: tf.Tensor[];
  try {
    dxs = tf.grads(f)(
      varied.map((name) => values.get(name)!),
      dy,
    );
  } catch (e) {
    dropTape();
    throw new NoTapeFreeGradient(`${node.name} (${node.op}): ${(e as Error).message}`);
  }
  // One gradient per name: an input read twice (Mul(x, x)) gets it at its first slot only.
  return node.inputNames.map((name, k) => {
    const j = varied.indexOf(name);
    return j < 0 || node.inputNames.indexOf(name) !== k ? undefined : dxs[j];
  });
}

/** Frees what a failed tf.grads left on the tape (it keeps the tensors it saved for backprop). */
function dropTape(): void {
  const state = tf.engine().state as unknown as {
    gradientDepth: number;
    activeTape: { saved?: tf.Tensor[] }[] | null;
  };
  if (state.gradientDepth !== 0 || state.activeTape === null) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
}
