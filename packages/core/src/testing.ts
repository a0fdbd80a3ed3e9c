import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn` and throws when it leaves more tensors alive than it found, after disposing whatever
 * `fn` returned that the caller owns (pass `disposeResult` to release results). Shared by every
 * package's tests: `await expectNoLeakedTensors(() => interp.confusionMatrix())`.
 */
export async function expectNoLeakedTensors<T>(
  fn: () => T | Promise<T>,
  disposeResult: (result: T) => void = disposeTensorsIn,
): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  disposeResult(result);
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(
      `leaked ${after - before} tensor(s): ${before} before the call, ${after} after`,
    );
  }
  return result;
}

/** Disposes every tensor found in `value` (tensors, arrays and plain objects of them). */
export function disposeTensorsIn(value: unknown, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (value instanceof tf.Tensor) {
    value.dispose();
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) disposeTensorsIn(v, seen);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) disposeTensorsIn(v, seen);
  }
}

/** Max |a - b| over two equally long arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export type { ChainNode } from './model-graph/example-graphs.js';
export {
  chainGraph,
  DENSE_RELU_WEIGHTS,
  denseReluGraph,
  nchwConvGraph,
} from './model-graph/example-graphs.js';
