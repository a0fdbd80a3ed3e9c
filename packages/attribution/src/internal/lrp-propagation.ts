import { InterpError, type NodeHook } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LrpPlan } from './lrp-rules.js';
import { type Rebuild, type WeightRule, weightChange } from './lrp-weights.js';
import { asScoreMatrix, type ResolvedModel } from './resolve-model.js';

/**
 * One backward pass's bookkeeping: the relevance reaching each identity-rule node's output (its
 * input takes it over) and the relevance of the tensor a caller asked for. Kept tensors are
 * listed in `kept` and disposed by the caller.
 */
interface RunState {
  readonly relevanceOut: Map<string, tf.Tensor>;
  captured: tf.Tensor | undefined;
  readonly kept: tf.Tensor[];
  /** The model input as the graph sees it, and its tensor name once a node has read it. */
  input: tf.Tensor | undefined;
  inputName: string | undefined;
}

type GradArgs = (tf.Tensor | tf.GradSaveFunc)[];

/**
 * The relevance of a tensor from the gradient `dy` reaching it (Captum's input hook): times the
 * tensor's value where a rule node reads it, the identity node's output relevance where that node
 * reads it first, else dy itself.
 */
function tensorRelevance(
  plan: LrpPlan,
  state: RunState,
  name: string,
  dy: tf.Tensor,
  value: tf.Tensor,
  capture: string | undefined,
): tf.Tensor {
  const action = plan.tensorActions.get(name);
  const r =
    action?.kind === 'times'
      ? tf.mul(dy, value)
      : action?.kind === 'identity'
        ? tf.clone(state.relevanceOut.get(action.node) ?? tf.zerosLike(dy))
        : dy;
  if (name === capture) state.captured = keep(state, r);
  return r;
}

function keep(state: RunState, t: tf.Tensor): tf.Tensor {
  const k = tf.keep(tf.clone(t));
  state.kept.push(k);
  return k;
}

/** Captum's stabilized division: z + epsilon sign(z), with sign(0) = +1. */
function stabilized(z: tf.Tensor, epsilon: number): tf.Tensor {
  return tf.add(
    z,
    tf.where(tf.greaterEqual(z, 0), tf.fill(z.shape, epsilon), tf.fill(z.shape, -epsilon)),
  );
}

function lrpHooks(
  plan: LrpPlan,
  rebuilds: ReadonlyMap<string, Rebuild>,
  state: RunState,
  capture: string | undefined,
): Record<string, NodeHook> {
  const hooks: Record<string, NodeHook> = {};
  for (const [nodeName, kind] of plan.kinds) {
    hooks[nodeName] = (out, { node, inputs }) => {
      // The graph does not name its input tensor: find it among what the nodes read.
      const k = state.input === undefined ? -1 : inputs.indexOf(state.input);
      if (k >= 0) state.inputName = node.inputs[k];
      const t = node.outputs[0]!;
      const rule = plan.rules.get(nodeName);
      if (
        (kind === 'reshape' && !plan.tensorActions.has(t) && t !== capture) ||
        inputs.length === 0
      )
        return undefined;
      const rebuild = rebuilds.get(nodeName);
      // Under a weight rule the division and the backward use the rebuilt output z'; the forward
      // value stays the original, as Captum feeds every layer its first-pass activations.
      const zPrime =
        rebuild && rule
          ? rebuild(inputs[0]!, out, inputs, weightChange(rule as WeightRule))
          : undefined;
      const f = tf.customGrad(((...args: GradArgs) => {
        const save = args[args.length - 1] as tf.GradSaveFunc;
        const tensors = args.slice(0, -1) as tf.Tensor[];
        save(tensors);
        return {
          value: tf.clone(tensors[1]!),
          gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
            const [inp, value, z] = saved as [tf.Tensor, tf.Tensor, tf.Tensor | undefined];
            const r = tensorRelevance(plan, state, t, dy as tf.Tensor, value, capture);
            const none = tf.zerosLike(inp);
            if (kind === 'pass-relevance') return [r, tf.zerosLike(value)];
            if (kind === 'reshape' || rule === undefined) return [none, r];
            if (rule.kind === 'identity') state.relevanceOut.set(nodeName, keep(state, r));
            if (z === undefined) return [none, tf.div(r, stabilized(value, rule.epsilon))];
            return [none, tf.zerosLike(value), tf.div(r, stabilized(z, rule.epsilon))];
          },
        };
      }) as Parameters<typeof tf.customGrad>[0]);
      const args = zPrime ? [inputs[0]!, out, zPrime] : [inputs[0]!, out];
      return (f as (...xs: tf.Tensor[]) => tf.Tensor)(...args);
    };
  }
  return hooks;
}

/** What {@link lrpRelevance} returns: [N] target scores and the normalized relevance asked for. */
export interface LrpRelevance {
  /** Relevance at the model input, or at the captured tensor, divided by the target score. */
  normalized: tf.Tensor;
  /** Each item's target score in the unchanged model (Captum's first forward pass). */
  scores: tf.Tensor1D;
}

/**
 * Captum's LRP backward pass on a model graph: the gradient of the target scores with the plan's
 * hooks is the relevance divided by the score; at the model input, or with `capture` (a tensor
 * name) at that tensor (LayerLRP). Call inside tf.tidy; the results are tidy-owned.
 *
 * @example
 * ```ts
 * const { normalized, scores } = tf.tidy(() => lrpRelevance(m, x, mask, plan, rebuilds, 'LRP'));
 * ```
 */
export function lrpRelevance(
  model: ResolvedModel,
  x: tf.Tensor,
  mask: tf.Tensor2D,
  plan: LrpPlan,
  rebuilds: ReadonlyMap<string, Rebuild>,
  where: string,
  capture?: string,
): LrpRelevance {
  const n = x.shape[0]!;
  const state: RunState = {
    relevanceOut: new Map(),
    captured: undefined,
    kept: [],
    input: undefined,
    inputName: plan.inputName,
  };
  const hooks = lrpHooks(plan, rebuilds, state, capture);
  const wrap = tf.customGrad(((z: tf.Tensor, save: tf.GradSaveFunc) => {
    save([z]);
    return {
      value: tf.clone(z),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], [value]: tf.Tensor[]) =>
        state.inputName === undefined
          ? (dy as tf.Tensor)
          : tensorRelevance(plan, state, state.inputName, dy as tf.Tensor, value!, capture),
    };
  }) as Parameters<typeof tf.customGrad>[0]) as (z: tf.Tensor) => tf.Tensor;
  try {
    const atInput = tf.grad((z: tf.Tensor) => {
      state.input = wrap(z);
      const { output } = model.graph.run(state.input, { hooks });
      return tf.sum(tf.mul(asScoreMatrix(output, n, where), mask));
    })(x);
    const scores = tf.sum(
      tf.mul(asScoreMatrix(model.forward(x), n, where), mask),
      1,
    ) as tf.Tensor1D;
    if (capture === undefined) return { normalized: atInput, scores };
    if (state.captured === undefined) {
      throw new InterpError(
        'NOT_SUPPORTED',
        `${where}: no relevance reached tensor ${JSON.stringify(capture)} (the target score does not depend on it); pick a layer on the path to the output`,
      );
    }
    return { normalized: tf.clone(state.captured), scores };
  } finally {
    tf.dispose(state.kept);
  }
}
