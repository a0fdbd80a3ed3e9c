/**
 * Input values one chunk of evaluations may hold by default: 2^17 float32 values (512 kB of
 * input). A backward pass keeps every activation of the chunk alive, typically tens of times the
 * input: for 28x28 digits through a small CNN, 167 rows (10 steps of 16 digits) take about 90 MB
 * of WASM heap, and larger chunks only add memory-growth time without running faster. Large images
 * go one row at a time.
 */
export const DEFAULT_CHUNK_VALUES = 2 ** 17;

/** Rows of `itemSize` values one chunk holds by default (at least one). */
export function defaultRowsPerChunk(itemSize: number): number {
  return Math.max(1, Math.floor(DEFAULT_CHUNK_VALUES / Math.max(1, itemSize)));
}
