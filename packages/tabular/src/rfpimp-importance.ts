import type { Learner } from '@interp/core';
import { assertInteger } from '@interp/core/internal';
import {
  type ImportanceOptions,
  permutedSource,
  prepareImportance,
  scoreJobs,
  targetsOfRows,
} from './internal/importance.js';
import type { Job } from './internal/permutation-engine.js';
import type { Scoring } from './scoring.js';

/** Options of {@link rfpimpImportance}. */
export interface RfpimpImportanceOptions extends ImportanceOptions {
  /** The validation metric (a scorer, greater is better); default accuracy for classifiers, r2 for regressors. */
  metric?: Scoring;
  /** Rows sampled (without replacement) before permuting, as rfpimp's n_samples (default 5000); null = all rows. */
  nSamples?: number | null;
}

/** rfpimp-style importances, most important first. */
export interface RfpimpImportanceResult {
  /** The metric with nothing permuted. */
  baselineScore: number;
  /** Feature names, sorted by importance (largest first; ties keep feature order). */
  features: string[];
  /** Drop in the metric when the feature is permuted once, in the order of `features`. */
  importances: number[];
  scoring: string;
}

/** rfpimpImportance defaults, written once. */
export const rfpimpImportanceDefaults = Object.freeze({ nSamples: 5000 } as const);

/**
 * Permutation importance as the rfpimp package computes it: on (a sample of) the validation
 * rows, each column is permuted once and the drop in the validation metric is its importance;
 * the result is sorted, most important first. Cheaper and noisier than
 * `FeatureImportance.permutationImportance` (one permutation instead of `nRepeats`).
 *
 * @example
 * ```ts
 * const r = await rfpimpImportance(learn, { randomState: 0 });
 * r.features[0]; // the most important column
 * ```
 */
export async function rfpimpImportance(
  learn: Learner,
  options: RfpimpImportanceOptions = {},
): Promise<RfpimpImportanceResult> {
  const { metric, nSamples = rfpimpImportanceDefaults.nSamples } = options;
  if (nSamples !== null) assertInteger(nSamples, 'nSamples', 1);
  const { rng, data, features } = await prepareImportance(learn, options);
  const n = data.nRows;
  const rows =
    nSamples === null || nSamples >= n ? null : rng.permutation(n).slice(0, nSamples).sort();
  const jobs: Job[] = [{ rows, columns: [] }];
  for (const f of features) {
    jobs.push({ rows, columns: f.columns, source: permutedSource(rng, rows, n) });
  }
  const targets = targetsOfRows(data, rows);
  const { scores, scoringName } = await scoreJobs(learn, data, jobs, () => targets, {
    scoring: metric,
    act: options.act,
    batchSize: options.batchSize,
  });
  const baselineScore = scores[0]!;
  const order = features
    .map((f, k) => ({ name: f.name, imp: baselineScore - scores[1 + k]!, k }))
    .sort((a, b) => b.imp - a.imp || a.k - b.k);
  return {
    baselineScore,
    features: order.map((o) => o.name),
    importances: order.map((o) => o.imp),
    scoring: scoringName,
  };
}
