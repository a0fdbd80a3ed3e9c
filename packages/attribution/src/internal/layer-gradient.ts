import {
  type GraphRunResult,
  InterpError,
  type ModelGraph,
  type NodeHook,
  replaceOutput,
} from '@interp/core';
import { foldedLayersForward } from '@interp/core/backward';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { AttributeOptions, AttributionModel } from '../types.js';
import { defaultRowsPerChunk } from './batch-budget.js';
import { prepareCall, prepareInput } from './prepare-call.js';
import { asScoreMatrix, type ResolvedModel, resolveModel } from './resolve-model.js';
import { argmaxRows, targetMask } from './targets.js';

/** Defaults of the layer methods' construction (Captum's), written once. */
export const layerMethodDefaults = Object.freeze({ attributeToLayerInput: false } as const);

/** A model and the graph node a layer or neuron method looks at. */
export interface LayerTarget {
  model: ResolvedModel;
  /** The node's name in the graph (what taps and hooks are keyed by). */
  layer: string;
}

/** Throws INVALID_ARGUMENT unless `layer` is a non-empty string (a JavaScript caller may pass anything). */
export function assertLayerName(layer: unknown, where: string): asserts layer is string {
  if (typeof layer !== 'string' || layer === '') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: layer must be a layer name or module path (e.g. 'block.relu2'), got ${String(layer)}`,
    );
  }
}

/**
 * A layer method's target from its constructor options (`layer`, `attributeToLayerInput`), as
 * {@link resolveLayerTarget} resolves them; the neuron methods, which ignore
 * `attributeToLayerInput`, call that directly.
 *
 * @example
 * ```ts
 * this.target = layerMethodTarget(model, { layer: 'block.relu2' }, 'LayerGradCam');
 * ```
 */
export function layerMethodTarget(
  model: AttributionModel,
  options: { layer: string; attributeToLayerInput?: boolean } | undefined,
  where: string,
): LayerTarget {
  // options?.: a JavaScript caller may pass none; resolveLayerTarget then names the missing layer.
  return resolveLayerTarget(model, options?.layer as string, where, options?.attributeToLayerInput);
}

/**
 * Resolves a layer method's model and `layer` (a node name, output name or module path prefix
 * such as `block.relu2`, as `ModelGraph.findNode` takes). A plain function has no layers. With
 * `attributeToLayerInput` the target is the node that writes the layer's (first) input.
 */
export function resolveLayerTarget(
  model: AttributionModel,
  layer: string,
  where: string,
  attributeToLayerInput: boolean = layerMethodDefaults.attributeToLayerInput,
): LayerTarget {
  const m = resolveModel(model, where);
  if (m.graph.kind === 'function') {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${where} needs a model with layers (a tfjs-layers LayersModel, a Learner wrapping one, or a model graph such as an ONNX model); a plain function has none`,
    );
  }
  assertLayerName(layer, where);
  const node = m.graph.findNode(layer);
  if (!attributeToLayerInput) return { model: m, layer: node.name };
  // The layer's input is its producer's output: tapped and replaced there (every reader of that
  // tensor sees the replacement, which is the layer alone in a chain).
  const producer =
    node.inputs.length >= 1
      ? m.graph.nodes.find((n) => n.outputs[0] !== undefined && n.outputs[0] === node.inputs[0])
      : undefined;
  if (producer === undefined) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${where}: attributeToLayerInput needs layer ${JSON.stringify(node.name)}'s input to be another node's output; it reads the model's input (use the primary method on x) or a tensor no node writes`,
    );
  }
  return { model: m, layer: producer.name };
}

/**
 * `graph.run(x, { taps: [layer] })` for a pass that is not differentiated: with a LayersModel
 * behind the graph, core's folded forward (BN and ReLU6 folded into the convs; the same numbers
 * up to float rounding) when it applies. Call inside a tidy.
 */
export function tapLayer(
  model: Pick<ResolvedModel, 'graph' | 'layersModel'>,
  x: tf.Tensor,
  layer: string,
): GraphRunResult {
  const { graph, layersModel } = model;
  return (
    (layersModel && foldedLayersForward(layersModel, x, [layer])) ?? graph.run(x, { taps: [layer] })
  );
}

