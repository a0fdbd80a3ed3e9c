import { InterpError, type NDArray } from '@interp/core';
import { assertNumber, describe, keyword } from '@interp/core/internal';

/** Which attributions an overlay shows (Captum's `sign`). */
export type AttributionSign = 'all' | 'positive' | 'negative' | 'absolute_value';

/** Every {@link AttributionSign}. */
export const ATTRIBUTION_SIGNS: readonly AttributionSign[] = [
  'all',
  'positive',
  'negative',
  'absolute_value',
];

/** Options of {@link normalizeAttribution}. */
export interface NormalizeAttributionOptions {
  sign?: AttributionSign;
  /** Percent of the total |attribution| mass treated as outliers and clipped to 1. */
  outlierPerc?: number;
}

/** Defaults of {@link normalizeAttribution} and `attributionOverlay`, written once (Captum's). */
export const normalizeAttributionDefaults = Object.freeze({
  sign: 'absolute_value',
  outlierPerc: 2,
} as const);

/**
 * Captum's `_normalize_attr`: sums an [H, W, C] map over channels, keeps the values of `sign`
 * (negatives become positive magnitudes for `negative`), and divides by a threshold so that the
 * largest values holding `outlierPerc` percent of the total mass clip at 1: the threshold is the
 * smallest sorted value whose cumulative sum reaches (100 - outlierPerc) percent of the total.
 * Returns H x W values in [-1, 1] (`all`) or [0, 1]; an all-zero map gives zeros (Captum
 * fails on it).
 *
 * @example
 * ```ts
 * normalizeAttribution({ data: [1, -2, 3, 4], shape: [2, 2] }, { sign: 'all', outlierPerc: 0 });
 * // Float32Array [0.25, -0.5, 0.75, 1]
 * ```
 */
export function normalizeAttribution(
  attr: NDArray<ArrayLike<number>>,
  options: NormalizeAttributionOptions = {},
): Float32Array {
  const sign = keyword(options.sign, 'sign', ATTRIBUTION_SIGNS, normalizeAttributionDefaults.sign);
  const outlierPerc = assertNumber(
    options.outlierPerc ?? normalizeAttributionDefaults.outlierPerc,
    'outlierPerc',
    0,
    100,
  );
  const { height, width, channels } = mapShape(attr, 'attr');
  const combined = new Float64Array(height * width);
  for (let p = 0; p < combined.length; p++) {
    let s = 0;
    for (let c = 0; c < channels; c++) {
      const v = attr.data[p * channels + c]!;
      if (!Number.isFinite(v)) {
        throw new InterpError(
          'NON_FINITE',
          `attr has a non-finite value (${v}) at index ${p * channels + c}; replace NaN/Infinity first`,
        );
      }
      s += v;
    }
    combined[p] = sign === 'positive' ? Math.max(s, 0) : sign === 'negative' ? Math.min(s, 0) : s;
  }
  const magnitudes = combined.map(Math.abs);
  const threshold = cumulativeSumThreshold(magnitudes, 100 - outlierPerc);
  const out = new Float32Array(combined.length);
  if (threshold === 0) return out;
  const scale = sign === 'negative' ? -threshold : threshold;
  for (let p = 0; p < out.length; p++) {
    const v = (sign === 'absolute_value' ? magnitudes[p]! : combined[p]!) / scale;
    // + 0 turns the -0 of 0 / -threshold into 0.
    out[p] = Math.min(1, Math.max(-1, v)) + 0;
  }
  return out;
}

/** The smallest sorted value whose cumulative sum reaches `percentile` percent of the total. */
function cumulativeSumThreshold(values: Float64Array, percentile: number): number {
  const sorted = Float64Array.from(values).sort();
  let total = 0;
  for (const v of sorted) total += v;
  const goal = total * 0.01 * percentile;
  let cum = 0;
  for (const v of sorted) {
    cum += v;
    if (cum >= goal) return v;
  }
  return sorted[sorted.length - 1] ?? 0;
}

/** Reads [H, W] or [H, W, C] (a leading batch axis of 1 is dropped). */
export function mapShape(
  a: NDArray<ArrayLike<number>>,
  name: string,
): { height: number; width: number; channels: number } {
  if (!a || typeof a !== 'object' || !Array.isArray(a.shape) || a.data === undefined) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${name} must be { data, shape } with shape [H, W] or [H, W, C], got ${describe(a)}`,
    );
  }
  let shape = [...a.shape];
  if (shape.length === 4 && shape[0] === 1) shape = shape.slice(1);
  if (shape.length !== 2 && shape.length !== 3) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${name} has shape [${a.shape.join(', ')}]; expected [H, W] or [H, W, C] (one item, not a batch)`,
    );
  }
  const [height, width, channels = 1] = shape as [number, number, number?];
  if (a.data.length !== height * width * channels) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${name}: shape [${a.shape.join(', ')}] needs ${height * width * channels} values, got ${a.data.length}`,
    );
  }
  return { height, width, channels };
}
