import { InterpError } from '@interp/core/base';
import { describe } from '@interp/core/internal';
import * as Plot from '@observablehq/plot';

/** One point of {@link labeledDots}. */
export interface LabeledDot {
  x: number;
  y: number;
  /** The legend line naming the point. */
  label: string;
  /** Fill of the dot and of its legend line; default the k-th colour of {@link labeledDotsDefaults}. */
  color?: string;
}

/** labeledDots defaults, written once: the colour cycle and the dot radius in px. */
export const labeledDotsDefaults: {
  readonly colors: readonly string[];
  readonly r: number;
} = Object.freeze({
  colors: Object.freeze(['#e15759', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948']),
  r: 4,
});

/**
 * Plot marks for a few named points over a chart (suggested learning rates, operating points, ...):
 * a coloured dot per point and a legend in the top-right corner, one line per point in the same
 * colour, haloed so it stays legible over lines. Pass them as a chart's `marks`.
 *
 * @example
 * ```ts
 * lineChart(series, { logX: true, marks: labeledDots([{ x: 1e-3, y: 0.4, label: 'valley: 1.00e-3' }]) });
 * ```
 */
export function labeledDots(points: readonly LabeledDot[]): Plot.Markish[] {
  if (!Array.isArray(points) || points.some((p) => typeof p?.label !== 'string')) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `labeledDots expects an array of { x, y, label } points, got ${describe(points)}`,
    );
  }
  const colors = labeledDotsDefaults.colors;
  const coloured = points.map((p, k) => ({ ...p, color: p.color ?? colors[k % colors.length]! }));
  return [
    Plot.dot(coloured, {
      x: 'x',
      y: 'y',
      fill: (d: { color: string }) => d.color,
      r: labeledDotsDefaults.r,
    }),
    ...coloured.map((p, k) =>
      Plot.text([p.label], {
        text: (d: string) => d,
        frameAnchor: 'top-right',
        textAnchor: 'end',
        lineAnchor: 'top',
        dx: -6,
        dy: 6 + 13 * k,
        fill: p.color,
        stroke: 'white',
        strokeWidth: 3,
        paintOrder: 'stroke',
      }),
    ),
  ];
}
