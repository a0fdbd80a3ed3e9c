// Test-only models with hand-worked Shapley values (excluded from builds).
import type { ModelFunction } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * A 6-feature model with interactions, f(x) = [x0 x1 + 2 x2 - x3 x4 x5 + x5^2, sum(x)]. Its
 * Shapley values from baseline 0 (target 0), worked by hand: a product of k features splits its
 * value equally among them, an additive term goes to its feature: phi = [x0x1/2, x0x1/2, 2x2,
 * -x3x4x5/3, -x3x4x5/3, -x3x4x5/3 + x5^2].
 */
export const interactionModel: ModelFunction = (x) =>
  tf.tidy(() => {
    const c = (j: number) => tf.squeeze(tf.slice(x, [0, j], [-1, 1]), [1]);
    const f0 = tf.addN([
      tf.mul(c(0), c(1)),
      tf.mul(2, c(2)),
      tf.neg(tf.mul(tf.mul(c(3), c(4)), c(5))),
      tf.square(c(5)),
    ]);
    return tf.stack([f0, tf.sum(x, 1)], 1);
  });

export function interactionShapley(x: number[]): number[] {
  const p = x[0]! * x[1]!;
  const t = -x[3]! * x[4]! * x[5]!;
  return [p / 2, p / 2, 2 * x[2]!, t / 3, t / 3, t / 3 + x[5]! ** 2];
}

/** An item for {@link interactionModel}. */
export const X6 = [0.8, -1.2, 0.5, 1.5, -0.7, 0.9];
