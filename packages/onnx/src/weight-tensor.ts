import * as tf from '@tensorflow/tfjs-core';

/** What {@link weightTensor} uses of tfjs-backend-wasm's backend. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/**
 * A float32 tensor of `shape` whose values `fill` writes into the array it is given (zeroed or
 * not: every value must be written). On WASM that array is the tensor's own place in WASM
 * memory, so the values are written once, with no host copy; elsewhere a new Float32Array.
 *
 * @example
 * ```ts
 * const t = filledTensor([2, 2], (out) => out.set([1, 2, 3, 4]));
 * ```
 */
export function filledTensor(shape: number[], fill: (out: Float32Array) => void): tf.Tensor {
  if (tf.getBackend() === 'wasm') {
    const backend = tf.backend() as unknown as Partial<WasmHeapBackend>;
    if (backend.makeOutput !== undefined && backend.typedArrayFromHeap !== undefined) {
      const info = backend.makeOutput(shape, 'float32');
      // Taken after the allocation: growing the memory would detach an earlier view.
      fill(backend.typedArrayFromHeap(info));
      return tf.engine().makeTensorFromTensorInfo(info);
    }
  }
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  fill(out);
  return tf.tensor(out, shape, 'float32');
}

/**
 * A float32 tensor of `shape` holding `bytes` (little-endian float32 values at any alignment).
 * On WASM the bytes are copied once, straight into the tensor's place in WASM memory; a typed
 * array over them would need 4-byte alignment, so tf.tensor cost a copy on the host first for
 * most of a PyTorch export's weights. Elsewhere aligned bytes are viewed, others copied once.
 *
 * @example
 * ```ts
 * const w = weightTensor(initializer.rawData, [64, 3, 7, 7]);
 * ```
 */
export function weightTensor(bytes: Uint8Array, shape: number[]): tf.Tensor {
  if (tf.getBackend() === 'wasm') {
    return filledTensor(shape, (out) =>
      new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(bytes),
    );
  }
  // Uint8Array.prototype.slice copies into a buffer of its own (offset 0).
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return tf.tensor(
    new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4),
    shape,
    'float32',
  );
}
