import { describe, expect, it } from 'vitest';
import { cappedReluGradSimd } from './capped-relu-grad-simd.js';

/** The part of a tfjs wasm backend bindKernel reads: its module's memory. */
const backendWith = (memory: WebAssembly.Memory) => ({ wasm: { wasmMemory: memory } });

describe('bindKernel(kernel, backend)', () => {
  it("binds to a threaded build's shared memory as to a plain one, with the same results", () => {
    const results = [false, true].map((shared) => {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared });
      const grad = cappedReluGradSimd(backendWith(memory), 'clipByValue');
      expect(grad).toBeTypeOf('function');
      // x at byte 0, dy at 16, out at 32: four lanes.
      new Float32Array(memory.buffer, 0, 8).set([-1, 3, 6, 7, 2, 2, 2, 2]);
      grad!(16, 0, 32, 16, new Int32Array(new Float32Array([6]).buffer)[0]!);
      return Array.from(new Float32Array(memory.buffer, 32, 4));
    });
    // By hand: step(x) = [0, 1, 1, 1], x <= 6 = [1, 1, 1, 0]: dy kept at 3 and 6.
    expect(results).toEqual([
      [0, 2, 2, 0],
      [0, 2, 2, 0],
    ]);
  });

  it('is undefined for a backend without wasm memory (callers take their JS path)', () => {
    expect(cappedReluGradSimd({}, 'minimum')).toBeUndefined();
  });
});
