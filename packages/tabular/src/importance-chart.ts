import { InterpError } from '@interp/core';
import { assertInteger, describe } from '@interp/core/internal';
import { barChart, type DocumentOption, type Figsize } from '@interp/viz';

/** Importances to draw: names with a mean (and optionally a std) each. */
export interface ImportanceData {
  features: readonly string[];
  /** One value per feature (a permutation importance's mean, or rfpimp's single drop). */
  importancesMean?: readonly number[];
  importances?: readonly number[] | readonly (readonly number[])[];
  importancesStd?: readonly number[];
  scoring?: string;
}

/** Options of {@link importanceChart} and `FeatureImportance.plotImportance`. */
export interface ImportanceChartOptions extends DocumentOption {
  /** Most important features drawn (default 20). */
  maxVars?: number;
  /** Figure size in inches (default [8, 6], the seed's). */
  figsize?: Figsize;
  /** Title; default 'Permutation importance'; null for none. */
  title?: string | null;
  /** Label of the value axis; default 'Decrease in <scoring>'. */
  xLabel?: string | null;
}

/** importanceChart defaults, written once. */
export const importanceChartDefaults = Object.freeze({
  maxVars: 20,
  figsize: Object.freeze([8, 6] as const) as Figsize,
  title: 'Permutation importance',
} as const);

/**
 * Feature importances as horizontal bars, the largest mean on top (ties keep feature order), at
 * most `maxVars` of them, with error bars of one standard deviation when the result has them.
 * Feature names are set as text (escaped in the SVG).
 *
 * @example
 * ```ts
 * const r = await new FeatureImportance(learn).permutationImportance({ randomState: 0 });
 * const svg = importanceChart(r, { maxVars: 10, document });
 * ```
 */
export function importanceChart(
  result: ImportanceData,
  options: ImportanceChartOptions = {},
): SVGSVGElement {
  const {
    maxVars = importanceChartDefaults.maxVars,
    figsize = importanceChartDefaults.figsize,
    title = importanceChartDefaults.title,
    document,
  } = options;
  assertInteger(maxVars, 'maxVars', 1);
  if (!result || !Array.isArray(result.features)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `importanceChart expects an importance result { features, importancesMean, importancesStd }, got ${describe(result)}`,
    );
  }
  const means =
    result.importancesMean ??
    (Array.isArray(result.importances) && typeof result.importances[0] === 'number'
      ? (result.importances as readonly number[])
      : undefined);
  if (!means || means.length !== result.features.length) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `importanceChart needs one importance per feature (${result.features.length} features, got ${means?.length ?? 'none'})`,
    );
  }
  const stds = result.importancesStd;
  const bars = result.features.map((label, k) => ({
    label: String(label),
    value: means[k]!,
    ...(stds ? { error: stds[k]! } : {}),
  }));
  // Stable sort: equal means keep the feature order (lower index first).
  const top = bars
    .map((b, k) => ({ b, k }))
    .sort((p, q) => q.b.value - p.b.value || p.k - q.k)
    .slice(0, maxVars)
    .map((p) => p.b);
  const xLabel =
    options.xLabel === undefined ? `Decrease in ${result.scoring ?? 'score'}` : options.xLabel;
  return barChart(top, {
    title,
    xLabel,
    figsize,
    sort: 'none',
    ...(document ? { document } : {}),
  });
}
