import { InterpError, type Learner } from '@interp/core';
import { assertInteger } from '@interp/core/internal';
import {
  type ImportanceOptions,
  importanceStats,
  permutedSource,
  prepareImportance,
  scoreJobs,
  targetsOfRows,
} from './internal/importance.js';
import type { Job } from './internal/permutation-engine.js';
import type { Scoring } from './scoring.js';

/** Options of {@link oobScoreImportance}. */
export interface OobScoreImportanceOptions extends ImportanceOptions {
  /** Bootstrap resamples (default 10). */
  nBootstrap?: number;
  /** Scorer; default accuracy for classifiers, r2 for regressors. */
  scoring?: Scoring;
}

/** Out-of-bag importances: one value per feature and resample. */
export interface OobScoreImportanceResult {
  /** Mean over resamples of the out-of-bag score with nothing permuted. */
  baselineScore: number;
  /** The out-of-bag score of each resample. */
  baselineScores: number[];
  features: string[];
  /** Mean over resamples of (out-of-bag score - score with the feature permuted among the out-of-bag rows). */
  importancesMean: number[];
  /** Population standard deviation (ddof 0) over resamples. */
  importancesStd: number[];
  /** `[feature][resample]`. */
  importances: number[][];
  /** Out-of-bag rows of each resample. */
  oobSizes: number[];
  scoring: string;
}

/** oobScoreImportance defaults, written once. */
export const oobScoreImportanceDefaults = Object.freeze({ nBootstrap: 10 } as const);

/**
 * Out-of-bag importance: `nBootstrap` bootstrap resamples of the rows (n draws with
 * replacement); each leaves about 37% of the rows out, and on those out-of-bag rows the baseline
 * score and the score with each feature permuted (among the out-of-bag rows) are measured.
 * Importance is the drop, with its mean and std over resamples, so the spread reflects the
 * uncertainty from the choice of evaluation rows as well as from the permutation. The model is
 * not refitted: a neural net has no bagged trees, so "out of bag" refers to the rows held out of
 * each resample.
 *
 * @example
 * ```ts
 * const r = await oobScoreImportance(learn, { nBootstrap: 10, randomState: 0 });
 * r.importancesMean; r.importancesStd;
 * ```
 */
export async function oobScoreImportance(
  learn: Learner,
  options: OobScoreImportanceOptions = {},
): Promise<OobScoreImportanceResult> {
  const { nBootstrap = oobScoreImportanceDefaults.nBootstrap } = options;
  assertInteger(nBootstrap, 'nBootstrap', 1);
  const { rng, data, features } = await prepareImportance(learn, options);
  const n = data.nRows;
  if (n < 2) {
    throw new InterpError(
      'EMPTY_INPUT',
      `out-of-bag importance needs at least 2 rows, the loader has ${n}`,
    );
  }
  const jobs: Job[] = [];
  const targets: ArrayLike<number>[] = [];
  const oobSizes: number[] = [];
  for (let b = 0; b < nBootstrap; b++) {
    const inBag = new Uint8Array(n);
    let rows: Int32Array;
    // A resample that happens to draw every row has no out-of-bag rows: draw again.
    do {
      inBag.fill(0);
      for (let i = 0; i < n; i++) inBag[rng.int(n)] = 1;
      rows = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !inBag[i]);
    } while (rows.length === 0);
    oobSizes.push(rows.length);
    const y = targetsOfRows(data, rows);
    jobs.push({ rows, columns: [] });
    targets.push(y);
    const source = permutedSource(rng, rows, n);
    for (const f of features) {
      jobs.push({ rows, columns: f.columns, source });
      targets.push(y);
    }
  }
  const { scores, scoringName } = await scoreJobs(learn, data, jobs, (_job, j) => targets[j]!, {
    scoring: options.scoring,
    act: options.act,
    batchSize: options.batchSize,
  });
  const per = features.length + 1;
  const baselineScores = Array.from({ length: nBootstrap }, (_, b) => scores[b * per]!);
  return {
    baselineScore: baselineScores.reduce((a, b) => a + b, 0) / nBootstrap,
    baselineScores,
    ...importanceStats(features, nBootstrap, (f, b) => scores[b * per]! - scores[b * per + 1 + f]!),
    oobSizes,
    scoring: scoringName,
  };
}
