import { InterpError } from '@interp/core';
import { isLayersModel } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { hookLayers } from '../hook-layers.js';
import { withBatchAxis } from './input-size.js';
import { type Layer, weightSize } from './model-layers.js';

/** An output shape: null for an unknown size (usually the batch axis); several for multi-output layers. */
export type OutputShape = (number | null)[] | (number | null)[][];

/** One computing layer of a model, with where it sits among nested models. */
export interface LayerRow {
  layer: Layer;
  name: string;
  /** Names of the nested models holding the layer, outermost first (empty at top level). */
  path: string[];
  type: string;
  outputShape: OutputShape;
  params: number;
  trainableParams: number;
  /** Bytes of the layer's weights. */
  paramBytes: number;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

/** The computing layers of a model (nested models opened) with shapes and parameter counts. */
export function layerTable(
  model: LayersModel,
  inputSize: readonly number[] | undefined,
): LayerRow[] {
  const measured = inputSize === undefined ? undefined : measureShapes(model, inputSize);
  const rows: LayerRow[] = [];
  const seen = new Set<Layer>();
  const visit = (m: LayersModel, path: string[]) => {
    for (const layer of m.layers) {
      if (seen.has(layer)) continue;
      seen.add(layer);
      if (isLayersModel(layer)) {
        visit(layer, [...path, layer.name]);
        continue;
      }
      if (layer.getClassName() === 'InputLayer') continue;
      const count = (ws: readonly { shape: readonly (number | null)[] }[]) =>
        ws.reduce((a, w) => a + weightSize(w), 0);
      rows.push({
        layer,
        name: layer.name,
        path,
        type: layer.getClassName(),
        outputShape: measured ? (measured.get(layer) ?? staticShape(layer)) : staticShape(layer),
        params: layer.countParams(),
        trainableParams: count(layer.trainableWeights),
        paramBytes: layer.weights.reduce((a, w) => a + weightSize(w) * (BYTES[w.dtype] ?? 4), 0),
      });
    }
  };
  visit(model, []);
  return rows;
}

/** The model's single input shape (with the null batch axis), or an error for multi-input models. */
export function modelInputShape(model: LayersModel): (number | null)[] {
  if (model.inputs.length !== 1) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `this model has ${model.inputs.length} inputs; inputSize describes one input, so leave it out to see the static shapes`,
    );
  }
  return [...model.inputs[0]!.shape];
}

/** inputSize with the batch axis: given in full, or without it (batch 1 is added). */
export function fullInputSize(model: LayersModel, inputSize: readonly number[]): number[] {
  return withBatchAxis(inputSize, modelInputShape(model), '[1, 28, 28, 1]');
}

/** Output shapes of a forward pass on zeros of `inputSize` (nothing is kept). */
function measureShapes(model: LayersModel, inputSize: readonly number[]): Map<Layer, OutputShape> {
  const full = fullInputSize(model, inputSize);
  const shapes = new Map<Layer, OutputShape>();
  const hooks = hookLayers(model, undefined, (layer, _in, out) => {
    shapes.set(layer, Array.isArray(out) ? out.map((t) => [...t.shape]) : [...out.shape]);
  });
  try {
    tf.tidy(() => {
      model.apply(tf.zeros(full));
    });
  } finally {
    hooks.remove();
  }
  return shapes;
}

function staticShape(layer: Layer): OutputShape {
  try {
    const s = layer.outputShape;
    return Array.isArray(s[0])
      ? (s as (number | null)[][]).map((x) => [...x])
      : [...(s as (number | null)[])];
  } catch {
    // A layer used at several places has no single output shape.
    return [];
  }
}

/** `64 x 26 x 26 x 16` (fastai's style); unknown sizes print as `?`, several outputs joined by `, `. */
export function formatShape(shape: OutputShape): string {
  if (shape.length === 0) return 'multiple';
  if (Array.isArray(shape[0])) return (shape as (number | null)[][]).map(formatShape).join(', ');
  return (shape as (number | null)[]).map((d) => (d === null ? '?' : String(d))).join(' x ');
}

/** Replaces an unknown leading (batch) size by `batch`. */
export function withBatch(shape: OutputShape, batch: number): OutputShape {
  if (shape.length === 0) return shape;
  if (Array.isArray(shape[0]))
    return (shape as (number | null)[][]).map((s) => withBatch(s, batch) as (number | null)[]);
  const s = [...(shape as (number | null)[])];
  if (s[0] === null) s[0] = batch;
  return s;
}
