import * as tf from '@tensorflow/tfjs-core';

interface WasmModuleLike {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
}

/**
 * Grows the wasm backend's memory so that a block of `bytes` fits, once, by allocating and freeing
 * one block: WebAssembly memory never shrinks, so later tensors reuse the pages instead of
 * growing memory (and copying the heap) during the first real-size call. Returns the memory's
 * size in bytes afterwards, or 0 when the wasm backend is not active.
 *
 * @example
 * ```ts
 * await setupBackend('wasm');
 * reserveWasmMemory(512 * 2 ** 20); // the first attribution call no longer pays for growth
 * ```
 */
export function reserveWasmMemory(bytes: number): number {
  if (tf.getBackend() !== 'wasm') return 0;
  const wasm = (tf.backend() as unknown as { wasm?: WasmModuleLike }).wasm;
  if (wasm === undefined) return 0;
  const pointer = wasm._malloc(bytes);
  if (pointer !== 0) wasm._free(pointer);
  return wasm.HEAPU8.buffer.byteLength;
}
