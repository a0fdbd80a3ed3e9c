import { assertInteger, assertNumber, describe, InterpError, type Learner } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { hookLayers, type Layer, type LayerRef } from './hook-layers.js';
import {
  type DebugPlotOptions,
  plotDeadNeurons,
  plotGradientFlow,
  plotLayerOutputs,
  plotWeightDistribution,
} from './internal/debug-plots.js';
import {
  hasParams,
  leafLayers,
  requireLayersModel,
  resolveLayers,
  weightSize,
} from './internal/model-layers.js';

/** Options of {@link ModelDebugger.checkGradientFlow}. */
export interface GradientFlowOptions {
  /** Batches to average over. */
  nBatches?: number;
  /** 0 = train (default), 1 = valid. */
  dsIdx?: number;
  /** A layer whose mean |gradient| is below this is vanishing. */
  vanishingThreshold?: number;
  /** A layer whose gradient norm is above this is exploding. */
  explodingThreshold?: number;
}

/** Options of {@link ModelDebugger.detectDeadNeurons}. */
export interface DeadNeuronOptions {
  /** 0 = train, 1 = valid (default). */
  dsIdx?: number;
  /** A unit activates when its output is above this. */
  threshold?: number;
  /** Layers to check; default the layers with weights and the activation layers. */
  layers?: readonly LayerRef[];
}

/** Options of {@link ModelDebugger.weightDistributionAnalysis}. */
export interface WeightDistributionOptions {
  /** Histogram bins per weight. */
  bins?: number;
  /** A weight with |w| above this is flagged as huge. */
  hugeThreshold?: number;
}

/** ModelDebugger defaults, written once. */
export const modelDebuggerDefaults = {
  gradientFlow: { nBatches: 3, dsIdx: 0, vanishingThreshold: 1e-7, explodingThreshold: 1e3 },
  deadNeurons: { dsIdx: 1, threshold: 0 },
  weightDistribution: { bins: 30, hugeThreshold: 100 },
} as const;

/** Gradient statistics of one layer, averaged over batches. */
export interface LayerGradientFlow {
  layer: string;
  type: string;
  /** Number of trainable parameters. */
  params: number;
  /** L2 norm of the gradient over all the layer's trainable weights (mean over batches). */
  gradNorm: number;
  /** Mean |gradient| per parameter (mean over batches). */
  meanAbsGrad: number;
  /** Largest |gradient| seen. */
  maxAbsGrad: number;
  status: 'ok' | 'vanishing' | 'exploding' | 'non-finite';
}

/** What {@link ModelDebugger.checkGradientFlow} returns. */
export interface GradientFlowReport {
  layers: LayerGradientFlow[];
  vanishing: string[];
  exploding: string[];
  nonFinite: string[];
  batches: number;
  warnings: string[];
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

/** What {@link ModelDebugger.analyzeLayerOutputs} returns. */
export interface LayerOutputReport {
  layers: LayerOutputStats[];
  warnings: string[];
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

/** What {@link ModelDebugger.detectDeadNeurons} returns. */
export interface DeadNeuronReport {
  layers: LayerDeadNeurons[];
  /** Items looked at. */
  items: number;
  warnings: string[];
}

/** Statistics and histogram of one weight tensor. */
export interface WeightStats {
  layer: string;
  /** The weight's name (`dense_1/kernel`, ...). */
  name: string;
  shape: number[];
  count: number;
  mean: number;
  /** Population std of the values. */
  std: number;
  min: number;
  max: number;
  /** Fraction of values exactly 0. */
  zeroFraction: number;
  nonFiniteCount: number;
  /** `bins + 1` edges over [min, max] and the count in each bin (the last bin includes max). */
  hist: { edges: number[]; counts: number[] };
}

/** What {@link ModelDebugger.weightDistributionAnalysis} returns. */
export interface WeightDistributionReport {
  weights: WeightStats[];
  warnings: string[];
}

const ACTIVATION_LAYERS = new Set([
  'Activation',
  'ReLU',
  'LeakyReLU',
  'PReLU',
  'ELU',
  'ThresholdedReLU',
]);
const NOT_KERNEL = /(^|\/)(bias|gamma|beta|moving_mean|moving_variance)(_\d+)?$/;

/**
 * Debugging tools for a learner's model: gradient flow per layer, per-layer output statistics,
 * dead units and weight distributions, each returning plain data with warnings, and each with a
 * plot. Nothing here changes the model.
 *
 * @example
 * ```ts
 * const dbg = new ModelDebugger(learn);
 * const flow = await dbg.checkGradientFlow();
 * flow.vanishing; // ['dense_1'] when no gradient reaches it
 * dbg.plotGradientFlow(flow, { document });
 * ```
 */
export class ModelDebugger {
  readonly learn: Learner;

