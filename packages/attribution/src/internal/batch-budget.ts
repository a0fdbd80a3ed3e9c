import { getBackendInfo } from '@interp/core';

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

/**
 * Input values the throughput-sized chunks of {@link ThroughputChunks} may reach on one thread:
 * 2^20 float32 values (4 MB of input; 6 rows of a 224 x 224 x 3 image, 1337 rows of 28 x 28
 * digits). The activations a backward pass keeps are tens of times that, so this caps memory, not
 * speed. A threaded backend may use twice as much: its matmuls wake the other threads once per
 * call, so small chunks run slower per row there (stop 28, whole-process IG on 2 threads, 224 px:
 * 12 rows against 6 took 0.84x the time on ResNet-18 and 1.0x on both MobileNetV2s; on 1 thread
 * 1.0x and 1.05x, so one thread keeps 6).
 */
export const MAX_CHUNK_VALUES = 2 ** 20;

/**
 * Rows of `itemSize` values a throughput-sized chunk may hold at most (at least one): from
 * {@link MAX_CHUNK_VALUES} on one thread, twice that with two or more `threads`.
 */
export function maxRowsPerChunk(itemSize: number, threads = 1): number {
  const values = MAX_CHUNK_VALUES * (threads >= 2 ? 2 : 1);
  return Math.max(1, Math.floor(values / Math.max(1, itemSize)));
}

/**
 * Chunk sizes chosen by measured throughput: the first chunk is `start` rows; while a chunk
 * twice as large ran faster per row (by 5%), the next doubles (up to `max` rows); once a larger
 * chunk is not faster, every later chunk takes the fastest size seen. Only the chunking changes:
 * the rows computed, and so the results up to float summation order, do not.
 *
 * @example
 * ```ts
 * const chunks = new ThroughputChunks(1, maxRowsPerChunk(224 * 224 * 3));
 * const rows = chunks.next(); // 1, then 2, 4... while each runs faster per row
 * chunks.record(rows, elapsedMs);
 * ```
 */
export class ThroughputChunks {
  private size: number;
  private best: { rows: number; msPerRow: number } | undefined;
  private settled = false;

  constructor(
    start: number,
    readonly max: number,
  ) {
    this.size = Math.max(1, Math.min(Math.floor(start), max));
  }

  /** Rows for the next chunk (the caller may take fewer at the end of its work). */
  next(): number {
    return this.size;
  }

  /**
   * Reports that a chunk sized by the last {@link next} (`rows` rows as the caller rounded it)
   * took `ms` milliseconds. Report only full chunks: a short last one says nothing of the size.
   */
  record(rows: number, ms: number): void {
    if (this.settled || !(rows > 0) || !(ms >= 0)) return;
    const msPerRow = ms / rows;
    if (this.best === undefined || msPerRow < 0.95 * this.best.msPerRow) {
      this.best = { rows, msPerRow };
      if (this.size < this.max) {
        this.size = Math.min(this.max, this.size * 2);
        return;
      }
    }
    this.size = this.best.rows;
    this.settled = true;
  }
}

/**
 * The throughput-sized chunks of every caller that runs many equal chunks of `itemSize`-value
 * rows: from {@link defaultRowsPerChunk} up to {@link maxRowsPerChunk} for the active backend's
 * thread count (`getBackendInfo().threadCount` unless `threads` is given).
 *
 * @example
 * ```ts
 * const chunks = throughputChunksFor(784); // 167 rows first, at most 1337 (2674 on 2 threads)
 * ```
 */
export function throughputChunksFor(
  itemSize: number,
  threads = getBackendInfo().threadCount,
): ThroughputChunks {
  return new ThroughputChunks(defaultRowsPerChunk(itemSize), maxRowsPerChunk(itemSize, threads));
}
