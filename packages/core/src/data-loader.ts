import * as tf from '@tensorflow/tfjs-core';
import { InterpError } from './errors.js';
import { type NDArray, sizeOf, type TypedArray } from './nd-array.js';
import { type RandomState, toRng } from './random.js';
import { assertInteger } from './validate.js';

/** One batch: inputs `x`, targets `y`, and which items of the loader they are. The consumer disposes x and y. */
export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
  indices: Int32Array;
}

/** An image item in HWC layout with values in 0..1 or 0..255. */
export interface ImageItem {
  kind: 'image';
  data: Float32Array;
  shape: [number, number, number];
}

/** A row of a table, by column name. */
export interface TabularItem {
  kind: 'tabular';
  row: Record<string, string | number | null>;
}

/** A plain feature vector. */
export interface VectorItem {
  kind: 'vector';
  data: Float32Array;
}

/** What `DataLoader.decode(i)` returns: something a renderer can show. */
export type DecodedItem = ImageItem | TabularItem | VectorItem;

/**
 * Batches of `{ x, y }` that also know their items. `ds_idx` 0 = train, 1 = valid, as in fastai.
 * Iterating yields fresh tensors that the consumer disposes.
 */
export interface DataLoader extends AsyncIterable<Batch> {
  /** Number of items. */
  readonly length: number;
  readonly batchSize: number;
  /** Class names, when the targets are classes. */
  readonly vocab?: readonly string[];
  /** The item `i` as something showable (image, table row, vector). */
  decode(i: number): Promise<DecodedItem>;
  /** The targets of every item, in item order (not shuffled), on the CPU. */
  targets(): Promise<NDArray>;
}

/** The train and validation loaders of a learner. */
export class DataLoaders {
  constructor(
    readonly train: DataLoader,
    readonly valid: DataLoader,
  ) {}

  /** 0 = train, 1 = valid (fastai's ds_idx). */
  byIndex(dsIdx: number): DataLoader {
    assertInteger(dsIdx, 'dsIdx', 0, 1);
    return dsIdx === 0 ? this.train : this.valid;
  }
}

export interface ArrayDataLoaderOptions {
  batchSize?: number;
  shuffle?: boolean;
  /** Seed (or generator) for shuffling; a new order every pass. */
  seed?: RandomState;
  vocab?: readonly string[];
  /** Column names: items decode as table rows instead of vectors. */
  columns?: readonly string[];
  /** Turns item `i` into something showable; overrides the default image/vector decoding. */
  decode?: (i: number, x: Float32Array, shape: number[]) => DecodedItem;
}

/** Loader defaults, written once. */
export const arrayDataLoaderDefaults = Object.freeze({ batchSize: 64, shuffle: false } as const);

/**
 * A {@link DataLoader} over in-memory arrays: `x` with items on the first axis and `y` with one
 * target per item. Images are `[N, H, W]` or `[N, H, W, C]`; tables `[N, F]`.
 *
 * @example
 * ```ts
 * const dl = arrayDataLoader({ data: pixels, shape: [100, 28, 28, 1] }, { data: labels, shape: [100] },
 *   { batchSize: 32, shuffle: true, seed: 0 });
 * for await (const { x, y } of dl) { ...; x.dispose(); y.dispose(); }
 * ```
 */
