import type { Learner } from '@interp/core';
import { assertNumber } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import { hookLayers, type Layer, type LayerRef } from './hook-layers.js';
import { hasParams, leafLayers, resolveLayers } from './internal/model-layers.js';
import { modelDebuggerDefaults } from './model-debugger-defaults.js';

/** Options of {@link checkDeadNeurons}. */
export interface DeadNeuronOptions {
  /** 0 = train, 1 = valid (default). */
  dsIdx?: number;
  /** A unit activates when its output is above this. */
  threshold?: number;
  /** Layers to check; default the layers with weights and the activation layers. */
  layers?: readonly LayerRef[];
}

/** Dead units of one layer. */
export interface LayerDeadNeurons {
  layer: string;
  type: string;
  /** Units (size of the last axis: neurons or channels). */
  units: number;
  /** Indices of the units that never went above the threshold. */
  deadUnits: number[];
  deadFraction: number;
}

/** What {@link checkDeadNeurons} returns. */
export interface DeadNeuronReport {
  layers: LayerDeadNeurons[];
  /** Items looked at. */
  items: number;
  warnings: string[];
}

/** Activation ops as tfjs-layers, tfjs GraphModels and ONNX name them. */
export const ACTIVATION_OPS: ReadonlySet<string> = new Set([
  'Activation',
  'ReLU',
  'LeakyReLU',
  'PReLU',
  'ELU',
  'ThresholdedReLU',
  'Relu',
  'Relu6',
  'LeakyRelu',
  'PRelu',
  'Prelu',
  'Elu',
  'Selu',
  'Clip',
  'HardSwish',
]);
/**
 * Units (last-axis neurons or channels) that never output more than `threshold` (default 0,
 * i.e. never activate) over a whole dataset (validation by default), per layer with weights
 * and per activation layer. What {@link ModelDebugger.checkDeadNeurons} runs.
 *
 * @example
 * ```ts
 * (await checkDeadNeurons(learn)).layers[0].deadUnits; // [3, 17]: units 3 and 17 never fire
 * ```
 */
export async function checkDeadNeurons(
  learn: Learner,
  options: DeadNeuronOptions = {},
): Promise<DeadNeuronReport> {
  const d = modelDebuggerDefaults.deadNeurons;
  const { dsIdx = d.dsIdx, threshold = d.threshold, layers } = options;
  assertNumber(threshold, 'threshold');
  const dl = learn.dls.byIndex(dsIdx);
  const targets =
    layers === undefined
      ? leafLayers(learn.layersModel!).filter(
          (l) => hasParams(l) || ACTIVATION_OPS.has(l.getClassName()),
        )
      : resolveLayers(learn.layersModel!, layers);
  const runningMax = new Map<Layer, tf.Tensor>();
  const hooks = hookLayers(learn.layersModel!, targets, (layer, _in, out) => {
    const first = Array.isArray(out) ? out[0]! : out;
    const prev = runningMax.get(layer);
    const next = tf.tidy(() => {
      const axes = Array.from({ length: first.rank - 1 }, (_, k) => k);
      const m = axes.length ? tf.max(first, axes) : first;
      return prev ? tf.maximum(prev, m) : tf.clone(m);
    });
    prev?.dispose();
    runningMax.set(layer, tf.keep(next));
  });
  let items = 0;
  try {
    for await (const { x, y } of dl) {
      items += x.shape[0]!;
      try {
        tf.tidy(() => {
          learn.predict(x);
        });
      } finally {
        tf.dispose([x, y]);
      }
    }
  } finally {
    hooks.remove();
  }
  const rows: LayerDeadNeurons[] = [];
  for (const l of targets) {
    const m = runningMax.get(l);
    if (!m) continue;
    const maxima = await m.data();
    const deadUnits: number[] = [];
    maxima.forEach((v, k) => {
      if (!(v > threshold)) deadUnits.push(k);
    });
    rows.push({
      layer: l.name,
      type: l.getClassName(),
      units: maxima.length,
      deadUnits,
      deadFraction: maxima.length ? deadUnits.length / maxima.length : 0,
    });
  }
  tf.dispose([...runningMax.values()]);
  return { layers: rows, items, warnings: deadNeuronWarnings(rows) };
}

/** One warning per layer with dead units. */
export function deadNeuronWarnings(rows: readonly LayerDeadNeurons[]): string[] {
  return rows
    .filter((r) => r.deadUnits.length > 0)
    .map(
      (r) =>
        `${r.layer}: ${r.deadUnits.length} of ${r.units} units (${(100 * r.deadFraction).toFixed(1)}%) never activate${r.deadFraction === 1 ? ': the layer is dead' : ''}; try a lower learning rate, LeakyReLU, or another initialization`,
    );
}