  constructor(learn: Learner) {
    requireLayersModel(learn, 'ModelDebugger');
    this.learn = learn;
  }

  private get model() {
    return this.learn.layersModel!;
  }

  /**
   * Gradient of the mean training loss over `nBatches` batches (training mode): per layer with
   * trainable weights, the gradient's L2 norm, mean and max |gradient|. Layers with mean
   * |gradient| below 1e-7 are vanishing, with a norm above 1e3 exploding; NaN or infinite
   * gradients are flagged too.
   */
  async checkGradientFlow(options: GradientFlowOptions = {}): Promise<GradientFlowReport> {
    const d = modelDebuggerDefaults.gradientFlow;
    const {
      nBatches = d.nBatches,
      dsIdx = d.dsIdx,
      vanishingThreshold = d.vanishingThreshold,
      explodingThreshold = d.explodingThreshold,
    } = options;
    assertInteger(nBatches, 'nBatches', 1);
    assertNumber(vanishingThreshold, 'vanishingThreshold', 0);
    assertNumber(explodingThreshold, 'explodingThreshold', 0);
    const dl = this.learn.dls.byIndex(dsIdx);
    const layers = leafLayers(this.model).filter((l) => l.trainableWeights.length > 0);
    if (layers.length === 0) {
      throw new InterpError('EMPTY_INPUT', 'checkGradientFlow: the model has no trainable weights');
    }
    const vars = layers.flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
    const params = layers.map((l) => l.trainableWeights.reduce((a, w) => a + weightSize(w), 0));
    const sums = layers.map(() => ({ norm: 0, meanAbs: 0, maxAbs: 0, bad: 0 }));
    let batches = 0;
    for await (const { x, y } of dl) {
      let data: Float32Array;
      try {
        const { value, grads } = tf.variableGrads(
          () =>
            tf.mean(this.learn.lossFunc(this.learn.predict(x, { training: true }), y)) as tf.Scalar,
          vars,
        );
        const stats = tf.tidy(() =>
          tf.stack(
            layers.map((l) => {
              const gs = l.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]!);
              return tf.stack([
                tf.addN(gs.map((g) => tf.sum(tf.square(g)))),
                tf.addN(gs.map((g) => tf.sum(tf.abs(g)))),
                tf.max(tf.stack(gs.map((g) => tf.max(tf.abs(g))))),
                tf.addN(gs.map((g) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(g)), 'float32')))),
              ]);
            }),
          ),
        );
        tf.dispose([value, ...Object.values(grads)]);
        data = (await stats.data()) as Float32Array;
        stats.dispose();
      } finally {
        tf.dispose([x, y]);
      }
      layers.forEach((_, i) => {
        const s = sums[i]!;
        s.norm += Math.sqrt(data[4 * i]!);
        s.meanAbs += data[4 * i + 1]! / params[i]!;
        s.maxAbs = Math.max(s.maxAbs, data[4 * i + 2]!);
        s.bad += data[4 * i + 3]!;
      });
      if (++batches >= nBatches) break;
    }
    if (batches === 0)
      throw new InterpError('EMPTY_INPUT', 'checkGradientFlow: the data loader yielded no batches');
    const rows: LayerGradientFlow[] = layers.map((l, i) => {
      const s = sums[i]!;
      const gradNorm = s.norm / batches;
      const meanAbsGrad = s.meanAbs / batches;
      const status: LayerGradientFlow['status'] =
        s.bad > 0 || !Number.isFinite(gradNorm)
          ? 'non-finite'
          : meanAbsGrad < vanishingThreshold
            ? 'vanishing'
            : gradNorm > explodingThreshold
              ? 'exploding'
              : 'ok';
      return {
        layer: l.name,
        type: l.getClassName(),
        params: params[i]!,
        gradNorm,
        meanAbsGrad,
        maxAbsGrad: s.maxAbs,
        status,
      };
    });
    const named = (st: LayerGradientFlow['status']) =>
      rows.filter((r) => r.status === st).map((r) => r.layer);
    const vanishing = named('vanishing');
    const exploding = named('exploding');
    const nonFinite = named('non-finite');
    const warnings: string[] = [];
    if (vanishing.length) {
      warnings.push(
        `vanishing gradients (mean |grad| < ${vanishingThreshold}) in ${vanishing.join(', ')}: these layers barely train; look for zero weights downstream, dead ReLUs or saturated activations`,
      );
    }
    if (exploding.length) {
      warnings.push(
        `exploding gradients (norm > ${explodingThreshold}) in ${exploding.join(', ')}: lower the learning rate, normalize inputs or clip gradients`,
      );
    }
    if (nonFinite.length) warnings.push(`NaN or infinite gradients in ${nonFinite.join(', ')}`);
    return { layers: rows, vanishing, exploding, nonFinite, batches, warnings };
  }

  /**
   * Runs `x` through the model (inference) and reports, per layer (default every computing layer),
   * the output shape, mean, sample std, min and max over finite values, and the NaN and infinity
   * counts. `x` stays the caller's.
   */
  async analyzeLayerOutputs(
    x: tf.Tensor,
    { layers }: { layers?: readonly LayerRef[] } = {},
  ): Promise<LayerOutputReport> {
    if (!(x instanceof tf.Tensor)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `analyzeLayerOutputs needs an input tensor x, got ${describe(x)}`,
      );
    }
    const targets =
      layers === undefined ? leafLayers(this.model) : resolveLayers(this.model, layers);
    const found = new Map<Layer, { stats: tf.Tensor; shape: number[] }>();
    const hooks = hookLayers(this.model, targets, (layer, _in, out) => {
      const first = Array.isArray(out) ? out[0]! : out;
      found.get(layer)?.stats.dispose();
      found.set(layer, { stats: tf.keep(outputStats(first)), shape: [...first.shape] });
    });
    try {
      tf.tidy(() => {
        this.learn.predict(x);
      });
    } finally {
      hooks.remove();
    }
    const order = targets.filter((l) => found.has(l));
    const all = tf.tidy(() => tf.stack(order.map((l) => found.get(l)!.stats)));
    const data = await all.data();
    tf.dispose([all, ...[...found.values()].map((f) => f.stats)]);
    const rows: LayerOutputStats[] = order.map((l, i) => ({
      layer: l.name,
      type: l.getClassName(),
      shape: found.get(l)!.shape,
      mean: data[7 * i]!,
      std: data[7 * i + 1]!,
      min: data[7 * i + 2]!,
      max: data[7 * i + 3]!,
      nanCount: data[7 * i + 4]!,
      infCount: data[7 * i + 5]!,
    }));
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
    return { layers: rows, warnings };
  }

  /**
   * Units (last-axis neurons or channels) that never output more than `threshold` (default 0,
   * i.e. never activate) over a whole dataset (validation by default), per layer with weights
   * and per activation layer.
   */
  async detectDeadNeurons(options: DeadNeuronOptions = {}): Promise<DeadNeuronReport> {
    const d = modelDebuggerDefaults.deadNeurons;
    const { dsIdx = d.dsIdx, threshold = d.threshold, layers } = options;
    assertNumber(threshold, 'threshold');
    const dl = this.learn.dls.byIndex(dsIdx);
    const targets =
      layers === undefined
        ? leafLayers(this.model).filter(
            (l) => hasParams(l) || ACTIVATION_LAYERS.has(l.getClassName()),
          )
        : resolveLayers(this.model, layers);
    const runningMax = new Map<Layer, tf.Tensor>();
    const hooks = hookLayers(this.model, targets, (layer, _in, out) => {
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
            this.learn.predict(x);
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
    const warnings = rows
      .filter((r) => r.deadUnits.length > 0)
      .map(
        (r) =>
          `${r.layer}: ${r.deadUnits.length} of ${r.units} units (${(100 * r.deadFraction).toFixed(1)}%) never activate${r.deadFraction === 1 ? ': the layer is dead' : ''}; try a lower learning rate, LeakyReLU, or another initialization`,
      );
    return { layers: rows, items, warnings };
  }

  /**
   * Statistics and a histogram of every weight tensor (per layer), with warnings for NaN or
   * infinite values, all-zero or constant kernels (no symmetry breaking), and huge values.
   */
  async weightDistributionAnalysis(
    options: WeightDistributionOptions = {},
  ): Promise<WeightDistributionReport> {
    const d = modelDebuggerDefaults.weightDistribution;
    const { bins = d.bins, hugeThreshold = d.hugeThreshold } = options;
    assertInteger(bins, 'bins', 1);
    assertNumber(hugeThreshold, 'hugeThreshold', 0);
    const weights: WeightStats[] = [];
    const warnings: string[] = [];
    for (const layer of leafLayers(this.model)) {
      for (const w of layer.weights) {
        const values = (await w.read().data()) as Float32Array;
        const s = describeValues(values, bins);
        // originalName: tfjs suffixes `name` (`dense/kernel_4`) when layer names repeat.
        const name = w.originalName;
        weights.push({ layer: layer.name, name, shape: w.shape.map((d) => d ?? 0), ...s });
        const kernel = !NOT_KERNEL.test(name);
        if (s.nonFiniteCount > 0) {
          warnings.push(
            `${name}: ${s.nonFiniteCount} NaN or infinite values; training diverged or the weights were loaded wrong`,
          );
        } else if (kernel && s.count > 0 && s.zeroFraction === 1) {
          warnings.push(
            `${name} is all zero: the layer passes no signal and gets no gradient upstream; re-initialize it`,
          );
        } else if (kernel && s.count > 1 && s.min === s.max) {
          warnings.push(
            `${name} is constant (${s.min}): every unit computes the same thing; use a random initializer`,
          );
        } else if (Math.max(Math.abs(s.min), Math.abs(s.max)) > hugeThreshold) {
          warnings.push(
            `${name} has huge values (|w| up to ${Math.max(Math.abs(s.min), Math.abs(s.max)).toPrecision(3)} > ${hugeThreshold}); use weight decay or a lower learning rate`,
          );
        }
      }
    }
    return { weights, warnings };
  }

  /** Bars of each layer's gradient norm and mean |gradient|, flagged layers marked. */
  plotGradientFlow(report: GradientFlowReport, options: DebugPlotOptions = {}): SVGSVGElement {
    return plotGradientFlow(report, options);
  }

  /** Each layer's output mean with ±std error bars, and its min and max. */
  plotLayerOutputs(report: LayerOutputReport, options: DebugPlotOptions = {}): SVGSVGElement {
    return plotLayerOutputs(report, options);
  }

  /** Fraction of dead units per layer. */
  plotDeadNeurons(report: DeadNeuronReport, options: DebugPlotOptions = {}): SVGSVGElement {
    return plotDeadNeurons(report, options);
  }

  /** One histogram line per weight tensor (density over its value range). */
  plotWeightDistribution(
    report: WeightDistributionReport,
    options: DebugPlotOptions = {},
  ): SVGSVGElement {
    return plotWeightDistribution(report, options);
  }
}

/** `[mean, std, min, max, nanCount, infCount, finiteCount]` over the finite values of `t`. */
function outputStats(t: tf.Tensor): tf.Tensor1D {
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

function describeValues(values: Float32Array, bins: number) {
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let zeros = 0;
  let nonFinite = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    count++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) zeros++;
  }
  const mean = count ? sum / count : Number.NaN;
  let sq = 0;
  for (const v of values) if (Number.isFinite(v)) sq += (v - mean) ** 2;
  const std = count ? Math.sqrt(sq / count) : Number.NaN;
  // A constant tensor gets a unit-wide range around its value, so its one spike is visible.
  const lo = count ? (min === max ? min - 0.5 : min) : 0;
  const hi = count ? (min === max ? max + 0.5 : max) : 1;
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + ((hi - lo) * k) / bins);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]!++;
  }
  return {
    count,
    mean,
    std,
    min: count ? min : Number.NaN,
    max: count ? max : Number.NaN,
    zeroFraction: count ? zeros / count : 0,
    nonFiniteCount: nonFinite,
    hist: { edges, counts },
  };
}