/**
 * The layer's output for a batch (after any hook on it); the caller disposes. Without hooks, a
 * LayersModel given as `layersModel` runs its folded forward ({@link tapLayer}).
 */
export function layerActivation(
  graph: ModelGraph,
  x: tf.Tensor,
  layer: string,
  hooks: Readonly<Record<string, NodeHook>> = {},
  layersModel?: LayersModel,
): tf.Tensor {
  return tf.tidy(() =>
    Object.keys(hooks).length === 0
      ? tapLayer({ graph, layersModel }, x, layer).taps[layer]!
      : graph.run(x, { taps: [layer], hooks }).taps[layer]!,
  );
}

/**
 * d(sum_r mask[r, :] . f(x)[r, :]) / d(layer output), with the layer's output replaced by
 * `activation` (same rows as x) through a hook, so the rest of the model is a function of it
 * (paths around the layer still see x). Only the first `mask.shape[0]` rows of the output are
 * scored (DeepLift's paired batch scores x's half). Returns [rows of x, ...layer shape].
 */
export function layerGradient(
  graph: ModelGraph,
  x: tf.Tensor,
  activation: tf.Tensor,
  layer: string,
  mask: tf.Tensor2D,
  where: string,
  hooks: Readonly<Record<string, NodeHook>> = {},
): tf.Tensor {
  const scored = mask.shape[0];
  return tf.tidy(() =>
    tf.grad((a: tf.Tensor) => {
      // replaceOutput: an adapter that knows it runs only what the layer's output feeds (the
      // layers before it are not run again under the tape); paths around the layer still see x.
      const { output } = graph.run(x, { hooks: { ...hooks, [layer]: replaceOutput(a) } });
      const rows = output.shape[0] === scored ? output : tf.slice(output, 0, scored);
      return tf.sum(tf.mul(asScoreMatrix(rows, scored, where), mask));
    })(activation),
  );
}

/**
 * The layer's activations for the rows of `input` and the gradient of each row's target score
 * (`targets[r]` of `numClasses`) with respect to them: the first step of every layer gradient
 * method. Both [rows, ...layer shape]; call inside a tidy.
 */
export function targetLayerGradient(
  target: LayerTarget,
  input: tf.Tensor,
  targets: Int32Array,
  numClasses: number,
  where: string,
): { acts: tf.Tensor; grads: tf.Tensor } {
  const { model, layer } = target;
  const acts = layerActivation(model.graph, input, layer, {}, model.layersModel);
  const mask = targetMask(targets, numClasses);
  return { acts, grads: layerGradient(model.graph, input, acts, layer, mask, where) };
}

/**
 * Prepares an `attribute` call, takes the layer's activations and their target-score gradients
 * for x and hands them to `use` inside one tidy (what it returns is kept): the whole body of
 * the one-pass layer methods (LayerGradCam, LayerGradientXActivation). Without a target, the
 * pass that takes the activations gives the predicted classes too (as GradCAM's does), instead
 * of a forward pass of its own first.
 */
export async function withTargetLayerGradient(
  target: LayerTarget,
  x: tf.Tensor,
  options: AttributeOptions,
  where: string,
  use: (acts: tf.Tensor, grads: tf.Tensor) => tf.Tensor,
): Promise<tf.Tensor> {
  if (options.target === undefined)
    return withPredictedLayerGradient(target, x, options, where, use);
  const call = await prepareCall(target.model, x, options, where);
  try {
    return tf.tidy(() => {
      const { acts, grads } = targetLayerGradient(
        target,
        call.x,
        call.targets,
        call.numClasses,
        where,
      );
      return use(acts, grads);
    });
  } finally {
    call.release();
  }
}

