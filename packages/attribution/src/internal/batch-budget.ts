/**
 * Input values one chunk of evaluations may hold by default: 2^20 float32 values (4 MB of input).
 * For 28x28 digits that is 1337 rows (50 steps of 26 digits) in one pass; for 224x224x3 images 6
 * rows, so activations stay within the WASM heap.
 */
export const DEFAULT_CHUNK_VALUES = 2 ** 20;

/** Rows of `itemSize` values one chunk holds by default (at least one). */
export function defaultRowsPerChunk(itemSize: number): number {
  return Math.max(1, Math.floor(DEFAULT_CHUNK_VALUES / Math.max(1, itemSize)));
}
