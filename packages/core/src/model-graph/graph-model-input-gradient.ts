// The tape-free input gradient of a tfjs-converter GraphModel (graph-model-graph.ts offers it as
// ModelGraph.inputGradient): the converter's own forward pass (one execute that keeps every
// node's output), then a walk of the op graph backwards with hand-written vector-Jacobian
// products for the hot ops of conv nets and tf.grad of the one node (fed its inputs through
// execute, as replaceOutput feeds a node) for any other. The hand-written ones are the input
// halves of tfjs's own gradients, on the kernels the layers models' path uses
// (layer-conv-step.ts, layer-chain.ts, layer-steps.ts). Internal to @interp/core.
import * as tf from '@tensorflow/tfjs-core';
import { activeValues, type BackwardGraph, walkBackward } from '../backward-walk.js';
import { cappedReluGrad } from '../kernels/capped-relu-grad-wasm.js';
import { markWeightData } from '../kernels/derived-weight-cache.js';
import { activationBackward, denseInputGradient, globalMeanInputGradient } from '../layer-chain.js';
import { convInputGradient } from '../layer-conv-step.js';
import { spatialPadInputGradient } from '../layer-steps.js';

/** The parts of tfjs-converter's internal graph node the backward walk reads. */
export interface ConverterNode {
  name: string;
  op: string;
  inputNames: string[];
  inputs: ConverterNode[];
  /** The signature's name for the node, when the model has a signature naming it. */
  signatureKey?: string;
  /** Parsed attributes (`strides`, `pad`, `fusedOps`, ...): `{ value }` each. */
  attrParams?: Record<string, { value?: unknown } | undefined>;
}

/** What the walk needs of a GraphModel: execute by node names, and its weights by name. */
export interface GradientModel {
  execute(feeds: tf.NamedTensorMap, outputs: string[]): tf.Tensor[];
  readonly weights: Record<string, tf.Tensor[]>;
}

