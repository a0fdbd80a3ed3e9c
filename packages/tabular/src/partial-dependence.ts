import { type Activation, type DataLoader, InterpError, type Learner } from '@interp/core';
import { assertInteger, describe, keyword } from '@interp/core/internal';
import { resolveFeatures } from './internal/feature-columns.js';
import { collectLoader } from './internal/loader-data.js';
import { mquantiles } from './internal/mquantiles.js';
import { type Job, predictorOf, resolveBatchRows, runJobs } from './internal/permutation-engine.js';
import { isTabularDataLoader, type TabularFeature } from './tabular-feature.js';

/** Options of {@link partialDependence}. */
export interface PartialDependenceOptions {
  /** The data whose rows are averaged over; default the learner's validation loader. */
  dl?: DataLoader;
  /**
   * Grid values: numbers in the feature's units for a continuous feature, level names (or codes)
   * for a categorical one; default from the data (see `gridResolution`, `percentiles`).
   */
  grid?: readonly (number | string)[];
  /** Grid points between the percentiles when the feature has at least this many distinct values (default 20). */
  gridResolution?: number;
  /** Lower and upper percentile (fractions) of the grid's range (default [0.05, 0.95]). */
  percentiles?: readonly [number, number];
  /** 'average' (PDP, default), 'individual' (ICE: one curve per row) or 'both'. */
  kind?: 'average' | 'individual' | 'both';
  /** Names of a plain loader's columns (default x0, x1, ...). */
  featureNames?: readonly string[];
  /** Activation of the outputs; default the loss function's (class probabilities for cross-entropy). */
  act?: Activation;
  /** Rows per model call. */
  batchSize?: number;
}

/** Partial dependence of one feature, as scikit-learn's `partial_dependence` returns it. */
export interface PartialDependenceResult {
  feature: string;
  kind: 'categorical' | 'continuous';
  /** Grid values in the feature's units (categorical: the codes). */
  values: number[];
  /** Categorical: the level of each grid value. */
  labels?: string[];
  /** Names of the outputs: class names, or 'y' for a single output. */
  outputs: string[];
  /** `[output][grid]`: mean prediction over rows with the feature set to each grid value. */
  average?: number[][];
  /** `[output][row][grid]`: each row's prediction (ICE curves). */
  individual?: number[][][];
}

/** partialDependence defaults, written once. */
export const partialDependenceDefaults = Object.freeze({
  gridResolution: 20,
  percentiles: Object.freeze([0.05, 0.95] as const) as readonly [number, number],
  kind: 'average',
} as const);

/**
 * Partial dependence (and ICE curves) of a feature by scikit-learn's brute method: for each grid
 * value, every row gets the feature set to that value and the model predicts them all; the PD is
 * the mean prediction over rows, ICE keeps each row. The default grid follows scikit-learn: the
 * feature's distinct values when there are fewer than `gridResolution` (and always for a
 * categorical column), else `gridResolution` evenly spaced points between the `percentiles` of
 * the data (scipy's mquantiles, alphap = betap = 0.4). Classifiers give class probabilities, and
 * a two-class model only the positive class, as scikit-learn. A continuous tabular feature is set
 * in normalized form with its `_na` flag set to false. All grid copies are predicted in large batches.
 *
 * @example
 * ```ts
 * const pd = await partialDependence(learn, 'flipperLength', { kind: 'both' });
 * pd.values; pd.average[0]; // P(Adelie) along the grid
 * ```
 */
