import {
  type Activation,
  assertInteger,
  type DataLoader,
  InterpError,
  type Learner,
  type RandomState,
  toRng,
} from '@interp/core';
import { type ImportanceChartOptions, importanceChart } from './importance-chart.js';
import { collectLoader, type Job, resolveFeatures } from './internal/permutation-engine.js';
import { assemble, sklearnPermutations } from './internal/permutations.js';
import { scoreJobs } from './internal/score-jobs.js';
import type { Scoring } from './scoring.js';

/** Options of {@link FeatureImportance.permutationImportance}. */
export interface PermutationImportanceOptions {
  /** The data to permute; default the learner's validation loader. */
  dl?: DataLoader;
  /** Permutations per feature (default 5). */
  nRepeats?: number;
  /** Seed or generator of the permutations; undefined = new permutations each call. */
  randomState?: RandomState;
  /** 'accuracy' (default for classifiers), 'neg_log_loss', 'r2' (default for regressors), 'neg_mean_squared_error' or a function. */
  scoring?: Scoring;
  /** Feature groups permuted together: `{ name: [feature names or column indices] }`; the result has one entry per group. */
  groups?: Readonly<Record<string, readonly (string | number)[]>>;
  /** Names of a plain loader's input columns (default x0, x1, ...); tabular loaders name their own. */
  featureNames?: readonly string[];
  /** Activation of the model's outputs before scoring; default the loss function's (softmax for cross-entropy). */
  act?: Activation;
  /** Rows per model call; default as many as fit 2^18 input values. */
  batchSize?: number;
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
export const permutationImportanceDefaults = { nRepeats: 5 } as const;

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
    const {
      dl = this.learn.dls.valid,
      nRepeats = permutationImportanceDefaults.nRepeats,
      randomState,
      groups,
      featureNames,
    } = options;
    assertInteger(nRepeats, 'nRepeats', 1);
    const rng = toRng(randomState);
    const data = await collectLoader(dl);
    const features = resolveFeatures(dl, data.nCols, { featureNames, groups });
    const perms = sklearnPermutations(rng.int(2 ** 31), data.nRows, nRepeats);
    const jobs: Job[] = [{ rows: null, columns: [] }];
    for (const f of features) {
      for (const p of perms) jobs.push({ rows: null, columns: f.columns, source: p });
    }
    const { scores, scoringName } = await scoreJobs(this.learn, data, jobs, () => data.y, options);
    this.result = assemble(
      scores[0]!,
      features,
      nRepeats,
      (f, r) => scores[1 + f * nRepeats + r]!,
      scoringName,
    );
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
