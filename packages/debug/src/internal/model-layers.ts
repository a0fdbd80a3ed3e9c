import { InterpError, Learner } from '@interp/core';
import { describe, isLayersModel } from '@interp/core/internal';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** A tfjs-layers layer, typed structurally so the user's copy of tfjs-layers is the one used. */
export type Layer = LayersModel['layers'][number];

/** Names a layer: its name, its index among {@link leafLayers}, or the layer object itself. */
export type LayerRef = string | number | Layer;

/**
 * The layers that compute something, in model order, with nested models opened up (like fastai's
 * `flatten_model`): every non-model layer except InputLayers, each once.
 */
export function leafLayers(model: LayersModel): Layer[] {
  const out: Layer[] = [];
  const seen = new Set<Layer>();
  const visit = (m: LayersModel) => {
    for (const layer of m.layers) {
      if (seen.has(layer)) continue;
      seen.add(layer);
      if (isLayersModel(layer)) visit(layer);
      else if (layer.getClassName() !== 'InputLayer') out.push(layer);
    }
  };
  visit(model);
  return out;
}

/** Every layer of the model, nested models included (themselves and their layers). */
function allLayers(model: LayersModel): Layer[] {
  const out: Layer[] = [];
  const visit = (m: LayersModel) => {
    for (const layer of m.layers) {
      out.push(layer);
      if (isLayersModel(layer)) visit(layer);
    }
  };
  visit(model);
  return out;
}

/** True when the layer owns weights (fastai's `has_params`). */
export function hasParams(layer: Layer): boolean {
  return layer.weights.length > 0;
}

/**
 * Resolves layer references against a model: names (nested models' layers included), indices into
 * {@link leafLayers}, or layer objects of the model. Unknown references throw UNKNOWN_LAYER naming
 * the layers that exist.
 */
export function resolveLayers(model: LayersModel, refs: readonly LayerRef[]): Layer[] {
  if (!Array.isArray(refs)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `layers must be an array of layer names, indices or layer objects, got ${describe(refs)}`,
    );
  }
  const leaves = leafLayers(model);
  const all = allLayers(model);
  return refs.map((ref) => {
    if (typeof ref === 'number') {
      if (!Number.isInteger(ref) || ref < 0 || ref >= leaves.length) {
        throw new InterpError(
          'UNKNOWN_LAYER',
          `layer index ${ref} is out of range: the model has ${leaves.length} layers (0..${leaves.length - 1})`,
        );
      }
      return leaves[ref]!;
    }
    if (typeof ref === 'string') {
      const found = all.find((l) => l.name === ref);
      if (!found) {
        const names = leaves.map((l) => l.name);
        throw new InterpError(
          'UNKNOWN_LAYER',
          `no layer named ${JSON.stringify(ref)}; the model's layers are ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''}`,
        );
      }
      return found;
    }
    if (typeof ref === 'object' && ref !== null && all.includes(ref)) return ref;
    throw new InterpError(
      'UNKNOWN_LAYER',
      `${describe(ref)} is not a layer of this model; pass a layer name, an index or one of model.layers`,
    );
  });
}

/** Throws unless `learn` is a Learner. */
export function requireLearner(learn: Learner, what: string): void {
  if (typeof learn !== 'object' || learn === null || !('dls' in learn)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${what} needs a Learner (Learner.fromLayersModel(model, { dls })), got ${describe(learn)}`,
    );
  }
}

/** The learner's LayersModel, or an error saying this tool needs one (and `instead`, if any). */
export function requireLayersModel(learn: Learner, what: string, instead = ''): LayersModel {
  requireLearner(learn, what);
  const model = learn.layersModel;
  if (!model) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${what} needs a learner built from a tfjs-layers model (Learner.fromLayersModel); this one wraps a plain function, whose layers cannot be seen${instead}`,
    );
  }
  return model;
}

/**
 * The LayersModel of a Learner (returned with it as `learner`) or a bare LayersModel: what the
 * model-level tools (`summary`, `modelSizes`) take. A learner around a plain function has no
 * layers (NOT_SUPPORTED); anything else is INVALID_ARGUMENT.
 */
export function learnerOrModel(
  learn: Learner | LayersModel,
  what: string,
): { model: LayersModel; learner: Learner | undefined } {
  const isLearner =
    learn instanceof Learner || (typeof learn === 'object' && learn !== null && 'dls' in learn);
  const model = isLearner
    ? (learn as Learner).layersModel
    : isLayersModel(learn)
      ? (learn as LayersModel)
      : undefined;
  if (!model) {
    throw new InterpError(
      isLearner ? 'NOT_SUPPORTED' : 'INVALID_ARGUMENT',
      isLearner
        ? `${what} needs a learner built from a tfjs-layers model (Learner.fromLayersModel); a plain-function model has no layers to list`
        : `${what} needs a Learner or a tfjs-layers LayersModel, got ${describe(learn)}`,
    );
  }
  return { model, learner: isLearner ? (learn as Learner) : undefined };
}

/** Number of values of a weight (its shape is fully known once the layer is built). */
export function weightSize(w: { shape: readonly (number | null)[] }): number {
  return w.shape.reduce<number>((a, d) => a * (d ?? 0), 1);
}
