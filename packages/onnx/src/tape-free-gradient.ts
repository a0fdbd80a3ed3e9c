import {
  activationBackward,
  activeValues,
  type BackwardGraph,
  walkBackward,
} from '@interp/core/backward';
import * as tf from '@tensorflow/tfjs-core';
import type { Step } from './graph-plan.js';
import { type MemoStore, makeContext } from './op-context.js';
import { convInputGradient, convInputGradientCovers } from './ops/conv.js';
import { nchw, TO_NHWC } from './ops/layout.js';
import { gemmInputGradient } from './ops/matmul.js';
import type { OpContext, Value } from './ops/op-types.js';
import { clipBounds } from './ops/unary.js';

/** What the backward pass reads of a model's plan. */
export interface BackwardPlan {
  readonly steps: readonly Step[];
  readonly opset: number;
  readonly memos: MemoStore;
  readonly inputName: string;
  readonly outputName: string;
}

/** A node that neither a hand-written nor a per-node tf.grad vjp covers: use the whole-graph tape. */
export class NoTapeFreeGradient extends Error {}

/**
 * A node's vector-Jacobian product: d(score)/d(input k) in input k's storage layout, given
 * d(score)/d(output 0) in the output's. Undefined: not covered, differentiate the node with tf.grad.
 */
type Vjp = (
  ctx: OpContext,
  out: Value,
  dy: tf.Tensor,
  dySpent: boolean,
) => (tf.Tensor | undefined)[] | undefined;

/**
 * When a hand-written vjp below takes a node (else it is undefined and the node goes to tf.grad):
 * then the vjp reads no input's values, only shapes and layouts, and its own output's values
 * only where `readsOutput` says so. Checked on the forward pass's values, so the forward may free
 * what no vjp will read (see {@link forwardRelease}).
 */
const covers: Readonly<Record<string, (ctx: OpContext, out: Value) => boolean>> = {
  Relu: () => true,
  Clip: (ctx) => {
    const [lo, hi] = clipBounds(ctx);
    return lo === 0 && (hi === 6 || hi === Infinity);
  },
  Conv: (ctx) => convInputGradientCovers(ctx),
  // dy has the output's shape and layout: same-shape inputs take it as is.
  Add: (ctx, out) => {
    const fits = (v: Value | undefined) =>
      v !== undefined && !v.nhwc === !out.nhwc && sameShape(v.tensor.shape, out.tensor.shape);
    return fits(ctx.inputs[0]) && fits(ctx.inputs[1]);
  },
};
const readsOutput = new Set(['Relu', 'Clip']);

/**
 * The hot nodes of conv nets. ReLU and ReLU6 masks are read off the output, which is also the
 * output of a conv that applied the activation itself (the executor then passes its value through
 * the Relu/Clip node): the conv's own vjp is then linear.
 */
const vjps: Readonly<Record<string, Vjp>> = {
  // dySpent (walkBackward's): the mask may write over dy's buffer.
  Relu: (_, out, dy, dySpent) => [activationBackward('relu', dy, out.tensor, dySpent)],
  Clip: (ctx, out, dy, dySpent) => {
    if (!covers.Clip!(ctx, out)) return undefined;
    const [, hi] = clipBounds(ctx);
    return [activationBackward(hi === 6 ? 'relu6' : 'relu', dy, out.tensor, dySpent)];
  },
  Conv: (ctx, _, dy) => {
    const dx = convInputGradient(ctx, dy);
    return dx && [dx];
  },
  Gemm: (ctx, _, dy) => {
    const dx = gemmInputGradient(ctx, dy);
    return dx && [dx];
  },
  Add: (ctx, out, dy) => (covers.Add!(ctx, out) ? [dy, dy] : undefined),
};

/**
 * For the forward pass of {@link tapeFreeGradient}: called after each step the executor ran,
 * with the values so far, it frees the step's inputs that no later step reads and no vjp of the
 * walk will read (a conv's input, an Add's same-shape inputs, a ReLU's input: they read shapes
 * only), keeping the values in `values` (their shapes stay readable; their data is gone, so a
 * vjp that read it would throw). ResNet-18: the residual branch's last conv and the Add outputs.
 */
