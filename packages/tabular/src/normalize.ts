import { InterpError } from '@interp/core/base';

/** Added to every standard deviation, as fastai does, so a constant column does not divide by 0. */
export const NORMALIZE_EPSILON = 1e-7;

/**
 * fastai's Normalize for continuous columns: `(x - mean) / (std + 1e-7)` with the mean and the
 * population standard deviation (ddof 0) of the training values (after FillMissing).
 *
 * @example
 * ```ts
 * const norm = Normalize.fit({ mass: Float64Array.of(3000, 4000, 5000) });
 * norm.mean('mass'); // 4000
 * norm.apply('mass', Float64Array.of(4000)); // Float64Array [0]
 * ```
 */
export class Normalize {
  private constructor(private readonly stats: ReadonlyMap<string, { mean: number; std: number }>) {}

  /** Fits mean and std per column on the training values. */
  static fit(columns: Readonly<Record<string, ArrayLike<number>>>): Normalize {
    const stats = new Map<string, { mean: number; std: number }>();
    for (const [name, values] of Object.entries(columns)) {
      const n = values.length;
      if (n === 0) {
        throw new InterpError(
          'EMPTY_INPUT',
          `Normalize: column ${JSON.stringify(name)} has no training values`,
        );
      }
      let sum = 0;
      for (let i = 0; i < n; i++) sum += values[i]!;
      const mean = sum / n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
      stats.set(name, { mean, std: Math.sqrt(ss / n) + NORMALIZE_EPSILON });
    }
    return new Normalize(stats);
  }

  private get(name: string): { mean: number; std: number } {
    const s = this.stats.get(name);
    if (!s) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `Normalize has no column ${JSON.stringify(name)}; it was fitted on ${[...this.stats.keys()].map((n) => JSON.stringify(n)).join(', ')}`,
      );
    }
    return s;
  }

  /** The training mean of column `name`. */
  mean(name: string): number {
    return this.get(name).mean;
  }

  /** The training standard deviation of column `name` (ddof 0, plus 1e-7). */
  std(name: string): number {
    return this.get(name).std;
  }

  /** Normalized values of column `name`. */
  apply(name: string, values: ArrayLike<number>): Float64Array {
    const { mean, std } = this.get(name);
    return Float64Array.from(values, (v) => (v - mean) / std);
  }

  /** Back to the column's units: `z * std + mean`. */
  invert(name: string, z: number): number {
    const { mean, std } = this.get(name);
    return z * std + mean;
  }
}
