import { InterpError } from '@interp/core';
import { describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A feature mask resolved against a batch: `index[r * itemSize + j]` is the compact feature
 * number (0..numFeatures-1) of value j of an item, with one row shared by every item
 * (`rows = 1`) or one row per item (`rows = N`). `ids[k]` is the user's id of feature k.
 */
export interface ResolvedFeatureMask {
  index: Int32Array;
  rows: number;
  itemSize: number;
  numFeatures: number;
  ids: Int32Array;
}

/**
 * Resolves Captum's `feature_mask`: integer ids that broadcast against x (numpy rules, e.g.
 * [1, 1, H, W] against [N, C, H, W] groups the channels of each pixel). Values with the same
 * id form one feature. Without a mask, each scalar of an item is its own feature. Ids need not
 * be contiguous: they are renumbered in increasing order (ids absent from the mask are skipped,
 * where Captum would spend an evaluation on them that changes nothing).
 */
export async function resolveFeatureMask(
  mask: tf.Tensor | undefined,
  x: tf.Tensor,
  where: string,
): Promise<ResolvedFeatureMask> {
  const n = x.shape[0]!;
  const item = x.shape.slice(1);
  const itemSize = x.size / n;
  if (mask === undefined || mask === null) {
    const index = new Int32Array(itemSize);
    for (let j = 0; j < itemSize; j++) index[j] = j;
    return { index, rows: 1, itemSize, numFeatures: itemSize, ids: index.slice() };
  }
  if (!(mask instanceof tf.Tensor) || mask.isDisposed) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: featureMask must be a tensor of integer feature ids, got ${mask instanceof tf.Tensor ? 'a disposed tensor' : describe(mask)}`,
    );
  }
  const shape = mask.shape;
  const full = x.shape;
  const padded = [...new Array<number>(Math.max(0, full.length - shape.length)).fill(1), ...shape];
  const fits = shape.length <= full.length && padded.every((d, i) => d === 1 || d === full[i]);
  if (!fits) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${where}: featureMask has shape [${shape.join(', ')}], which does not broadcast against x's shape [${full.join(', ')}]; give it x's shape, one item's shape with a leading 1 ([1, ${item.join(', ')}]), or 1s on the axes that share a feature`,
    );
  }
  const values = await mask.data();
  const rows = padded[0] === 1 ? 1 : n;
  const raw = new Float64Array(rows * itemSize);
  const strides = new Array<number>(padded.length).fill(0);
  for (let d = padded.length - 1, s = 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 ? 0 : s;
    s *= padded[d]!;
  }
  const pos = new Array<number>(full.length).fill(0);
  for (let flat = 0; flat < rows * itemSize; flat++) {
    let src = 0;
    for (let d = 0; d < full.length; d++) src += pos[d]! * strides[d]!;
    const v = values[src]!;
    if (!Number.isInteger(v)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${where}: featureMask must hold integer feature ids, found ${v}; cast it with tf.cast(mask, 'int32')`,
      );
    }
    raw[flat] = v;
    for (let d = full.length - 1; d >= 0; d--) {
      pos[d]! += 1;
      if (pos[d]! < (d === 0 ? rows : full[d]!)) break;
      pos[d] = 0;
    }
  }
  const ids = Int32Array.from(new Set(raw)).sort();
  const number = new Map<number, number>();
  for (let k = 0; k < ids.length; k++) number.set(ids[k]!, k);
  const index = new Int32Array(raw.length);
  for (let j = 0; j < raw.length; j++) index[j] = number.get(raw[j]!)!;
  return { index, rows, itemSize, numFeatures: ids.length, ids };
}

/**
 * Writes into `out` (one item's values) 1 where the value's feature is "off" (replaced by the
 * baseline) according to `off[k]` (nonzero = off), 0 elsewhere.
 */
export function fillFeatureMask(
  mask: ResolvedFeatureMask,
  item: number,
  off: ArrayLike<number>,
  out: Uint8Array,
): void {
  const base = mask.rows === 1 ? 0 : item * mask.itemSize;
  const index = mask.index;
  for (let j = 0; j < mask.itemSize; j++) out[j] = off[index[base + j]!] ? 1 : 0;
}

/** Spreads per-feature values (`perFeature[item * numFeatures + k]`) back over the input's shape. */
export function spreadFeatures(
  mask: ResolvedFeatureMask,
  perFeature: ArrayLike<number>,
  n: number,
  shape: number[],
): tf.Tensor {
  const { itemSize, numFeatures, index } = mask;
  const out = new Float32Array(n * itemSize);
  for (let i = 0; i < n; i++) {
    const base = mask.rows === 1 ? 0 : i * itemSize;
    for (let j = 0; j < itemSize; j++) {
      out[i * itemSize + j] = perFeature[i * numFeatures + index[base + j]!]!;
    }
  }
  return tf.tensor(out, shape);
}

/** A mask filler that takes feature `p` (alone) from the replacement under perturbation `p`. */
export function oneFeaturePerPerturbation(
  mask: ResolvedFeatureMask,
): (p: number, item: number, out: Uint8Array) => void {
  return (p, item, out) => {
    const base = mask.rows === 1 ? 0 : item * mask.itemSize;
    for (let j = 0; j < mask.itemSize; j++) {
      if (mask.index[base + j] === p) out[j] = 1;
    }
  };
}
