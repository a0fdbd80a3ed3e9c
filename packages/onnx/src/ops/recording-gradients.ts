import * as tf from '@tensorflow/tfjs-core';

/**
 * True inside `tf.grad` and friends. Conv nodes check it because tfjs's fused convs compute the
 * filter and bias gradients eagerly (a second conv's worth of work that input attributions never
 * use) and have no gradient for relu6, while plain conv2d's gradients are pruned to what is asked
 * for. tfjs has no public flag for this; its engine state has kept `gradientDepth` since 1.x.
 */
export function recordingGradients(): boolean {
  const state = (tf.engine() as unknown as { state?: { gradientDepth?: number } }).state;
  return (state?.gradientDepth ?? 0) > 0;
}