/** withTargetLayerGradient for the predicted classes: one pass gives the activations and them. */
async function withPredictedLayerGradient(
  target: LayerTarget,
  x: tf.Tensor,
  options: AttributeOptions,
  where: string,
  use: (acts: tf.Tensor, grads: tf.Tensor) => tf.Tensor,
): Promise<tf.Tensor> {
  const { model, layer } = target;
  const input = prepareInput(model, x, options, where);
  const n = input.x.shape[0]!;
  let acts: tf.Tensor | undefined;
  let scores: tf.Tensor2D | undefined;
  try {
    [acts, scores] = tf.tidy(() => {
      const { output, taps } = tapLayer(model, input.x, layer);
      return [taps[layer]!, asScoreMatrix(output, n, where)] as const;
    });
    const numClasses = scores.shape[1];
    const targets = argmaxRows(await scores.data(), n, numClasses, where);
    const a = acts;
    return tf.tidy(() => {
      const grads = layerGradient(
        model.graph,
        input.x,
        a,
        layer,
        targetMask(targets, numClasses),
        where,
      );
      const out = use(a, grads);
      // `a` is freed below: a result that is the activation itself leaves as a copy.
      return out === a ? tf.clone(a) : out;
    });
  } finally {
    tf.dispose([acts, scores].filter((t) => t !== undefined));
    input.release();
  }
}

/**
 * How many path steps of an N-item batch go through one pass: `internalBatchSize` rows
 * (rounded down to whole steps, at least one) or as many as keep a pass under the batch budget.
 */
export function stepsPerPass(
  n: number,
  itemSize: number,
  totalSteps: number,
  internalBatchSize?: number,
): number {
  const rows = internalBatchSize ?? defaultRowsPerChunk(itemSize);
  return Math.max(1, Math.min(totalSteps, Math.floor(rows / n)));
}

/**
 * Points b + alpha_k (x - b) for steps `k0 .. k0 + count - 1`, step-major ([count * N, ...item]:
 * row k * N + i is item i at step k0 + k), as Captum orders its scaled inputs.
 */
export function pathPoints(
  x: tf.Tensor,
  baseline: tf.Tensor,
  alphas: ArrayLike<number>,
  k0: number,
  count: number,
): tf.Tensor {
  return tf.tidy(() => {
    const diff = tf.sub(x, baseline);
    const b = tf.broadcastTo(baseline, x.shape);
    const rows: tf.Tensor[] = [];
    for (let k = k0; k < k0 + count; k++) rows.push(tf.add(b, tf.mul(diff, alphas[k]!)));
    return tf.concat(rows, 0);
  });
}

/** `t` repeated `times` times along axis 0 (step-major rows). */
export function tileRows(t: tf.Tensor, times: number): tf.Tensor {
  return times === 1 ? tf.clone(t) : tf.concat(new Array<tf.Tensor>(times).fill(t), 0);
}

/**
 * sum_k weights[k] * block k of a step-major [count * N, ...] tensor: [N, ...]. One [1, count] x
 * [count, rest] product: a sum over the leading axis of the [count, N, ...] view makes tfjs-wasm
 * transpose that axis last, and its transposes of 4-D and 5-D tensors are slow (12 steps of 2 x 3 x
 * 224 x 224: 235 ms weighted that way, 4 ms as a product).
 */
export function weightedStepSum(
  t: tf.Tensor,
  weights: ArrayLike<number>,
  k0: number,
  count: number,
): tf.Tensor {
  return tf.tidy(() => {
    const n = t.shape[0]! / count;
    const w = new Float32Array(count);
    for (let k = 0; k < count; k++) w[k] = weights[k0 + k]!;
    const summed = tf.matMul(tf.tensor2d(w, [1, count]), tf.reshape(t, [count, t.size / count]));
    return tf.reshape(summed, [n, ...t.shape.slice(1)]);
  });
}

/** Adds `term` into a running total (disposing both inputs); the first term starts it. */
export function accumulate(total: tf.Tensor | undefined, term: tf.Tensor): tf.Tensor {
  if (total === undefined) return term;
  const sum = tf.add(total, term);
  tf.dispose([total, term]);
  return sum;
}

/** Each item's target repeated for `times` step-major blocks of N rows. */
export function tileTargets(targets: Int32Array, times: number): Int32Array {
  const out = new Int32Array(targets.length * times);
  for (let k = 0; k < times; k++) out.set(targets, k * targets.length);
  return out;
}
