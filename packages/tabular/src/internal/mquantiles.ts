import { InterpError } from '@interp/core';

/**
 * Quantiles as scipy.stats.mstats.mquantiles computes them with its defaults (alphap = betap =
 * 0.4, the approximately median-unbiased Hyndman-Fan definition scikit-learn's grid uses).
 */
export function mquantiles(values: ArrayLike<number>, probs: readonly number[]): number[] {
  const x = Float64Array.from(values).sort();
  const n = x.length;
  if (n === 0) throw new InterpError('EMPTY_INPUT', 'mquantiles of no values');
  if (n === 1) return probs.map(() => x[0]!);
  const alphap = 0.4;
  const betap = 0.4;
  return probs.map((p) => {
    const m = alphap + p * (1 - alphap - betap);
    const aleph = n * p + m;
    const k = Math.floor(Math.min(Math.max(aleph, 1), n - 1));
    const gamma = Math.min(Math.max(aleph - k, 0), 1);
    return (1 - gamma) * x[k - 1]! + gamma * x[k]!;
  });
}
