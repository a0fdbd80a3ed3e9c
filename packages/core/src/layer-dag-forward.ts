// The forward half of the tape-free input gradient (layer-dag.ts) on its own, with taps: one
// inference pass in which each BatchNormalization (and a ReLU/ReLU6 after it, a ZeroPadding2D
// before it) is folded into its conv, as targetInputGradient runs it, instead of model.predict's
// conv, FusedBatchNorm, Relu and ClipByValue passes over every activation. GradCAM's first pass
// (the activation to weight, and the scores for its default target) takes it. Internal to
// @interp/core (exported through @interp/core/internal).
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { InterpError } from './errors.js';
import { type LayerDag, planLayerDag } from './layer-dag.js';
import { UnsupportedAtRuntime } from './layer-step-parts.js';
import { type ContainerLike, isContainer, isLayersModel } from './layers-internals.js';
import { describe } from './validate.js';

/** What {@link foldedLayersForward} returns; the tensors are the caller's to dispose. */
export interface FoldedForward {
  /** The model's output (a tap of the output layer is this same tensor). */
  output: tf.Tensor;
  /** Each requested layer's output, by name. */
  taps: Record<string, tf.Tensor>;
}

// One plan per model and set of tapped layers: the wiring is fixed once built, and the steps read
// the weights at each call (folded filters are cached on their data ids), so new weights count.
const plans = new WeakMap<object, Map<string, LayerDag | null>>();

/**
 * One inference forward pass of a tfjs-layers model with BatchNormalizations folded into the
 * convs before them (and ReLU/ReLU6 into the fused conv), returning the output and the outputs
 * of the named layers; the numbers equal `model.predict`'s up to float rounding. Undefined when
 * the pass does not apply, so the caller runs the model graph instead: a layer without a
 * hand-written step (the layers targetInputGradient handles), a tapped layer that is applied
 * more than once or is not on the way to the output, shapes a step does not handle, or a call
 * under a gradient tape (the folded weights are cached, not functions of the layers' weights).
 *
 * @example
 * ```ts
 * const r = foldedLayersForward(model, images, ['out_relu']);
 * const { output, taps } = r ?? toModelGraph(model).run(images, { taps: ['out_relu'] });
 * ```
 */
export function foldedLayersForward(
  model: LayersModel,
  x: tf.Tensor,
  layers: readonly string[],
): FoldedForward | undefined {
  const where = 'foldedLayersForward';
  if (!isLayersModel(model)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where} needs a tfjs-layers LayersModel (tf.sequential() or tf.model()), got ${describe(model)}`,
    );
  }
  if (!(x instanceof tf.Tensor)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: x must be a tf.Tensor batch shaped like the model's input, got ${describe(x)}`,
    );
  }
  if (!Array.isArray(layers) || !layers.every((l) => typeof l === 'string')) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: layers must be an array of layer names, got ${describe(layers)}`,
    );
  }
  const names = new Set(layersIn(model as unknown as ContainerLike));
  const unknown = layers.find((l) => !names.has(l));
  if (unknown !== undefined) {
    throw new InterpError(
      'UNKNOWN_LAYER',
      `${where}: the model has no layer named ${JSON.stringify(unknown)}; pass one of its layer names (model.layers[i].name, nested models included)`,
    );
  }
  if ((tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0) {
    return undefined;
  }
  const dag = planFor(model, layers);
  if (dag === undefined) return undefined;
  try {
    const [output, ...tapped] = tf.tidy(() => runForward(dag, x, layers));
    const taps: Record<string, tf.Tensor> = {};
    layers.forEach((l, i) => {
      taps[l] = tapped[i]!;
    });
    return { output: output!, taps };
  } catch (e) {
    if (e instanceof UnsupportedAtRuntime) return undefined;
    throw e;
  }
}

/** The plan keeping `layers`' outputs, or undefined when the model or a tap does not fit it. */
function planFor(model: LayersModel, layers: readonly string[]): LayerDag | undefined {
  let byTaps = plans.get(model);
  if (byTaps === undefined) {
    byTaps = new Map();
    plans.set(model, byTaps);
  }
  const key = JSON.stringify([...new Set(layers)].sort());
  let dag = byTaps.get(key);
  if (dag === undefined) {
    dag = planLayerDag(model, new Set(layers)) ?? null;
    if (dag !== null && !layers.every((l) => dag!.kept.has(l))) dag = null;
    byTaps.set(key, dag);
  }
  return dag ?? undefined;
}

/**
 * The output and the kept layers' outputs (in `layers`' order; x itself is cloned); frees every
 * other value once its last reader has run, so a batch holds a few activations at a time.
 */
function runForward(dag: LayerDag, x: tf.Tensor, layers: readonly string[]): tf.Tensor[] {
  const keep = new Set([0, dag.output, ...dag.kept.values()]);
  const readers = new Array<number>(dag.slots).fill(0);
  for (const node of dag.nodes) for (const slot of node.inputs) readers[slot]!++;
  const values: (tf.Tensor | undefined)[] = new Array(dag.slots);
  values[0] = x;
  for (const node of dag.nodes) {
    values[node.output] = node.forward(node.inputs.map((i) => values[i]!));
    for (const slot of node.inputs) {
      if (--readers[slot]! > 0 || keep.has(slot)) continue;
      const t = values[slot]!;
      values[slot] = undefined;
      // A layer may hand its input on unchanged (another slot then holds the same tensor).
      if (!values.includes(t)) t.dispose();
    }
  }
  const own = (t: tf.Tensor) => (t === x ? tf.clone(t) : t);
  return [own(values[dag.output]!), ...layers.map((l) => own(values[dag.kept.get(l)!]!))];
}

/** The names of the model's layers, nested models' layers included. */
function layersIn(container: ContainerLike): string[] {
  return container.layers.flatMap((l) =>
    isContainer(l) ? [l.name, ...layersIn(l as ContainerLike)] : [l.name],
  );
}
