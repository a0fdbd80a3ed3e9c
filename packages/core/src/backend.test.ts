import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { getBackendInfo, setupBackend } from './backend.js';
import { InterpError } from './errors.js';
import { expectNoLeakedTensors } from './testing.js';

describe('setupBackend(name) / getBackendInfo()', () => {
  it('selects WASM with SIMD by default and registers gradients', async () => {
    const info = await setupBackend();
    expect(info).toEqual({
      backend: 'wasm',
      simd: true,
      threads: false,
      threadCount: 1,
      fellBack: false,
    });
    expect(getBackendInfo()).toEqual(info);
    expect(tf.getBackend()).toBe('wasm');
    // Gradients are registered (tfjs-core alone has none in Node).
    await expectNoLeakedTensors(async () => {
      const x = tf.tensor1d([1, 2, 3]);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.square(t)))(x);
      expect(Array.from(await g.data())).toEqual([2, 4, 6]);
      tf.dispose([x, g]);
    });
  });

  it('switches to cpu on request and back', async () => {
    expect((await setupBackend('cpu')).backend).toBe('cpu');
    expect(getBackendInfo()).toEqual({
      backend: 'cpu',
      simd: false,
      threads: false,
      threadCount: 1,
      fellBack: false,
    });
    expect((await setupBackend('wasm')).backend).toBe('wasm');
  });

  it('reserves WASM memory up front when asked, and refuses a bad size', async () => {
    await setupBackend('wasm', { reserveMemory: 48 * 2 ** 20 });
    const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8;
    expect(heap.buffer.byteLength).toBeGreaterThanOrEqual(48 * 2 ** 20);
    await expect(setupBackend('wasm', { reserveMemory: -1 })).rejects.toThrow(
      /reserveMemory must be a whole number of bytes >= 0, got -1/,
    );
  });

  it('rejects an unknown backend with an InterpError that says what to do', async () => {
    await expect(setupBackend('nope')).rejects.toThrow(InterpError);
    await expect(setupBackend('nope')).rejects.toThrow(/backend 'nope' is not registered/);
  });
});
