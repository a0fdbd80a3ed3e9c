// What the three permutation importances (FeatureImportance.permutationImportance,
// oobScoreImportance, rfpimpImportance) share: their common options, the setup (generator, the
// loader's rows, the features), the permutations, the scoring of the jobs and the statistics.
import {
  type Activation,
  createRng,
  type DataLoader,
  InterpError,
  type Learner,
  type RandomGenerator,
  type RandomState,
  toRng,
} from '@interp/core';
import { isClassificationScoring, resolveScoring, type Scoring } from '../scoring.js';
import { type FeatureColumns, resolveFeatures } from './feature-columns.js';
import {
  checkClassTargets,
  checkRegressionTargets,
  collectLoader,
  type LoaderData,
} from './loader-data.js';
import { type Job, predictorOf, resolveBatchRows, runJobs } from './permutation-engine.js';

/** The options every importance function takes. */
export interface ImportanceOptions {
  /** The data to permute; default the learner's validation loader. */
  dl?: DataLoader;
  /** Seed or generator of the permutations (and samples); undefined = new ones each call. */
  randomState?: RandomState;
  /** Feature groups permuted together: `{ name: [feature names or column indices] }`; the result has one entry per group. */
  groups?: Readonly<Record<string, readonly (string | number)[]>>;
  /** Names of a plain loader's input columns (default x0, x1, ...); tabular loaders name their own. */
  featureNames?: readonly string[];
  /** Activation of the model's outputs before scoring; default the loss function's (softmax for cross-entropy). */
  act?: Activation;
  /** Rows per model call; default as many as fit 2^18 input values. */
  batchSize?: number;
}

/** The generator, the loader's rows and the features an importance run starts from. */
export interface ImportanceSetup {
  rng: RandomGenerator;
  data: LoaderData;
  features: FeatureColumns[];
}

/**
 * The setup of an importance run: the generator first (a bad `randomState` fails before the
 * loader is read), then the loader's rows read once, then the features to permute.
 */
export async function prepareImportance(
  learn: Learner,
  options: ImportanceOptions,
): Promise<ImportanceSetup> {
  const { dl = learn?.dls?.valid, randomState, groups, featureNames } = options;
  const rng = toRng(randomState);
  const data = await collectLoader(dl as DataLoader);
  const features = resolveFeatures(dl as DataLoader, data.nCols, { featureNames, groups });
  return { rng, data, features };
}

/**
 * A random permutation of `rows` (of all `n` rows when null): for each scored row, the data row
 * its permuted columns are taken from.
 */
export function permutedSource(
  rng: RandomGenerator,
  rows: Int32Array | null,
  n: number,
): Int32Array {
  const perm = rng.permutation(rows ? rows.length : n);
  return rows ? perm.map((p) => rows[p]!) : perm;
}

/**
 * The permutations scikit-learn applies to each column with a seeded RandomState, on our
 * generator: an index array shuffled in place before each repeat, and the column re-indexed by
 * it each time (so repeat r's column is the original through the composed permutations). Each
 * repeat is an independent uniform permutation of the rows.
 */
export function sklearnPermutations(seed: number, n: number, nRepeats: number): Int32Array[] {
  const rng = createRng(seed);
  const shuffling = new Int32Array(n);
  for (let i = 0; i < n; i++) shuffling[i] = i;
  let current = Int32Array.from(shuffling);
  const out: Int32Array[] = [];
  for (let r = 0; r < nRepeats; r++) {
    rng.shuffle(shuffling);
    const next = new Int32Array(n);
    for (let i = 0; i < n; i++) next[i] = current[shuffling[i]!]!;
    out.push(next);
    current = next;
  }
  return out;
}

/** Importances `[feature][repeat]` (`dropOf`: the score's drop) with their mean and population std. */
export function importanceStats(
  features: readonly FeatureColumns[],
  nRepeats: number,
  dropOf: (feature: number, repeat: number) => number,
): {
  features: string[];
  importancesMean: number[];
  importancesStd: number[];
  importances: number[][];
} {
  const importances = features.map((_, f) =>
    Array.from({ length: nRepeats }, (_, r) => dropOf(f, r)),
  );
  // ddof 0, numpy's default.
  const importancesMean = importances.map((r) => r.reduce((a, b) => a + b, 0) / r.length);
  const importancesStd = importances.map((r, i) => {
    const m = importancesMean[i]!;
    return Math.sqrt(r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length);
  });
  return { features: features.map((f) => f.name), importancesMean, importancesStd, importances };
}

/** The options of {@link scoreJobs}. */
export interface ScoreJobsOptions {
  scoring?: Scoring | undefined;
  act?: Activation | undefined;
  batchSize?: number | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** The default scorer of a learner: r2 for a regressor (MSE loss), accuracy otherwise. */
export function defaultScoring(learn: Learner): 'r2' | 'accuracy' {
  return learn.lossFunc?.lossName === 'mse' ? 'r2' : 'accuracy';
}

/**
 * Scores each job with the learner: the targets of its rows (`targetsOf`) against its activated
 * predictions. The targets are checked against the model's outputs at the first job.
 */
export async function scoreJobs(
  learn: Learner,
  data: LoaderData,
  jobs: readonly Job[],
  targetsOf: (job: Job, index: number) => ArrayLike<number>,
  options: ScoreJobsOptions,
): Promise<{ scores: Float64Array; scoringName: string }> {
  const scoring = options.scoring ?? defaultScoring(learn);
  const scorer = resolveScoring(scoring);
  const predict = predictorOf(learn, options.act);
  const batchRows = resolveBatchRows(options.batchSize, data.nCols);
  const scores = new Float64Array(jobs.length);
  let checked = false;
  const labels = scorer.scoreLabels !== undefined;
  // Labels compare fastest with integer targets of the same array type.
  const intTargets = new Map<ArrayLike<number>, Int32Array>();
  const asInt = (t: ArrayLike<number>) => {
    let v = intTargets.get(t);
    if (!v) {
      v = Int32Array.from(t);
      intTargets.set(t, v);
    }
    return v;
  };
  await runJobs(
    predict,
    data,
    jobs,
    batchRows,
    (j, preds, nOut) => {
      if (!checked) {
        if (typeof scoring === 'string') {
          if (isClassificationScoring(scoring)) checkClassTargets(data, nOut, scoring);
          else checkRegressionTargets(data, nOut, scoring);
        }
        checked = true;
      }
      const s = labels
        ? scorer.scoreLabels!(asInt(targetsOf(jobs[j]!, j)), preds as Int32Array, preds.length)
        : scorer.score(targetsOf(jobs[j]!, j), preds as Float32Array, preds.length / nOut, nOut);
      if (Number.isNaN(s)) {
        throw new InterpError(
          'NON_FINITE',
          `scoring '${scorer.name}' gave NaN; check the targets and the model's outputs`,
        );
      }
      scores[j] = s;
    },
    options.onProgress,
    labels,
  );
  return { scores, scoringName: scorer.name };
}

/** The targets of `rows` (all rows when null), `yPerRow` values each. */
export function targetsOfRows(data: LoaderData, rows: Int32Array | null): ArrayLike<number> {
  if (rows === null) return data.y;
  const k = data.yPerRow;
  const out = new Float32Array(rows.length * k);
  for (let r = 0; r < rows.length; r++) {
    for (let t = 0; t < k; t++) out[r * k + t] = data.y[rows[r]! * k + t]!;
  }
  return out;
}
