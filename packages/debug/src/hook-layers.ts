import { InterpError } from '@interp/core';
import { describe, isLayersModel } from '@interp/core/internal';
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { type Layer, type LayerRef, leafLayers, resolveLayers } from './internal/model-layers.js';

export type { Layer, LayerRef } from './internal/model-layers.js';

/** Keyword arguments a layer's `call` received (`training`, `mask`, ...). */
export type LayerCallArgs = { training?: boolean; [key: string]: unknown };

/** Called after a hooked layer computed its output (fastai's forward hook). */
export type LayerHookFunction = (
  layer: Layer,
  inputs: tf.Tensor | tf.Tensor[],
  output: tf.Tensor | tf.Tensor[],
  kwargs: LayerCallArgs,
) => void;

/** Hooks installed by {@link hookLayers}. */
export interface LayerHooks {
  /** The hooked layers, in the order given (or model order). */
  readonly layers: readonly Layer[];
  /** True once {@link LayerHooks.remove} ran. */
  readonly removed: boolean;
  /** Takes the hooks off; the layers are exactly as before. Safe to call twice. */
  remove(): void;
}

type CallFn = (inputs: tf.Tensor | tf.Tensor[], kwargs: LayerCallArgs) => tf.Tensor | tf.Tensor[];

interface Installed {
  /** The layer's own `call` property before any hook (usually none: `call` lives on the prototype). */
  own: PropertyDescriptor | undefined;
  hooks: Set<LayerHookFunction>;
}

// One wrapper per layer serves every hook on it, so hooks can be removed in any order and the
// layer gets its original `call` back when the last one goes.
const installed = new WeakMap<Layer, Installed>();

function install(layer: Layer, fn: LayerHookFunction): void {
  let entry = installed.get(layer);
  if (!entry) {
    const own = Object.getOwnPropertyDescriptor(layer, 'call');
    const original = (layer as unknown as { call: CallFn }).call;
    const hooks = new Set<LayerHookFunction>();
    entry = { own, hooks };
    const wrapper = function (this: Layer, inputs: tf.Tensor | tf.Tensor[], kwargs: LayerCallArgs) {
      const output = original.call(this, inputs, kwargs);
      for (const hook of [...hooks]) hook(layer, inputs, output, kwargs ?? {});
      return output;
    };
    // Non-enumerable, like the prototype method it shadows: Object.keys(layer) does not change.
    Object.defineProperty(layer, 'call', {
      value: wrapper,
      configurable: true,
      writable: true,
      enumerable: false,
    });
    installed.set(layer, entry);
  }
  entry.hooks.add(fn);
}

function uninstall(layer: Layer, fn: LayerHookFunction): void {
  const entry = installed.get(layer);
  if (!entry) return;
  entry.hooks.delete(fn);
  if (entry.hooks.size > 0) return;
  installed.delete(layer);
  if (entry.own) Object.defineProperty(layer, 'call', entry.own);
  else delete (layer as unknown as { call?: unknown }).call;
}

/**
 * Calls `fn(layer, inputs, output, kwargs)` each time one of the `layers` computes an output, in
 * `fit`, `predict`, `apply` or a Learner's training step alike (the layer's `call` is wrapped on
 * the instance; nested models work, since a model calls its layers' `call`). Nothing changes in
 * the model: `remove()` puts every layer back as it was, and unhooked layers cost nothing.
 * `layers` defaults to every computing layer (nested models opened, InputLayers skipped).
 *
 * @example
 * ```ts
 * const hooks = hookLayers(model, ['conv2d_1'], (layer, _in, out) => console.log(layer.name, out));
 * model.predict(x);
 * hooks.remove();
 * ```
 */
export function hookLayers(
  model: LayersModel,
  layers: readonly LayerRef[] | undefined,
  fn: LayerHookFunction,
): LayerHooks {
  if (!isLayersModel(model)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `hookLayers needs a tfjs-layers LayersModel (tf.sequential() or tf.model()), got ${describe(model)}`,
    );
  }
  if (typeof fn !== 'function') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `hookLayers needs a function (layer, inputs, output, kwargs) => void, got ${describe(fn)}`,
    );
  }
  const targets = layers === undefined ? leafLayers(model) : resolveLayers(model, layers);
  const unique = [...new Set(targets)];
  // A private function per call, so the same `fn` can be installed twice and removed once.
  const hook: LayerHookFunction = (...args) => fn(...args);
  for (const layer of unique) install(layer, hook);
  let removed = false;
  return {
    layers: targets,
    get removed() {
      return removed;
    },
    remove() {
      if (removed) return;
      removed = true;
      for (const layer of unique) uninstall(layer, hook);
    },
  };
}