/** A node of the plan: the converter node and, per input, its weight (undefined: computed). */
interface PlanNode {
  node: ConverterNode;
  weights: (tf.Tensor | undefined)[];
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
    vjp: (step, dy, which) => {
      const { node } = step;
      const y = values.get(node.name)!;
      const inputs = node.inputNames.map((name, k) => step.weights[k] ?? values.get(name)!);
      return (
        vjps[node.op]?.(step, inputs, which, y, dy) ?? nodeTapeVjp(plan, step, values, which, dy)
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
 * A node's vector-Jacobian product: d(score)/d(input k) for the inputs marked in `which`, given
 * d(score)/d(output) `dy`; `inputs` are the node's input values (weights included), `y` its
 * output. Undefined: not covered here, differentiate the node with tf.grad.
 */
type Vjp = (
  step: PlanNode,
  inputs: tf.Tensor[],
  which: readonly boolean[],
  y: tf.Tensor,
  dy: tf.Tensor,
) => (tf.Tensor | undefined)[] | undefined;

const attr = (node: ConverterNode, name: string): unknown => node.attrParams?.[name]?.value;

/** Conv2D, DepthwiseConv2dNative and their fused forms with BiasAdd and ReLU/ReLU6 (NHWC). */
const convVjp: Vjp = (step, inputs, which, y, dy) => {
  const { node } = step;
  const depthwise = node.op.includes('Depthwise');
  const fused = (attr(node, 'fusedOps') as string[] | undefined) ?? [];
  const [extra, activation] = fused;
  const fits =
    !which[1] &&
    which.slice(2).every((w) => !w) &&
    step.weights[1] !== undefined &&
    String(attr(node, 'dataFormat') ?? 'nhwc').toLowerCase() === 'nhwc' &&
    fused.length <= 2 &&
    (extra === undefined || extra === 'biasadd') &&
    (activation === undefined || activation === 'relu' || activation === 'relu6');
  const strides = attr(node, 'strides') as number[] | undefined;
  const dilations = (attr(node, 'dilations') as number[] | undefined) ?? [1, 1, 1, 1];
  const pad = convPadding(node);
  if (!fits || strides?.length !== 4 || dilations.length !== 4 || pad === undefined) {
    return undefined;
  }
  // The tape differentiates a fused conv as conv + bias + activation: the activation's derivative
  // (read off y: relu6 then differs from tfjs's only where its input is exactly 6) comes first.
  const dz = activationBackward(activation ?? 'linear', dy, y);
  const spec = {
    kind: depthwise ? ('depthwise' as const) : ('conv2d' as const),
    strides: [strides[1]!, strides[2]!] as [number, number],
    dilations: [dilations[1]!, dilations[2]!] as [number, number],
  };
  const dx = convInputGradient(spec, dz, inputs[0]!.shape, step.weights[1]!, pad);
  if (dz !== dy) dz.dispose();
  return [dx];
};

/** The converter's padding of a conv node: 'same', 'valid' or explicit NHWC pairs. */
function convPadding(
  node: ConverterNode,
): 'same' | 'valid' | tf.backend_util.ExplicitPadding | undefined {
  const pad = String(attr(node, 'pad') ?? '').toLowerCase();
  if (pad === 'same' || pad === 'valid') return pad;
  const explicit = attr(node, 'explicitPaddings') as number[] | undefined;
  if (pad !== 'explicit' || explicit?.length !== 8) return undefined;
  return [0, 2, 4, 6].map((k) => [explicit[k]!, explicit[k + 1]!]) as [
    [number, number],
    [number, number],
    [number, number],
    [number, number],
  ];
}

/**
 * MatMul and _FusedMatMul (BiasAdd, then Relu or Relu6) of an input by a weight matrix: the
 * activation's derivative, then dz times the weight transposed, as tfjs's gradients.
 */
const matMulVjp: Vjp = (step, inputs, which, y, dy) => {
  const { node } = step;
  const [extra, activation] = (attr(node, 'fusedOps') as string[] | undefined) ?? [];
  const fits =
    which[0] &&
    !which.slice(1).some((w) => w) &&
    step.weights[1]?.rank === 2 &&
    inputs[0]!.rank === 2 &&
    attr(node, 'transposeA') !== true &&
    (extra === undefined || extra === 'biasadd') &&
    (activation === undefined || activation === 'relu' || activation === 'relu6');
  if (!fits) return undefined;
  const dz = activationBackward(activation ?? 'linear', dy, y);
  const w = step.weights[1]!;
  const dx = attr(node, 'transposeB') === true ? tf.matMul(dz, w) : denseInputGradient(dz, w);
  if (dz !== dy) dz.dispose();
  return [dx];
};

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** dy to each marked input shaped like the output (no broadcast to sum over); else undefined. */
function passToSameShaped(
  inputs: tf.Tensor[],
  which: readonly boolean[],
  y: tf.Tensor,
  dy: tf.Tensor,
  sign: (k: number) => 1 | -1 = () => 1,
): (tf.Tensor | undefined)[] | undefined {
  if (inputs.some((t, k) => which[k] && !sameShape(t.shape, y.shape))) return undefined;
  return inputs.map((_, k) => (which[k] ? (sign(k) === 1 ? dy : tf.neg(dy)) : undefined));
}

const reshapeBack: Vjp = (_, inputs, which, _y, dy) =>
  which.slice(1).some((w) => w) ? undefined : [tf.reshape(dy, inputs[0]!.shape)];

const vjps: Readonly<Record<string, Vjp>> = {
  Conv2D: convVjp,
  _FusedConv2D: convVjp,
  DepthwiseConv2dNative: convVjp,
  DepthwiseConv2d: convVjp,
  FusedDepthwiseConv2dNative: convVjp,
  MatMul: matMulVjp,
  _FusedMatMul: matMulVjp,
  Relu: (_, _inputs, which, y, dy) => (which[0] ? [activationBackward('relu', dy, y)] : undefined),
  // tf.relu6's gradient passes where 0 < x <= 6, x its input: one fused pass on wasm.
  Relu6: (_, inputs, which, _y, dy) =>
    which[0] ? [cappedReluGrad(dy, inputs[0]!, { max: 6, form: 'clipByValue' })] : undefined,
  Add: (_, inputs, which, y, dy) => passToSameShaped(inputs, which, y, dy),
  AddV2: (_, inputs, which, y, dy) => passToSameShaped(inputs, which, y, dy),
  Sub: (_, inputs, which, y, dy) =>
    passToSameShaped(inputs, which, y, dy, (k) => (k === 0 ? 1 : -1)),
  BiasAdd: (_, inputs, which, y, dy) =>
    which[1] ? undefined : passToSameShaped(inputs, which, y, dy),
  // Times a constant (the input scaling of image models): dy * the constant, as tfjs's gradient.
  Mul: (_, inputs, which, y, dy) => {
    if (which[0] === which[1]) return undefined;
    const k = which[0] ? 0 : 1;
    if (!sameShape(inputs[k]!.shape, y.shape)) return undefined;
    return inputs.map((_t, j) => (j === k ? tf.mul(dy, inputs[1 - k]!) : undefined));
  },
  Identity: (_, inputs, which, y, dy) => passToSameShaped(inputs, which, y, dy),
  // tfjs's Concat gradient: dy split back into the inputs' sizes along the axis (the last input).
  ConcatV2: (step, inputs, which, _y, dy) => {
    const last = inputs.length - 1;
    const axisValue = step.weights[last]?.dataSync()[0];
    if (axisValue === undefined || which[last] || last < 1) return undefined;
    const axis = axisValue < 0 ? axisValue + dy.rank : axisValue;
    const parts = tf.split(
      dy,
      inputs.slice(0, last).map((t) => t.shape[axis]!),
      axis,
    );
    return [...parts.map((part, k) => (which[k] ? part : undefined)), undefined];
  },
  // Over the height and width of an NHWC tensor (global pooling): dy / (h * w) everywhere.
  Mean: (step, inputs, which, _y, dy) => {
    const x = inputs[0]!;
    const axes = step.weights[1]?.dataSync();
    const spatial = x.rank === 4 && axes?.length === 2 && [1, 2].every((a) => axes.includes(a));
    return which[0] && !which[1] && spatial ? [globalMeanInputGradient(dy, x.shape)] : undefined;
  },
  AvgPool: (step, inputs, which, y, dy) => {
    const x = inputs[0]!;
    const window = attr(step.node, 'kernelSize') as number[] | undefined;
    const global =
      x.rank === 4 &&
      String(attr(step.node, 'pad')).toLowerCase() === 'valid' &&
      window?.[1] === x.shape[1] &&
      window?.[2] === x.shape[2] &&
      y.shape[1] === 1 &&
      y.shape[2] === 1;
    return which[0] && global ? [globalMeanInputGradient(dy, x.shape)] : undefined;
  },
  Reshape: reshapeBack,
  Squeeze: reshapeBack,
  ExpandDims: reshapeBack,
  Pad: (step, inputs, which, _y, dy) => {
    const paddings = step.weights[1];
    if (which[1] || paddings === undefined || !which[0]) return undefined;
    const pairs = paddings.arraySync() as number[][];
    const xShape = inputs[0]!.shape;
    const spatial =
      xShape.length === 4 && pairs[0]!.every((p) => p === 0) && pairs[3]!.every((p) => p === 0);
    if (spatial) return [spatialPadInputGradient(dy, xShape, pairs[1]![0]!, pairs[2]![0]!)];
    return [
      tf.slice(
        dy,
        pairs.map((p) => p[0]!),
        xShape,
      ),
    ];
  },
};

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
