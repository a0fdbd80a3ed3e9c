// What the throughput-sized chunk tests share: a fake clock on which larger chunks run faster per
// row, so the chunk sizes a method picks are exact. Test-only (excluded from builds).
import { vi } from 'vitest';

/**
 * Items of 2^15 values: 4 rows per default chunk and 32 at most (batch-budget.ts), so a few
 * items' worth of rows needs several chunks.
 */
export const CHUNKED_ITEM_SIZE = 2 ** 15;

/** The fake clock of {@link fakeThroughputClock}. */
export interface FakeThroughputClock {
  /** Advances the clock by one call's cost: 100 ms plus 1 ms per row. */
  charge(rows: number): void;
  /** The rows of every charged call, in order. */
  readonly sizes: number[];
}

/**
 * Stands `performance.now` still (restore with `vi.restoreAllMocks()`) but for
 * {@link FakeThroughputClock.charge}: a call costs 100 ms plus 1 ms per row, so a chunk twice
 * as large is faster per row and the sizes grow to the most.
 *
 * @example
 * ```ts
 * const clock = fakeThroughputClock();
 * const model = (x: tf.Tensor) => (clock.charge(x.shape[0]!), tf.sum(x, 1));
 * ```
 */
export function fakeThroughputClock(): FakeThroughputClock {
  let now = 0;
  vi.spyOn(performance, 'now').mockImplementation(() => now);
  const sizes: number[] = [];
  return {
    sizes,
    charge(rows) {
      sizes.push(rows);
      now += 100 + rows;
    },
  };
}
