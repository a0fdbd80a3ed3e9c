import type { Learner } from '@interp/core';
import { assertInteger, assertNumber } from '@interp/core/internal';
import { leafLayers } from './internal/model-layers.js';
import { modelDebuggerDefaults } from './model-debugger-defaults.js';

/** Options of {@link checkWeightDistribution}. */
export interface WeightDistributionOptions {
  /** Histogram bins per weight. */
  bins?: number;
  /** A weight with |w| above this is flagged as huge. */
  hugeThreshold?: number;
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

/** What {@link checkWeightDistribution} returns. */
export interface WeightDistributionReport {
  weights: WeightStats[];
  warnings: string[];
}

const NOT_KERNEL = /(^|\/)(bias|gamma|beta|moving_mean|moving_variance)(_\d+)?$/;

/**
 * Statistics and a histogram of every weight tensor (per layer), with warnings for NaN or
 * infinite values, all-zero or constant kernels (no symmetry breaking), and huge values. What
 * {@link ModelDebugger.checkWeightDistribution} runs.
 *
 * @example
 * ```ts
 * (await checkWeightDistribution(learn, { bins: 10 })).weights[0].hist.counts; // 10 counts
 * ```
 */
export async function checkWeightDistribution(
  learn: Learner,
  options: WeightDistributionOptions = {},
): Promise<WeightDistributionReport> {
  const { bins, hugeThreshold } = weightDistributionSettings(options);
  const weights: WeightStats[] = [];
  const warnings: string[] = [];
  for (const layer of leafLayers(learn.layersModel!)) {
    for (const w of layer.weights) {
      const values = (await w.read().data()) as Float32Array;
      // originalName: tfjs suffixes `name` (`dense/kernel_4`) when layer names repeat.
      const shape = w.shape.map((d) => d ?? 0);
      addWeight({ layer: layer.name, name: w.originalName, shape }, values, bins, hugeThreshold, {
        weights,
        warnings,
      });
    }
  }
  return { weights, warnings };
}

/** The options with their defaults, checked. */
export function weightDistributionSettings(options: WeightDistributionOptions): {
  bins: number;
  hugeThreshold: number;
} {
  const d = modelDebuggerDefaults.weightDistribution;
  const { bins = d.bins, hugeThreshold = d.hugeThreshold } = options;
  assertInteger(bins, 'bins', 1);
  assertNumber(hugeThreshold, 'hugeThreshold', 0);
  return { bins, hugeThreshold };
}

/** Appends one weight's statistics to `report`, and its warning if any. */
export function addWeight(
  id: { layer: string; name: string; shape: number[] },
  values: Float32Array,
  bins: number,
  hugeThreshold: number,
  report: WeightDistributionReport,
): void {
  const { name } = id;
  const { warnings } = report;
  const s = describeValues(values, bins);
  report.weights.push({ ...id, ...s });
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
