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
 * Input values a throughput-sized chunk of small items may reach: 2^20 float32 values (4 MB of
 * input; 1337 rows of 28 x 28 digits, 32 rows of 2^15 values). The activations a backward pass
 * keeps are tens of times that, so this caps memory, not speed.
 */
export const MAX_CHUNK_VALUES = 2 ** 20;

/**
 * Rows a throughput-sized chunk of large items may reach when {@link CHUNK_VALUES_LIMIT} allows:
 * a chunk's late, small layers run as matmuls of rows x their few pixels (ResNet-18's 7 x 7
 * stage: 16 Winograd tiles per row), too small below a few rows for XNNPACK and for a second
 * thread, whose pool wakes up and spins for each of them. bench/ig-chunk.bench.mjs, those
 * matmuls on a loaded machine (2 threads): CPU per row 4.5 ms at 6 rows, 3.8 at 24 (3.2 on one
 * thread, flat from 4 rows on).
 */
export const LARGE_ITEM_ROWS = 32;

/**
 * Input values a throughput-sized chunk never exceeds, whatever its item size: 2^22 float32
 * values (16 MB of input; 27 rows of a 224 x 224 x 3 image, 2 rows of 2^21 values). The
 * backward pass of a ResNet-18 keeps about 50 MB of WASM heap per 224 x 224 row: IG's peak heap
 * was 0.58 GB at 2 to 4 rows, 0.80 at 8, 1.19 at 16 and 1.34 at 24 (bench/ig-chunk.bench.mjs),
 * so 27 rows stay far from the 4 GB the WASM heap can grow to, and from what a browser tab gets.
 */
export const CHUNK_VALUES_LIMIT = 2 ** 22;

/**
 * Rows of `itemSize` values a throughput-sized chunk may hold at most (at least one): as many as
 * fit in {@link MAX_CHUNK_VALUES}, or {@link LARGE_ITEM_ROWS} for large items, never more than
 * fit in {@link CHUNK_VALUES_LIMIT}.
 *
 * @example
 * ```ts
 * maxRowsPerChunk(784); // 1337 (2^20 values of digits)
 * maxRowsPerChunk(224 * 224 * 3); // 27 (32 rows would pass 2^22 values)
 * ```
 */
export function maxRowsPerChunk(itemSize: number): number {
  const size = Math.max(1, itemSize);
  const rows = Math.max(Math.floor(MAX_CHUNK_VALUES / size), LARGE_ITEM_ROWS);
  return Math.max(1, Math.min(rows, Math.floor(CHUNK_VALUES_LIMIT / size)));
}

/**
 * Rows the throughput search starts from at least (when its maximum allows): below 4 rows a
 * large item's chunk runs its small matmuls at a fraction of their speed on two threads (the
 * matmuls of ResNet-18's 1-row chunk took 13.8 ms of CPU per row, 6.5 at 4 rows and 4.5 at 6;
 * bench/ig-chunk.bench.mjs), and at 1 or 2 rows the first doublings cost chunks that are all
 * slow. Small items start larger anyway ({@link defaultRowsPerChunk}).
 */
export const MIN_SEARCH_ROWS = 4;

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
 * rows: from {@link defaultRowsPerChunk} (at least {@link MIN_SEARCH_ROWS}) up to
 * {@link maxRowsPerChunk}.
 *
 * @example
 * ```ts
 * throughputChunksFor(784); // 167 rows first, at most 1337
 * throughputChunksFor(224 * 224 * 3); // 4 rows first, then 8, 16, 27 while each is faster per row
 * ```
 */
export function throughputChunksFor(itemSize: number): ThroughputChunks {
  if (chunkSizing.force === 'before') {
    const before = Math.max(1, Math.floor(MAX_CHUNK_VALUES / Math.max(1, itemSize)));
    return new ThroughputChunks(defaultRowsPerChunk(itemSize), before);
  }
  const start = Math.max(defaultRowsPerChunk(itemSize), MIN_SEARCH_ROWS);
  return new ThroughputChunks(start, maxRowsPerChunk(itemSize));
}

/**
 * Bench hook (bench/ig-chunk.bench.mjs): `'before'` sizes the chunks of
 * {@link throughputChunksFor} as before the large-item bound (from {@link defaultRowsPerChunk}
 * up to {@link MAX_CHUNK_VALUES} values), for same-run comparisons; `undefined` (the default)
 * is the sizing above.
 */
export const chunkSizing: { force: 'before' | undefined } = { force: undefined };