export function forwardRelease(
  plan: BackwardPlan,
): (index: number, values: ReadonlyMap<string, Value>) => void {
  const lastReader = new Map<string, number>();
  plan.steps.forEach((step, i) => {
    for (const name of step.node.inputs) if (name) lastReader.set(name, i);
  });
  const read = new Set<tf.Tensor>();
  return (i, values) => {
    const { node } = plan.steps[i]!;
    const inputs = node.inputs.map((name) => (name ? values.get(name) : undefined));
    const out = values.get(node.outputs[0]!);
    if (out === undefined) return;
    const ctx = makeContext(node, inputs, plan.opset, plan.memos, undefined);
    const covered = covers[node.opType]?.(ctx, out) ?? false;
    if (covered && readsOutput.has(node.opType)) read.add(out.tensor);
    // A pass-through node (its output is an input) hands dy on when that is its only variable.
    const passed =
      inputs.some((v) => v?.tensor === out.tensor) &&
      inputs.every((v) => v === undefined || v.constant || v.tensor === out.tensor);
    if (!covered && !passed) for (const v of inputs) if (v) read.add(v.tensor);
    const input = values.get(plan.inputName)?.tensor;
    for (const name of node.inputs) {
      const v = name ? values.get(name) : undefined;
      if (v === undefined || v.constant || lastReader.get(name) !== i) continue;
      if (name === plan.outputName || v.tensor === input || read.has(v.tensor)) continue;
      // Another name for the same tensor (a fused activation's output) that is still to be read.
      const aliased = [...values].some(
        ([other, o]) =>
          other !== name &&
          o.tensor === v.tensor &&
          (other === plan.outputName || (lastReader.get(other) ?? -1) > i),
      );
      if (!aliased) v.tensor.dispose();
    }
  };
}

/** True when the backward has its own vjp for `opType` (else per-node tf.grad or a pass-through). */
export function hasHandWrittenVjp(opType: string): boolean {
  return Object.hasOwn(vjps, opType);
}

/**
 * d(score)/d(x) from one forward pass's values, walking the plan backwards without the gradient
 * tape (core's walkBackward, the walk of the GraphModel and layers paths too): hand-written vjps for Conv, Relu, ReLU6-style Clip, Gemm and same-shape Add, tf.grad of the one
 * node for any other (a tape of one node, so the results equal tf.grad's through the whole graph).
 * A forward value is freed as soon as the walk has visited its node (all its readers came later):
 * `values` is spent, only the constants, x and the returned tensors stay. Values the forward
 * pass freed ({@link forwardRelease}) keep their shapes, which is all their readers' vjps read.
 * `seed` turns the outputs (ONNX layout) into d(score)/d(outputs); with `seedLayout` `'storage'`
 * both are in the output's storage layout (an affine prefix's transpose seeds a channels-last
 * conv output so). Call inside tf.tidy; throws {@link NoTapeFreeGradient} for a node it cannot
 * differentiate.
 */
