import { type Activation, InterpError, type Learner } from '@interp/core';
import { isClassificationScoring, resolveScoring, type Scoring } from '../scoring.js';
import {
  checkClassTargets,
  checkRegressionTargets,
  type Job,
  type LoaderData,
  predictorOf,
  resolveBatchRows,
  runJobs,
} from './permutation-engine.js';

/** The options every importance function shares. */
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
