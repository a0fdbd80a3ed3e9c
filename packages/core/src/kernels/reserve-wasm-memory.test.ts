import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { reserveWasmMemory } from './reserve-wasm-memory.js';

describe('reserveWasmMemory', () => {
  it('grows wasm memory so that a block of the requested size fits, and later tensors fit without growth', async () => {
    await setupBackend('wasm');
    const heap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8;
    const before = heap().buffer.byteLength;
    const after = reserveWasmMemory(64 * 2 ** 20);
    expect(after).toBeGreaterThanOrEqual(64 * 2 ** 20);
    expect(after).toBeGreaterThan(before);
    expect(heap().buffer.byteLength).toBe(after);
    const t = tf.zeros([32 * 2 ** 18]); // 32 MiB: fits in the freed block
    t.dataSync();
    expect(heap().buffer.byteLength).toBe(after);
    t.dispose();
  });

  it('returns 0 and does nothing on another backend', async () => {
    await setupBackend('cpu');
    expect(reserveWasmMemory(2 ** 20)).toBe(0);
    await setupBackend('wasm');
  });
});
