import { type EpochRecord, InterpError, type Learner } from '@interp/core';
import { assertInteger, assertNumber, describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import { requireLayersModel } from './internal/model-layers.js';
import { rememberLrFind } from './last-lr-find.js';
import type { LrSuggestion, SuggestionFunction } from './lr-suggestion.js';
import { minimum } from './minimum.js';
import { slide } from './slide.js';
import { steep } from './steep.js';
import { valley } from './valley.js';

/** A suggestion method by fastai's name. */
export type SuggestionName = 'valley' | 'slide' | 'steep' | 'minimum';

const methods: Record<SuggestionName, SuggestionFunction> = {
  valley,
  slide: (lrs, losses, numIt) => slide(lrs, losses, numIt),
  steep,
  minimum,
};

/** Options of {@link lrFind}. */
export interface LrFindOptions {
  startLr?: number;
  endLr?: number;
  /** Training steps (at least 6, as fastai). */
  numIt?: number;
  /** Stop once the smoothed loss passes 4x the best one (or stops being finite). */
  stopDiv?: boolean;
  /** Suggestion methods, by name or as functions (keyed by the function's name). */
  suggestFuncs?: readonly (SuggestionName | SuggestionFunction)[];
  /** Progress over the `numIt` steps. */
  onProgress?: (done: number, total: number) => void;
}

/** lrFind defaults (fastai's, with every suggestion method), written once. */
export const lrFindDefaults = Object.freeze({
  startLr: 1e-7,
  endLr: 10,
  numIt: 100,
  stopDiv: true,
  suggestFuncs: Object.freeze(['valley', 'slide', 'steep', 'minimum'] as readonly SuggestionName[]),
} as const);

/** fastai's smoothing of the recorded loss (AvgSmoothLoss). */
export const SMOOTH_BETA = 0.98;

/** What {@link lrFind} found. */
export interface LrFindResult {
  /** The learning rate of each step. */
  lrs: number[];
  /** The smoothed loss of each step (what fastai records and plots). */
  losses: number[];
  /** The raw batch loss of each step. */
  rawLosses: number[];
  /** The suggested learning rate of each method (NaN when too few steps were left to apply it). */
  suggestions: Record<string, number>;
  /** The (lr, loss) point of each suggestion, to mark on the plot. */
  points: Record<string, [number, number]>;
  /** True when training stopped before `numIt` steps because the loss diverged. */
  stoppedEarly: boolean;
  /** Why some suggestion could not be computed. */
  warnings: string[];
}

/**
 * fastai's learning-rate finder: trains for up to `numIt` steps with the learning rate growing
 * exponentially from `startLr` (`startLr * (endLr / startLr) ** (i / numIt)` at step i), records
 * the loss smoothed as fastai does (exponential moving average with beta 0.98, debiased), stops
 * when it passes 4x the best (`stopDiv`), then puts the weights and the learner's recorder back
 * as they were, keeping the run for {@link lastLrFind} and `plotLrFind(learn)`. Suggestions
 * come from fastai's methods on the losses from step `numIt / 10` to the 5th from last (cut at
 * the first NaN).
 *
 * @example
 * ```ts
 * const { suggestions } = await lrFind(learn);
 * await learn.fit(3, { lr: suggestions.valley });
 * ```
 */
export async function lrFind(learn: Learner, options: LrFindOptions = {}): Promise<LrFindResult> {
  const model = requireLayersModel(learn, 'lrFind');
  const {
    startLr = lrFindDefaults.startLr,
    endLr = lrFindDefaults.endLr,
    numIt = lrFindDefaults.numIt,
    stopDiv = lrFindDefaults.stopDiv,
    suggestFuncs = lrFindDefaults.suggestFuncs,
    onProgress,
  } = options;
  assertNumber(startLr, 'startLr', Number.MIN_VALUE);
  assertNumber(endLr, 'endLr', Number.MIN_VALUE);
  if (!(endLr > startLr)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `endLr (${endLr}) must be larger than startLr (${startLr})`,
    );
  }
  assertInteger(numIt, 'numIt', 1);
  if (typeof stopDiv !== 'boolean') {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid stopDiv: ${describe(stopDiv)}; expected true or false`,
    );
  }
  const funcs = resolveSuggestFuncs(suggestFuncs);

  // fastai's LRFinder runs at least 6 steps; the suggestions still slice with the given numIt.
  const steps = Math.max(6, numIt);
  const nBatches = Math.ceil(learn.dls.train.length / learn.dls.train.batchSize);
  const epochs = Math.floor(steps / nBatches) + 1;
  const schedule = (i: number) => startLr * (endLr / startLr) ** (i / steps);

  const saved = model.weights.map((w) => tf.clone(w.read()));
  const rec = learn.recorder;
  const savedRecorder = {
    losses: [...rec.losses],
    lrs: [...rec.lrs],
    epochs: [...rec.epochs] as EpochRecord[],
    metricNames: [...rec.metricNames],
  };
  const lrs: number[] = [];
  const losses: number[] = [];
  const rawLosses: number[] = [];
  let stoppedEarly = false;
  try {
    let avg = 0;
    let best = Number.POSITIVE_INFINITY;
    await learn.fit(epochs, {
      lrSchedule: schedule,
      skipValidation: true,
      onBatchEnd: (i, loss) => {
        const count = i + 1;
        avg = SMOOTH_BETA * avg + (1 - SMOOTH_BETA) * loss;
        const smooth = avg / (1 - SMOOTH_BETA ** count);
        lrs.push(schedule(i));
        losses.push(smooth);
        rawLosses.push(loss);
        onProgress?.(count, steps);
        if (smooth < best) best = smooth;
        // Past 4x the best, or NaN/Inf (fastai would run on with NaN weights to no use).
        if (stopDiv && (smooth > 4 * best || !Number.isFinite(smooth))) {
          stoppedEarly = count < steps;
          return false;
        }
        return count >= steps ? false : undefined;
      },
    });
  } finally {
    model.weights.forEach((w, k) => {
      w.write(saved[k]!);
    });
    tf.dispose(saved);
    rec.reset();
    rec.losses.push(...savedRecorder.losses);
    rec.lrs.push(...savedRecorder.lrs);
    rec.epochs.push(...savedRecorder.epochs);
    rec.metricNames = savedRecorder.metricNames;
  }

  // fastai: lrs[num_it // 10 : -5], cut at the first NaN.
  let lo = Math.min(Math.floor(numIt / 10), lrs.length);
  let hi = Math.max(lrs.length - 5, 0);
  const nan = losses.findIndex((l, k) => k >= lo && k < hi && Number.isNaN(l));
  if (nan >= 0) hi = nan;
  if (hi < lo) lo = hi;
  const sLrs = lrs.slice(lo, hi);
  const sLosses = losses.slice(lo, hi);
  const suggestions: Record<string, number> = {};
  const points: Record<string, [number, number]> = {};
  const warnings: string[] = [];
  for (const [name, fn] of funcs) {
    let s: LrSuggestion;
    try {
      s = fn(sLrs, sLosses, numIt);
    } catch (e) {
      if (!(e instanceof InterpError)) throw e;
      warnings.push(`${name}: ${e.message}`);
      s = { lr: Number.NaN, point: [Number.NaN, Number.NaN] };
    }
    suggestions[name] = s.lr;
    points[name] = s.point;
  }
  const result = { lrs, losses, rawLosses, suggestions, points, stoppedEarly, warnings };
  rememberLrFind(learn, result);
  return result;
}

function resolveSuggestFuncs(
  funcs: readonly (SuggestionName | SuggestionFunction)[],
): [string, SuggestionFunction][] {
  if (!Array.isArray(funcs)) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid suggestFuncs: ${describe(funcs)}; expected an array of 'valley', 'slide', 'steep', 'minimum' or functions`,
    );
  }
  return funcs.map((f, k) => {
    if (typeof f === 'function') return [f.name || `suggestion${k}`, f];
    if (typeof f === 'string' && f in methods) return [f, methods[f as SuggestionName]];
    throw new InterpError(
      'INVALID_OPTION',
      `invalid suggestFuncs[${k}]: ${describe(f)}; expected 'valley', 'slide', 'steep', 'minimum' or a function (lrs, losses, numIt) => { lr, point }`,
    );
  });
}
