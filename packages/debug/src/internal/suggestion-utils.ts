import { InterpError } from '@interp/core/base';
import { describe } from '@interp/core/internal';

/** Python-style index: -1 is the last element. */
export function at(a: ArrayLike<number>, i: number): number {
  return a[i < 0 ? a.length + i : i]!;
}

export function check(
  lrs: ArrayLike<number>,
  losses: ArrayLike<number>,
  what: string,
  min: number,
): void {
  for (const [v, name] of [
    [lrs, 'lrs'],
    [losses, 'losses'],
  ] as const) {
    if (v == null || typeof v.length !== 'number') {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${what}: ${name} must be an array of numbers, got ${describe(v)}`,
      );
    }
  }
  if (lrs.length !== losses.length) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${what}: ${lrs.length} learning rates but ${losses.length} losses; pass one loss per learning rate`,
    );
  }
  if (losses.length < min) {
    throw new InterpError(
      'EMPTY_INPUT',
      `${what} needs at least ${min} points, got ${losses.length}; run lrFind with a larger numIt`,
    );
  }
}

/** Index of the first smallest value (NaN never wins). */
export function argmin(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! < a[best]! || Number.isNaN(a[best]!)) best = i;
  return best;
}

/** Index of the learning rate closest to `lr` (first on ties), as fastai looks up the loss to plot. */
export function closest(lrs: ArrayLike<number>, lr: number): number {
  let best = 0;
  for (let i = 1; i < lrs.length; i++) {
    if (Math.abs(lrs[i]! - lr) < Math.abs(lrs[best]! - lr)) best = i;
  }
  return best;
}

/** `np.gradient` with unit spacing: one-sided differences at the ends, central inside. */
export function numpyGradient(y: ArrayLike<number>): Float64Array {
  const n = y.length;
  const g = new Float64Array(n);
  if (n < 2) return g.fill(Number.NaN);
  g[0] = y[1]! - y[0]!;
  g[n - 1] = y[n - 1]! - y[n - 2]!;
  for (let i = 1; i < n - 1; i++) g[i] = (y[i + 1]! - y[i - 1]!) / 2;
  return g;
}

/** `np.interp(x, xp, fp)` for increasing `xp`: linear, clamped to the end values outside. */
export function numpyInterp(x: number, xp: ArrayLike<number>, fp: ArrayLike<number>): number {
  const n = xp.length;
  if (x <= xp[0]!) return fp[0]!;
  if (x >= xp[n - 1]!) return fp[n - 1]!;
  let j = 0;
  while (j + 1 < n && xp[j + 1]! <= x) j++;
  if (xp[j] === x) return fp[j]!;
  return fp[j]! + ((x - xp[j]!) * (fp[j + 1]! - fp[j]!)) / (xp[j + 1]! - xp[j]!);
}
