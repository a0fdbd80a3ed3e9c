import { InterpError } from '@interp/core';
import { describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';

/** A reference input: a number for every value, or a tensor shaped like one item or like x. */
export type Baseline = number | tf.Tensor;

/**
 * The baseline as a float32 tensor of shape [1, ...item] (shared by all items) or [N, ...item]
 * (one per item). Always a new tensor: the caller disposes it.
 */
export function resolveBaseline(
  baseline: Baseline | undefined,
  x: tf.Tensor,
  where: string,
): tf.Tensor {
  const item = x.shape.slice(1);
  if (baseline === undefined) return tf.zeros([1, ...item]);
  if (typeof baseline === 'number') {
    if (!Number.isFinite(baseline)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${where}: baseline must be a finite number or a tensor, got ${baseline}`,
      );
    }
    return tf.fill([1, ...item], baseline);
  }
  if (!(baseline instanceof tf.Tensor)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: baseline must be a number or a tensor, got ${describe(baseline)}`,
    );
  }
  if (baseline.isDisposed) {
    throw new InterpError('INVALID_ARGUMENT', `${where}: baseline has been disposed`);
  }
  const shape = baseline.shape;
  const same = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length && a.every((d, i) => d === b[i]);
  return tf.tidy(() => {
    const b = baseline.dtype === 'float32' ? baseline : tf.cast(baseline, 'float32');
    if (same(shape, item)) return tf.reshape(b, [1, ...item]);
    if (same(shape, x.shape) || same(shape, [1, ...item])) return tf.clone(b);
    if (shape.length === 0) return tf.mul(tf.ones([1, ...item]), b);
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${where}: baseline has shape [${shape.join(', ')}] but x has shape [${x.shape.join(', ')}]; pass a number, a tensor shaped like one item [${item.join(', ')}] or like x`,
    );
  });
}
