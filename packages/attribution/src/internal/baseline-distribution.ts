import { InterpError } from '@interp/core';
import { describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A distribution of baselines as a float32 [B, ...item] tensor (a new tensor: the caller
 * disposes). A number gives one baseline of that value everywhere; a tensor shaped like one item
 * gives B = 1; a tensor [B, ...item] is taken as is. `minimum` is the smallest B accepted
 * (Captum's DeepLiftShap needs two or more).
 */
export function resolveBaselineDistribution(
  baselines: number | tf.Tensor | undefined,
  x: tf.Tensor,
  where: string,
  minimum = 1,
): tf.Tensor {
  const item = x.shape.slice(1);
  const itemText = `[${item.join(', ')}]`;
  let out: tf.Tensor;
  if (typeof baselines === 'number' && Number.isFinite(baselines)) {
    out = tf.fill([1, ...item], baselines);
  } else if (baselines instanceof tf.Tensor && !baselines.isDisposed) {
    const s = baselines.shape;
    const sameItem = (a: readonly number[]) =>
      a.length === item.length && a.every((d, i) => d === item[i]);
    if (sameItem(s)) out = tf.tidy(() => tf.cast(tf.expandDims(baselines, 0), 'float32'));
    else if (s.length === item.length + 1 && sameItem(s.slice(1)))
      out = tf.cast(baselines, 'float32');
    else {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${where}: baselines has shape [${s.join(', ')}] but x's items have shape ${itemText}; pass a tensor [B, ${item.join(', ')}] of B baselines`,
      );
    }
  } else {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: baselines must be a number or a tensor [B, ...item] of baselines, got ${describe(baselines)}`,
    );
  }
  if (out.shape[0]! < minimum) {
    out.dispose();
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: baselines holds ${out.shape[0]} baseline(s); this method needs a distribution of at least ${minimum}: pass a tensor [B, ${item.join(', ')}] with B >= ${minimum}`,
    );
  }
  return out;
}
