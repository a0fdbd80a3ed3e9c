// Test-only helpers for the wasm kernels (excluded from the build by the test-* pattern).
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { createRng } from '../random.js';

/** `n` standard-normal values from a seeded generator. */
export function randn(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Runs `fn` on `backend` (tensors made inside live there), reads its result and switches back. */
export async function runOn(backend: string, fn: () => tf.Tensor): Promise<Float32Array> {
  const previous = tf.getBackend();
  await tf.setBackend(backend);
  try {
    const t = fn();
    const data = (await t.data()) as Float32Array;
    const shape = t.shape;
    t.dispose();
    (data as Float32Array & { shape?: number[] }).shape = shape;
    return data;
  } finally {
    await tf.setBackend(previous);
  }
}

/** The tolerance: max |actual - reference| <= 1e-4 * max |reference|. */
export function expectCloseToReference(actual: ArrayLike<number>, reference: ArrayLike<number>) {
  expect(actual.length).toBe(reference.length);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < reference.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i]! - reference[i]!));
    maxRef = Math.max(maxRef, Math.abs(reference[i]!));
  }
  expect(maxRef).toBeGreaterThan(0);
  expect(maxDiff).toBeLessThanOrEqual(1e-4 * maxRef);
}

/** Number of data buffers the active backend holds (catches kernel-internal leaks). */
export function backendDataIds(): number {
  return (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
}
