import { InterpError, type Learner } from '@interp/core';
import { describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import { hookLayers, type Layer, type LayerRef } from './hook-layers.js';
import { leafLayers, resolveLayers } from './internal/model-layers.js';

/** Options of {@link checkLayerOutputs}. */
export interface LayerOutputOptions {
  /** Layers to report; default every computing layer. */
  layers?: readonly LayerRef[];
}

/** Output statistics of one layer (over finite values; std is the sample std). */
export interface LayerOutputStats {
  layer: string;
  type: string;
  shape: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
  nanCount: number;
  infCount: number;
}

/** What {@link checkLayerOutputs} returns. */
export interface LayerOutputReport {
  layers: LayerOutputStats[];
  warnings: string[];
}

/**
 * Runs `x` through the model (inference) and reports, per layer (default every computing layer),
 * the output shape, mean, sample std, min and max over finite values, and the NaN and infinity
 * counts, with a warning for non-finite or constant outputs. `x` stays the caller's. What
 * {@link ModelDebugger.checkLayerOutputs} runs.
 *
 * @example
 * ```ts
 * (await checkLayerOutputs(learn, x)).warnings; // ['dense_1 outputs the constant 0 for every item: ...']
 * ```
 */
export async function checkLayerOutputs(
  learn: Learner,
  x: tf.Tensor,
  { layers }: LayerOutputOptions = {},
): Promise<LayerOutputReport> {
  if (!(x instanceof tf.Tensor)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `checkLayerOutputs needs an input tensor x, got ${describe(x)}`,
    );
  }
  const targets =
    layers === undefined
      ? leafLayers(learn.layersModel!)
      : resolveLayers(learn.layersModel!, layers);
  const found = new Map<Layer, { stats: tf.Tensor; shape: number[] }>();
  const hooks = hookLayers(learn.layersModel!, targets, (layer, _in, out) => {
    const first = Array.isArray(out) ? out[0]! : out;
    found.get(layer)?.stats.dispose();
    found.set(layer, { stats: tf.keep(outputStats(first)), shape: [...first.shape] });
  });
  try {
    tf.tidy(() => {
      learn.predict(x);
    });
  } finally {
    hooks.remove();
  }
  const order = targets.filter((l) => found.has(l));
  const all = tf.tidy(() => tf.stack(order.map((l) => found.get(l)!.stats)));
  const data = await all.data();
  tf.dispose([all, ...[...found.values()].map((f) => f.stats)]);
  const rows = order.map((l, i) =>
    outputRow({ layer: l.name, type: l.getClassName(), shape: found.get(l)!.shape }, data, i),
  );
  return { layers: rows, warnings: layerOutputWarnings(rows) };
}

/** Row `i` of stacked {@link outputStats}. */
export function outputRow(
  id: Pick<LayerOutputStats, 'layer' | 'type' | 'shape'>,
  data: ArrayLike<number>,
  i: number,
): LayerOutputStats {
  return {
    ...id,
    mean: data[7 * i]!,
    std: data[7 * i + 1]!,
    min: data[7 * i + 2]!,
    max: data[7 * i + 3]!,
    nanCount: data[7 * i + 4]!,
    infCount: data[7 * i + 5]!,
  };
}

/** Warnings for non-finite and constant layer outputs. */
export function layerOutputWarnings(rows: readonly LayerOutputStats[]): string[] {
  const warnings: string[] = [];
  for (const r of rows) {
    if (r.nanCount > 0 || r.infCount > 0) {
      warnings.push(`${r.layer} outputs ${r.nanCount} NaN and ${r.infCount} infinite values`);
    } else if (r.min === r.max) {
      warnings.push(
        `${r.layer} outputs the constant ${r.min} for every item: it passes no information on`,
      );
    }
  }
  return warnings;
}

/** `[mean, std, min, max, nanCount, infCount, finiteCount]` over the finite values of `t`. */
export function outputStats(t: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const flat = tf.reshape(t.dtype === 'float32' ? t : tf.cast(t, 'float32'), [-1]);
    const finite = tf.isFinite(flat);
    const count = tf.sum(tf.cast(finite, 'float32'));
    const zeros = tf.zerosLike(flat);
    const mean = tf.div(tf.sum(tf.where(finite, flat, zeros)), count);
    const sq = tf.where(finite, tf.squaredDifference(flat, mean), zeros);
    const std = tf.sqrt(tf.div(tf.sum(sq), tf.sub(count, 1)));
    const min = tf.min(tf.where(finite, flat, tf.fill(flat.shape, Number.POSITIVE_INFINITY)));
    const max = tf.max(tf.where(finite, flat, tf.fill(flat.shape, Number.NEGATIVE_INFINITY)));
    const nan = tf.sum(tf.cast(tf.isNaN(flat), 'float32'));
    const inf = tf.sum(tf.cast(tf.isInf(flat), 'float32'));
    return tf.stack([mean, std, min, max, nan, inf, count]) as tf.Tensor1D;
  });
}
