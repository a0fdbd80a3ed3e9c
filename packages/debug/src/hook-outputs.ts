import { InterpError, isModelGraph, type ModelGraph } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type GraphHookedOutputs, hookGraphOutputs } from './graph-hook-outputs.js';
import { hookLayers, type Layer, type LayerRef } from './hook-layers.js';

/** Options of {@link hookOutputs}. */
export interface HookOutputsOptions {
  /**
   * Store a copy of each output (default true). tfjs has no autograd graph to detach from; what
   * matters is memory: tfjs-layers frees intermediate outputs during inference as soon as the
   * next layer used them, so a copy is what survives `predict`. With false the layer's own
   * tensor is kept without copying, which is cheaper and safe in training passes (`fit`,
   * `apply(x, { training: true })`); reading one that tfjs-layers freed throws. Either way the
   * hooks own what they store: replaced on the next call, disposed by `remove()`.
   */
  detach?: boolean;
}

/** hookOutputs defaults, written once. */
export const hookOutputsDefaults = Object.freeze({ detach: true } as const);

/** What {@link hookOutputs} returns. */
export interface HookedOutputs {
  /** The hooked layers. */
  readonly layers: readonly Layer[];
  /** The last output of each hooked layer (same order as `layers`), undefined until it ran. */
  readonly stored: readonly (tf.Tensor | tf.Tensor[] | undefined)[];
  /** The last output of one hooked layer, by name, index into `layers`, or layer object. */
  get(layer: string | number | Layer): tf.Tensor | tf.Tensor[] | undefined;
  /** Takes the hooks off and disposes the stored copies; the model is exactly as before. */
  remove(): void;
}

/**
 * Records the output of each of `layers` (default every computing layer) whenever the model
 * runs, as fastai's `hook_outputs`. Works for Sequential, functional and nested models, in
 * `predict`, `apply` and training alike, without changing the model.
 *
 * @example
 * ```ts
 * const hooks = hookOutputs(model, ['dense_1']);
 * tf.dispose(model.predict(x));
 * hooks.get('dense_1'); // the dense layer's output for x
 * hooks.remove();
 * ```
 *
 * On a model graph (an ONNX model, a GraphModel) it is {@link hookGraphOutputs}: outputs are
 * recorded by the returned `run(x)`, a graph having no persistent hooks.
 */
export function hookOutputs(
  model: LayersModel,
  layers?: readonly LayerRef[],
  options?: HookOutputsOptions,
): HookedOutputs;
export function hookOutputs(
  model: ModelGraph,
  layers?: readonly (string | number)[],
  options?: HookOutputsOptions,
): GraphHookedOutputs;
export function hookOutputs(
  model: LayersModel | ModelGraph,
  layers?: readonly LayerRef[],
  { detach = hookOutputsDefaults.detach }: HookOutputsOptions = {},
): HookedOutputs | GraphHookedOutputs {
  if (typeof detach !== 'boolean') {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid detach: ${String(detach)}; expected true or false`,
    );
  }
  // Taps are fresh tensors the graph hands over, so `detach` has nothing to copy there.
  if (isModelGraph(model)) return hookGraphOutputs(model, layers as (string | number)[]);
  const stored: (tf.Tensor | tf.Tensor[] | undefined)[] = [];
  const index = new Map<Layer, number>();
  const hooks = hookLayers(model, layers, (layer, _inputs, output) => {
    const i = index.get(layer)!;
    const keep = (t: tf.Tensor) => tf.keep(detach ? tf.clone(t) : t);
    disposeStored(stored[i]);
    stored[i] = Array.isArray(output) ? output.map(keep) : keep(output);
  });
  hooks.layers.forEach((l, i) => {
    if (!index.has(l)) index.set(l, i);
    stored.push(undefined);
  });
  // The same layer listed twice shares one slot; point the duplicates at it.
  const slot = (i: number) => index.get(hooks.layers[i]!)!;
  return {
    layers: hooks.layers,
    get stored() {
      return hooks.layers.map((_, i) => stored[slot(i)]);
    },
    get(ref: string | number | Layer) {
      const i =
        typeof ref === 'number'
          ? ref
          : hooks.layers.findIndex((l) => (typeof ref === 'string' ? l.name === ref : l === ref));
      if (!(Number.isInteger(i) && i >= 0 && i < hooks.layers.length)) {
        throw new InterpError(
          'UNKNOWN_LAYER',
          `${typeof ref === 'object' ? 'that layer' : JSON.stringify(ref)} is not hooked; hooked layers: ${hooks.layers.map((l) => l.name).join(', ')}`,
        );
      }
      const s = stored[slot(i)];
      if ([s ?? []].flat().some((t) => t.isDisposed)) {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `the stored output of ${hooks.layers[i]!.name} was freed by tfjs-layers after inference; hook with { detach: true } to keep a copy`,
        );
      }
      return s;
    },
    remove() {
      if (hooks.removed) return;
      hooks.remove();
      stored.forEach(disposeStored);
      stored.fill(undefined);
    },
  };
}

function disposeStored(s: tf.Tensor | tf.Tensor[] | undefined): void {
  if (s === undefined) return;
  tf.dispose(s);
}