export async function partialDependence(
  learn: Learner,
  feature: string | number,
  options: PartialDependenceOptions = {},
): Promise<PartialDependenceResult> {
  const {
    dl = learn?.dls?.valid,
    grid,
    gridResolution = partialDependenceDefaults.gridResolution,
    percentiles = partialDependenceDefaults.percentiles,
    featureNames,
  } = options;
  const kind = keyword(
    options.kind,
    'kind',
    ['average', 'individual', 'both'],
    partialDependenceDefaults.kind,
  );
  assertInteger(gridResolution, 'gridResolution', 2);
  checkPercentiles(percentiles);
  const predict = predictorOf(learn, options.act);
  const data = await collectLoader(dl as DataLoader);
  const meta = findFeature(dl as DataLoader, data.nCols, feature, featureNames);
  const col = meta.column;
  const F = data.nCols;
  const n = data.nRows;
  const column = Float64Array.from({ length: n }, (_, i) => data.x[i * F + col]!);

  // Grid in encoded units (what the model reads), plus how to show it.
  let encoded: number[];
  if (grid !== undefined) encoded = gridFromUser(grid, meta);
  else if (meta.categorical) encoded = uniqueSorted(column);
  else {
    const uniques = uniqueSorted(column);
    if (uniques.length < gridResolution) encoded = uniques;
    else {
      const [lo, hi] = mquantiles(column, percentiles) as [number, number];
      if (Math.abs(lo - hi) <= 1e-8 + 1e-5 * Math.abs(hi)) {
        throw new InterpError(
          'INVALID_OPTION',
          `percentiles [${percentiles.join(', ')}] of ${JSON.stringify(meta.name)} are too close to each other to build a grid; choose percentiles further apart`,
        );
      }
      encoded = Array.from(
        { length: gridResolution },
        (_, k) => lo + ((hi - lo) * k) / (gridResolution - 1),
      );
    }
  }
  const columns = meta.naColumn === undefined ? [col] : [col, meta.naColumn];
  // Code 1 of an `_na` flag is "false": the value is set, not missing.
  const jobs: Job[] = encoded.map((v) => ({
    rows: null,
    columns,
    values: meta.naColumn === undefined ? [v] : [v, 1],
  }));

  const binaryClassifier = (c: number) => learn.lossFunc.lossName !== 'mse' && c === 2;
  let average: number[][] | undefined;
  let individual: number[][][] | undefined;
  let outputs: number[] = [];
  await runJobs(predict, data, jobs, resolveBatchRows(options.batchSize, F), (g, preds, nOut) => {
    if (g === 0) {
      outputs = binaryClassifier(nOut) ? [1] : Array.from({ length: nOut }, (_, k) => k);
      if (kind !== 'individual') average = outputs.map(() => new Array(encoded.length).fill(0));
      if (kind !== 'average') {
        individual = outputs.map(() =>
          Array.from({ length: n }, () => new Array(encoded.length).fill(0)),
        );
      }
    }
    outputs.forEach((k, o) => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const p = preds[i * nOut + k]!;
        sum += p;
        if (individual) individual[o]![i]![g] = p;
      }
      if (average) average[o]![g] = sum / n;
    });
  });
  const vocab = learn.vocab;
  const result: PartialDependenceResult = {
    feature: meta.name,
    kind: meta.categorical ? 'categorical' : 'continuous',
    values: encoded.map((v) => (meta.toRaw ? meta.toRaw(v) : v)),
    outputs: outputs.map((k) =>
      vocab && vocab.length > k && learn.lossFunc.lossName !== 'mse'
        ? vocab[k]!
        : outputs.length === 1
          ? 'y'
          : `y${k}`,
    ),
  };
  if (meta.levels) result.labels = encoded.map((v) => meta.levels![v] ?? String(v));
  if (average) result.average = average;
  if (individual) result.individual = individual;
  return result;
}

interface FeatureMeta {
  name: string;
  column: number;
  categorical: boolean;
  levels?: readonly string[] | undefined;
  naColumn?: number | undefined;
  toRaw?: ((v: number) => number) | undefined;
  fromRaw?: ((v: number) => number) | undefined;
}

function findFeature(
  dl: DataLoader,
  nCols: number,
  feature: string | number,
  featureNames: readonly string[] | undefined,
): FeatureMeta {
  if (isTabularDataLoader(dl)) {
    const f: TabularFeature | undefined =
      typeof feature === 'number'
        ? dl.features[feature]
        : dl.features.find((x) => x.name === feature);
    if (!f) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `no feature ${JSON.stringify(feature)}; the features are ${dl.features.map((x) => JSON.stringify(x.name)).join(', ')}`,
      );
    }
    return {
      name: f.name,
      column: f.columns[0]!,
      categorical: f.kind === 'categorical',
      levels: f.levels,
      naColumn: f.naColumn,
      toRaw: f.toRaw,
      fromRaw: f.fromRaw,
    };
  }
  const features = resolveFeatures(dl, nCols, { featureNames });
  const f =
    typeof feature === 'number' ? features[feature] : features.find((x) => x.name === feature);
  if (!f || (typeof feature !== 'number' && typeof feature !== 'string')) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `no feature ${describe(feature)}; pass a column index in 0..${nCols - 1} or one of ${features.map((x) => JSON.stringify(x.name)).join(', ')}`,
    );
  }
  return { name: f.name, column: f.columns[0]!, categorical: false };
}

function gridFromUser(grid: readonly (number | string)[], meta: FeatureMeta): number[] {
  if (!Array.isArray(grid) || grid.length === 0) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid grid: ${describe(grid)}; expected a non-empty array of values`,
    );
  }
  return grid.map((v) => {
    if (meta.levels && typeof v === 'string') {
      const code = meta.levels.indexOf(v);
      if (code < 0) {
        throw new InterpError(
          'INVALID_OPTION',
          `grid value ${JSON.stringify(v)} is not a level of ${JSON.stringify(meta.name)} (${meta.levels.join(', ')})`,
        );
      }
      return code;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InterpError(
        'INVALID_OPTION',
        `grid value ${describe(v)} of ${JSON.stringify(meta.name)} is not a finite number`,
      );
    }
    if (meta.levels && (!Number.isInteger(v) || v < 0 || v >= meta.levels.length)) {
      throw new InterpError(
        'INVALID_OPTION',
        `grid value ${v} is not a code of ${JSON.stringify(meta.name)} (0..${meta.levels.length - 1}); pass level names or codes`,
      );
    }
    return meta.fromRaw ? meta.fromRaw(v) : v;
  });
}

function checkPercentiles(p: readonly [number, number]): void {
  if (
    !Array.isArray(p) ||
    p.length !== 2 ||
    !p.every((v) => typeof v === 'number' && v >= 0 && v <= 1) ||
    !(p[0] < p[1])
  ) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid percentiles: ${Array.isArray(p) ? JSON.stringify(p) : describe(p)}; expected [low, high] with 0 <= low < high <= 1`,
    );
  }
}

function uniqueSorted(values: Float64Array): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}
