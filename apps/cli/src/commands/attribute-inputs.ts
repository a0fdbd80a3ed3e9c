// The array files of `interp attribute`'s Captum methods: --baseline FILE.npy and
// --feature-mask FILE.npy, checked against the fitted input before any tensor is made.
import { InterpError } from '@interp/core/base';
import { readNpyFile } from '../io/npy.js';

/** A loaded array, shaped for the library (a leading axis of 1 or k items). */
export interface LoadedArray {
  data: Float32Array | Int32Array;
  shape: number[];
}

const same = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * `--baseline FILE.npy`: one item (shape of x's item, shared by all items) or k items
 * ([k, ...item]: one per item, or the distribution DeepLiftShap and GradientShap draw from).
 *
 * @example
 * readBaseline('ref.npy', process.cwd(), [2, 4]); // ref.npy [4] -> { shape: [1, 4], ... }
 */
export function readBaseline(file: string, cwd: string, xShape: readonly number[]): LoadedArray {
  const npy = readNpyFile(file, cwd);
  const item = xShape.slice(1);
  const shape = same(npy.shape, item)
    ? [1, ...item]
    : npy.shape.length === xShape.length && same(npy.shape.slice(1), item) && npy.shape[0]! > 0
      ? npy.shape
      : undefined;
  if (shape === undefined) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `--baseline ${file} has shape [${npy.shape.join(', ')}]; expected one item [${item.join(', ')}] or k items [k, ${item.join(', ')}]`,
    );
  }
  const data = new Float32Array(npy.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Number(npy.data[i]!);
    if (!Number.isFinite(v)) {
      throw new InterpError(
        'NON_FINITE',
        `--baseline ${file}: value ${v} at index ${i} is not finite`,
      );
    }
    data[i] = v;
  }
  return { data, shape };
}

/**
 * `--feature-mask FILE.npy`: integer feature ids (any numeric dtype holding whole numbers), of
 * x's shape or broadcastable to it; an array without the batch axis gets a leading 1. Whether it
 * broadcasts is the library's check (it names both shapes).
 *
 * @example
 * readFeatureMask('mask.npy', process.cwd(), [2, 1, 4, 4]); // mask.npy [1, 4, 4] -> [1, 1, 4, 4]
 */
export function readFeatureMask(file: string, cwd: string, xShape: readonly number[]): LoadedArray {
  const npy = readNpyFile(file, cwd);
  const data = new Int32Array(npy.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Number(npy.data[i]!);
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `--feature-mask ${file}: value ${v} at index ${i} is not an integer feature id; save the mask as integers (e.g. numpy int32)`,
      );
    }
    data[i] = v;
  }
  const shape = npy.shape.length === xShape.length - 1 ? [1, ...npy.shape] : npy.shape;
  return { data, shape };
}