export function arrayDataLoader(
  x: tf.Tensor | NDArray<ArrayLike<number>>,
  y: tf.Tensor | NDArray<ArrayLike<number>>,
  options: ArrayDataLoaderOptions = {},
): DataLoader {
  const {
    batchSize = arrayDataLoaderDefaults.batchSize,
    shuffle = arrayDataLoaderDefaults.shuffle,
    seed,
    vocab,
    columns,
    decode,
  } = options;
  assertInteger(batchSize, 'batchSize', 1);
  const xs = source(x, 'x');
  const ys = source(y, 'y');
  const n = xs.shape[0] ?? 0;
  if (xs.shape.length < 1 || n === 0) {
    throw new InterpError(
      'EMPTY_INPUT',
      'x has no items; pass at least one item on the first axis',
    );
  }
  if (ys.shape[0] !== n) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `x has ${n} items but y has ${ys.shape[0]}; pass one target per item`,
    );
  }
  if (columns && sizeOf(xs.shape.slice(1)) !== columns.length) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `columns has ${columns.length} names but items have ${sizeOf(xs.shape.slice(1))} values`,
    );
  }
  const rng = shuffle ? toRng(seed) : undefined;
  const itemShape = xs.shape.slice(1);
  const itemSize = sizeOf(itemShape);

  async function itemData(i: number): Promise<Float32Array> {
    if (xs.tensor) {
      const t = tf.slice(xs.tensor, [i], [1]);
      try {
        return Float32Array.from(await t.data());
      } finally {
        t.dispose();
      }
    }
    return Float32Array.from(xs.array!.subarray(i * itemSize, (i + 1) * itemSize));
  }

  const loader: DataLoader = {
    length: n,
    batchSize,
    vocab,
    async decode(i: number): Promise<DecodedItem> {
      assertInteger(i, 'item index', 0, n - 1);
      const data = await itemData(i);
      if (decode) return decode(i, data, itemShape);
      if (columns) {
        const row: Record<string, number> = {};
        columns.forEach((c, j) => {
          row[c] = data[j]!;
        });
        return { kind: 'tabular', row };
      }
      if (itemShape.length === 2)
        return { kind: 'image', data, shape: [itemShape[0]!, itemShape[1]!, 1] };
      if (itemShape.length === 3) {
        return { kind: 'image', data, shape: itemShape as [number, number, number] };
      }
      return { kind: 'vector', data };
    },
    async targets(): Promise<NDArray> {
      if (ys.tensor) {
        const d = (await ys.tensor.data()) as TypedArray;
        return { data: d, shape: [...ys.shape] };
      }
      return { data: ys.array!, shape: [...ys.shape] };
    },
    async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
      const order = rng ? rng.permutation(n) : undefined;
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(n, start + batchSize);
        const indices = order
          ? order.slice(start, end)
          : Int32Array.from({ length: end - start }, (_, k) => start + k);
        yield {
          x: take(xs, indices, order === undefined),
          y: take(ys, indices, order === undefined),
          indices,
        };
      }
    },
  };
  return loader;
}

interface Source {
  tensor?: tf.Tensor;
  array?: Float32Array | Int32Array;
  shape: number[];
  dtype: 'float32' | 'int32';
}

function source(s: tf.Tensor | NDArray<ArrayLike<number>>, name: string): Source {
  if (s instanceof tf.Tensor) {
    return { tensor: s, shape: s.shape, dtype: s.dtype === 'int32' ? 'int32' : 'float32' };
  }
  if (!s || !Array.isArray(s.shape) || s.data === undefined) {
    throw new InterpError('INVALID_ARGUMENT', `${name} must be a tensor or { data, shape }`);
  }
  const isInt =
    s.data instanceof Int32Array ||
    s.data instanceof Uint8Array ||
    s.data instanceof Int16Array ||
    s.data instanceof Uint16Array ||
    s.data instanceof Int8Array;
  const array = isInt
    ? Int32Array.from(s.data)
    : s.data instanceof Float32Array
      ? s.data
      : Float32Array.from(s.data);
  if (array.length !== sizeOf(s.shape)) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${name}: shape [${s.shape.join(', ')}] needs ${sizeOf(s.shape)} values, got ${array.length}`,
    );
  }
  return { array, shape: [...s.shape], dtype: isInt ? 'int32' : 'float32' };
}

function take(s: Source, indices: Int32Array, contiguous: boolean): tf.Tensor {
  const rows = indices.length;
  const shape = [rows, ...s.shape.slice(1)];
  if (s.tensor) {
    if (contiguous) return tf.slice(s.tensor, [indices[0]!], [rows]);
    return tf.tidy(() => tf.gather(s.tensor!, tf.tensor1d(indices, 'int32')));
  }
  const itemSize = sizeOf(s.shape.slice(1));
  const arr = s.array!;
  if (contiguous) {
    const start = indices[0]! * itemSize;
    return tf.tensor(arr.subarray(start, start + rows * itemSize), shape, s.dtype);
  }
  const out =
    s.dtype === 'int32' ? new Int32Array(rows * itemSize) : new Float32Array(rows * itemSize);
  for (let r = 0; r < rows; r++) {
    const i = indices[r]!;
    out.set(arr.subarray(i * itemSize, (i + 1) * itemSize), r * itemSize);
  }
  return tf.tensor(out, shape, s.dtype);
}
