import { InterpError, type Learner } from '@interp/core';
import { describe } from '@interp/core/internal';
import { type DocumentOption, type Figsize, labeledDots, lineChart } from '@interp/viz';
import { lastLrFind } from './last-lr-find.js';

/** What {@link plotLrFind} draws: {@link lrFind}'s result or anything shaped like it. */
export interface LrFindData {
  lrs: ArrayLike<number>;
  losses: ArrayLike<number>;
  /** Suggested learning rates by method name. */
  suggestions?: Readonly<Record<string, number>>;
  /** The (lr, loss) point of each suggestion. */
  points?: Readonly<Record<string, readonly [number, number]>>;
}

/** Options of {@link plotLrFind}. */
export interface PlotLrFindOptions extends DocumentOption {
  /** Points left out at the start (fastai's `skip_start`). */
  skipStart?: number;
  /** Points left out at the end (fastai's `skip_end`). */
  skipEnd?: number;
  /** Mark the suggestions. */
  suggestion?: boolean;
  figsize?: Figsize;
  title?: string | null;
}

/** plotLrFind defaults (the seed's), written once. */
export const plotLrFindDefaults = Object.freeze({
  skipStart: 5,
  skipEnd: 5,
  suggestion: true,
} as const);

/**
 * The learning-rate finder's curve: smoothed loss against learning rate on a log axis, without
 * the first `skipStart` and last `skipEnd` points, with each suggestion marked as a dot and named
 * in a legend with its value. Takes lrFind's result, or a learner lrFind has run on (its last run).
 *
 * @example
 * ```ts
 * const found = await lrFind(learn);
 * const svg = plotLrFind(found, { document });
 * ```
 */
export function plotLrFind(
  source: LrFindData | Learner,
  {
    skipStart = plotLrFindDefaults.skipStart,
    skipEnd = plotLrFindDefaults.skipEnd,
    suggestion = plotLrFindDefaults.suggestion,
    figsize = [8, 5],
    title,
    document,
  }: PlotLrFindOptions = {},
): SVGSVGElement {
  const data = readSource(source);
  for (const [v, name] of [
    [skipStart, 'skipStart'],
    [skipEnd, 'skipEnd'],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) {
      throw new InterpError(
        'INVALID_OPTION',
        `invalid ${name}: ${describe(v)}; expected an integer >= 0`,
      );
    }
  }
  const n = data.lrs.length;
  const lrs = Array.from(data.lrs).slice(skipStart, Math.max(skipStart, n - skipEnd));
  const losses = Array.from(data.losses).slice(skipStart, Math.max(skipStart, n - skipEnd));
  if (lrs.length === 0) {
    throw new InterpError(
      'EMPTY_INPUT',
      `nothing to plot: ${n} points minus skipStart ${skipStart} and skipEnd ${skipEnd}; lower them or run lrFind with more steps`,
    );
  }
  const marks =
    suggestion && data.points
      ? labeledDots(
          Object.entries(data.points)
            .filter(([, p]) => Number.isFinite(p[0]) && p[0] > 0 && Number.isFinite(p[1]))
            .map(([name, p]) => ({
              x: p[0],
              y: p[1],
              label: `${name}: ${formatLr(data.suggestions?.[name] ?? p[0])}`,
            })),
        )
      : [];
  return lineChart([{ name: 'loss', x: lrs, y: losses }], {
    logX: true,
    xLabel: 'Learning Rate',
    yLabel: 'Loss',
    title,
    figsize,
    marks,
    document,
  });
}

function readSource(source: LrFindData | Learner): {
  lrs: ArrayLike<number>;
  losses: ArrayLike<number>;
  suggestions?: Readonly<Record<string, number>>;
  points?: LrFindData['points'];
} {
  // A learner's recorder holds its fits, not the finder's run (lrFind restores it): use the run
  // lrFind kept for this learner.
  if (source && typeof source === 'object' && ('recorder' in source || 'model' in source)) {
    const run = lastLrFind(source as Learner);
    if (!run) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'plotLrFind: this learner has no learning-rate finder run; call `await lrFind(learn)` first, or pass its result: plotLrFind(await lrFind(learn))',
      );
    }
    return run;
  }
  const s = source as LrFindData;
  if (
    !s ||
    typeof s !== 'object' ||
    typeof s.lrs?.length !== 'number' ||
    typeof s.losses?.length !== 'number'
  ) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `plotLrFind needs lrFind's result ({ lrs, losses, suggestions, points }) or a Learner, got ${describe(source)}`,
    );
  }
  if (s.lrs.length !== s.losses.length) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `plotLrFind: ${s.lrs.length} learning rates but ${s.losses.length} losses`,
    );
  }
  return s;
}

function formatLr(v: number): string {
  return Number.isFinite(v) ? v.toExponential(2) : String(v);
}
