import { InterpError } from '@interp/core';
import { assertInteger, describe } from '@interp/core/internal';
import {
  barChart,
  type DocumentOption,
  type Figsize,
  figsizeToPx,
  resolveDocument,
} from '@interp/viz';
import * as Plot from '@observablehq/plot';
import type { PartialDependenceResult } from './partial-dependence.js';

/** Options of {@link partialDependenceChart}. */
export interface PartialDependenceChartOptions extends DocumentOption {
  /** The output to draw (index or class name); required when the result has several outputs. */
  target?: number | string;
  /** Most ICE curves drawn (evenly spaced rows; default 100). */
  maxIce?: number;
  /** Figure size in inches (default [6, 4]). */
  figsize?: Figsize;
  /** Title; default 'Partial dependence'; null for none. */
  title?: string | null;
}

/** partialDependenceChart defaults, written once. */
export const partialDependenceChartDefaults = Object.freeze({
  maxIce: 100,
  figsize: Object.freeze([6, 4] as const) as Figsize,
  title: 'Partial dependence',
} as const);

const PD_COLOR = '#e15759';
const ICE_COLOR = '#4e79a7';

/**
 * A PDP/ICE plot of a {@link partialDependence} result for one output: thin ICE curves (one per
 * row, at most `maxIce`) under the thick average curve, over the feature's grid. A categorical
 * feature's average is drawn as bars, one per level, as scikit-learn does. Names are set as
 * text (escaped in the SVG).
 *
 * @example
 * ```ts
 * const pd = await partialDependence(learn, 'flipperLength', { kind: 'both' });
 * const svg = partialDependenceChart(pd, { target: 'Gentoo', document });
 * ```
 */
export function partialDependenceChart(
  pd: PartialDependenceResult,
  options: PartialDependenceChartOptions = {},
): SVGSVGElement {
  const {
    maxIce = partialDependenceChartDefaults.maxIce,
    figsize = partialDependenceChartDefaults.figsize,
    title = partialDependenceChartDefaults.title,
    document,
  } = options;
  if (!pd || !Array.isArray(pd.values) || !Array.isArray(pd.outputs)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `partialDependenceChart expects a partialDependence result, got ${describe(pd)}`,
    );
  }
  assertInteger(maxIce, 'maxIce', 0);
  const o = outputIndex(pd, options.target);
  const outputName = pd.outputs[o]!;
  const yLabel =
    pd.outputs.length === 1 && outputName === 'y' ? 'Partial dependence' : `P(${outputName})`;
  const average = pd.average?.[o];
  const individual = pd.individual?.[o];
  if (pd.kind === 'categorical') {
    const labels = pd.labels ?? pd.values.map(String);
    const values = average ?? meanCurve(individual!);
    return barChart(
      labels.map((label, g) => ({ label, value: values[g]! })),
      {
        title,
        xLabel: `${yLabel} by ${pd.feature}`,
        figsize,
        sort: 'none',
        ...(document ? { document } : {}),
      },
    );
  }
  const doc = resolveDocument(document ? { document } : {});
  const { width, height } = figsizeToPx(figsize);
  const marks: Plot.Markish[] = [];
  if (individual && maxIce > 0) {
    const n = individual.length;
    const step = Math.max(1, n / maxIce);
    const points: { x: number; y: number; row: number }[] = [];
    for (let k = 0; k < Math.min(n, maxIce); k++) {
      const row = Math.floor(k * step);
      pd.values.forEach((x, g) => {
        points.push({ x, y: individual[row]![g]!, row });
      });
    }
    marks.push(
      Plot.line(points, {
        x: 'x',
        y: 'y',
        z: 'row',
        stroke: ICE_COLOR,
        strokeOpacity: 0.4,
        strokeWidth: 0.75,
      }),
    );
  }
  if (average) {
    marks.push(
      Plot.line(
        pd.values.map((x, g) => ({ x, y: average[g]! })),
        { x: 'x', y: 'y', stroke: PD_COLOR, strokeWidth: 2.5 },
      ),
    );
  }
  if (title !== null) {
    marks.push(
      Plot.text([String(title)], {
        text: (d: string) => d,
        frameAnchor: 'top',
        dy: -18,
        fontSize: 14,
        fontWeight: 'bold',
      }),
    );
  }
  const svg = Plot.plot({
    document: doc,
    width,
    height,
    marginTop: title === null ? 20 : 34,
    marginLeft: 55,
    marginBottom: 40,
    x: { label: pd.feature, labelAnchor: 'center', labelArrow: 'none', grid: true },
    y: { label: yLabel, labelAnchor: 'center', labelArrow: 'none', grid: true },
    marks,
  });
  return svg as SVGSVGElement;
}

function outputIndex(pd: PartialDependenceResult, target: number | string | undefined): number {
  const n = pd.outputs.length;
  if (target === undefined) {
    if (n === 1) return 0;
    throw new InterpError(
      'INVALID_OPTION',
      `the result has ${n} outputs (${pd.outputs.join(', ')}); pass { target } to choose one`,
    );
  }
  const k = typeof target === 'number' ? target : pd.outputs.indexOf(target);
  if (!Number.isInteger(k) || k < 0 || k >= n) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid target: ${describe(target)}; expected an output index in 0..${n - 1} or one of ${pd.outputs.map((s) => JSON.stringify(s)).join(', ')}`,
    );
  }
  return k;
}

function meanCurve(curves: readonly (readonly number[])[]): number[] {
  const g = curves[0]?.length ?? 0;
  return Array.from({ length: g }, (_, j) => curves.reduce((a, c) => a + c[j]!, 0) / curves.length);
}
