import { InterpError, type Learner } from '@interp/core';
import { assertInteger } from '@interp/core/internal';
import { type ImportanceChartOptions, importanceChart } from './importance-chart.js';
import {
  type ImportanceOptions,
  importanceStats,
  prepareImportance,
  scoreJobs,
  sklearnPermutations,
} from './internal/importance.js';
import type { Job } from './internal/permutation-engine.js';
import type { Scoring } from './scoring.js';

/** Options of {@link FeatureImportance.permutationImportance}. */
export interface PermutationImportanceOptions extends ImportanceOptions {
  /** Permutations per feature (default 5). */
  nRepeats?: number;
  /** 'accuracy' (default for classifiers), 'neg_log_loss', 'r2' (default for regressors), 'neg_mean_squared_error' or a function. */
  scoring?: Scoring;
  /** Progress in rows predicted. */
  onProgress?: (done: number, total: number) => void;
}

/** What permutation importance returns (scikit-learn's Bunch, plus names). */
export interface PermutationImportanceResult {
  /** The score with nothing permuted. */
  baselineScore: number;
  /** Feature (or group) names, in the order of the rows below. */
  features: string[];
  /** Mean over repeats of `baselineScore - permuted score`. */
  importancesMean: number[];
  /** Population standard deviation (ddof 0) over repeats. */
  importancesStd: number[];
  /** `[feature][repeat]`: baselineScore - score with the feature permuted. */
  importances: number[][];
  /** The scorer's name. */
  scoring: string;
}

/** permutationImportance defaults, written once. */
export const permutationImportanceDefaults = Object.freeze({ nRepeats: 5 } as const);

/**
 * Feature importance of a trained learner on tabular data. `permutationImportance` follows
 * scikit-learn's `permutation_importance`; `plotImportance` draws the last result.
 *
 * @example
 * ```ts
 * const fi = new FeatureImportance(learn);
 * const r = await fi.permutationImportance({ nRepeats: 5, randomState: 0 });
 * r.features; r.importancesMean; // one per table column
 * const svg = fi.plotImportance({ maxVars: 10, document });
 * ```
 */
export class FeatureImportance {
  /** The result of the last `permutationImportance` call. */
  result: PermutationImportanceResult | undefined;

  constructor(readonly learn: Learner) {
    if (!learn || typeof learn.predict !== 'function' || !learn.dls) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'FeatureImportance needs a Learner (tabularLearner, Learner.fromLayersModel, learnerFromFunction)',
      );
    }
  }

  /**
   * Permutation importance as scikit-learn computes it: the baseline score on the data, then for
   * each feature (a whole table column: a categorical column's codes, a continuous column with
   * its `_na` flag) `nRepeats` scores with that feature's values permuted across rows;
   * importance = baseline - permuted score. As in scikit-learn, one seed is drawn from
   * `randomState` and every feature replays the same sequence of permutations from it (each
   * repeat an independent uniform shuffle, Fisher-Yates on interp's xoshiro128** generator, so
   * the numbers match scikit-learn's in expectation, not digit for digit). All permuted copies
   * are predicted in large batches.
   */
  async permutationImportance(
    options: PermutationImportanceOptions = {},
  ): Promise<PermutationImportanceResult> {
    const { nRepeats = permutationImportanceDefaults.nRepeats } = options;
    assertInteger(nRepeats, 'nRepeats', 1);
    const { rng, data, features } = await prepareImportance(this.learn, options);
    const perms = sklearnPermutations(rng.int(2 ** 31), data.nRows, nRepeats);
    const jobs: Job[] = [{ rows: null, columns: [] }];
    for (const f of features) {
      for (const p of perms) jobs.push({ rows: null, columns: f.columns, source: p });
    }
    const { scores, scoringName } = await scoreJobs(this.learn, data, jobs, () => data.y, options);
    const baselineScore = scores[0]!;
    this.result = {
      baselineScore,
      ...importanceStats(
        features,
        nRepeats,
        (f, r) => baselineScore - scores[1 + f * nRepeats + r]!,
      ),
      scoring: scoringName,
    };
    return this.result;
  }

  /**
   * The last permutation importance as horizontal bars, largest mean first (at most `maxVars`),
   * with error bars of one standard deviation.
   */
  plotImportance(options: ImportanceChartOptions = {}): SVGSVGElement {
    if (!this.result) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'plotImportance draws the last result: call await fi.permutationImportance() first',
      );
    }
    return importanceChart(this.result, options);
  }
}