export function tapeFreeGradient(
  plan: BackwardPlan,
  values: ReadonlyMap<string, Value>,
  x: tf.Tensor,
  seed: (outputs: tf.Tensor) => tf.Tensor,
  seedLayout: 'onnx' | 'storage' = 'onnx',
): { outputs: tf.Tensor; gradient: tf.Tensor } {
  const graph: BackwardGraph<Step, string> = {
    nodes: plan.steps,
    inputs: (step) => step.node.inputs,
    // The node writing the input (an affine prefix's last node, when the walk starts after it)
    // passes no gradient on: the walk ends at the input.
    outputs: (step) => (step.node.outputs.includes(plan.inputName) ? [] : step.node.outputs),
    active: (name) => active.has(name),
    enter: (step, _, gradientAt) => {
      if (step.node.outputs.slice(1).some(gradientAt)) {
        throw new NoTapeFreeGradient(
          `${step.node.name}: a gradient reaches an output other than its first`,
        );
      }
    },
    vjp: (step, dy, which, _, dySpent) => {
      const inputs = step.node.inputs.map((name) => (name ? live.get(name) : undefined));
      const out = live.get(step.node.outputs[0]!)!;
      return nodeVjp(plan, step, inputs, which, out, dy, dySpent);
    },
    // Every reader of the node's outputs came later in execution order and was visited: they are
    // spent once no other name holds the same tensor, or only names whose readers were all visited
    // too and whose nodes' vjps do not read their output (a fused conv's output is its ReLU's:
    // freed once the ReLU's mask was taken, before the conv's own input gradient). A freed value
    // stays in `live` for its shape.
    spent: (step, i) => {
      const freed: tf.Tensor[] = [];
      for (const name of step.node.outputs) {
        const v = live.get(name);
        if (v === undefined || v.constant) continue;
        live.delete(name);
        const names = holders.get(v.tensor)!;
        names.delete(name);
        const done = (other: string) =>
          (firstReader.get(other) ?? i) >= i && !readsOutput.has(producer.get(other) ?? '');
        if ([...names].every(done)) {
          names.clear();
          freed.push(v.tensor);
        }
      }
      return freed;
    },
    holds: (t) => t === x || t === outputs || kept.has(t),
  };
  // The values the walk may still read: a spent one leaves, so a vjp that read it would fail.
  const live = new Map(values);
  const holders = new Map<tf.Tensor, Set<string>>();
  const kept = new Set<tf.Tensor>([values.get(plan.inputName)!.tensor]);
  for (const [name, v] of values) {
    if (v.constant) kept.add(v.tensor);
    else holders.set(v.tensor, (holders.get(v.tensor) ?? new Set()).add(name));
  }
  const firstReader = new Map<string, number>();
  const producer = new Map<string, string>();
  plan.steps.forEach((step, i) => {
    for (const name of step.node.inputs)
      if (name && !firstReader.has(name)) firstReader.set(name, i);
    for (const name of step.node.outputs) producer.set(name, step.node.opType);
  });
  const active = activeValues(
    graph,
    [plan.inputName],
    (name) => name !== '' && values.get(name)?.tensor.dtype === 'float32',
  );
  const outValue = values.get(plan.outputName)!;
  const stored = seedLayout === 'storage';
  const outputs = stored ? outValue.tensor : nchw(outValue);
  kept.add(outputs);
  const seeds = new Map<string, tf.Tensor>();
  if (active.has(plan.outputName)) {
    const dOut = seed(outputs);
    seeds.set(plan.outputName, outValue.nhwc && !stored ? tf.transpose(dOut, TO_NHWC) : dOut);
  }
  const gradient = walkBackward(graph, seeds).get(plan.inputName) ?? tf.zerosLike(x);
  return { outputs: outputs === x ? tf.clone(outputs) : outputs, gradient };
}

function nodeVjp(
  plan: BackwardPlan,
  step: Step,
  inputs: (Value | undefined)[],
  which: readonly boolean[],
  out: Value,
  dy: tf.Tensor,
  dySpent: boolean,
): (tf.Tensor | undefined)[] {
  const ctx = makeContext(step.node, inputs, plan.opset, plan.memos, undefined);
  const own = vjps[step.node.opType]?.(ctx, out, dy, dySpent);
  if (own !== undefined) return own;
  const passed = inputs.findIndex((v, k) => which[k] && v?.tensor === out.tensor);
  if (passed >= 0) return inputs.map((_, k) => (k === passed ? dy : undefined));
  return nodeTapeVjp(plan, step, inputs, which, dy);
}

/** tf.grad of one node: its kernel run again on the same inputs, linear (no fused activation). */
function nodeTapeVjp(
  plan: BackwardPlan,
  step: Step,
  inputs: (Value | undefined)[],
  which: readonly boolean[],
  dy: tf.Tensor,
): (tf.Tensor | undefined)[] {
  // One tf.grads argument per distinct tensor: tf.grads gives each argument the gradient through
  // all its uses, so Mul(a, a) must not pass a twice (each would get 2a dy, summed to 4a dy).
  const slots: number[] = [];
  const slotOf = inputs.map((v, k) => {
    if (!which[k] || v === undefined) return -1;
    const first = slots.findIndex((j) => inputs[j]!.tensor === v.tensor);
    if (first >= 0) return first;
    slots.push(k);
    return slots.length - 1;
  });
  const f = (...ts: tf.Tensor[]) => {
    const replaced = inputs.map((v, k) =>
      slotOf[k]! < 0 || v === undefined ? v : { ...v, tensor: ts[slotOf[k]!]! },
    );
    const result = step.kernel(makeContext(step.node, replaced, plan.opset, plan.memos, undefined));
    return (Array.isArray(result) ? result[0]! : result).tensor;
  };
  let dxs: tf.Tensor[];
  try {
    dxs = tf.grads(f)(
      slots.map((k) => inputs[k]!.tensor),
      dy,
    );
  } catch (e) {
    throw new NoTapeFreeGradient(`${step.node.name}: ${(e as Error).message}`);
  }
  return inputs.map((_, k) => (slots[slotOf[k]!] === k ? dxs[slotOf[k]!] : undefined));
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
