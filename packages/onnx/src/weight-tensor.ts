import * as tf from '@tensorflow/tfjs-core';

/** What {@link weightTensor} uses of tfjs-backend-wasm's backend. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
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
    const backend = tf.backend() as unknown as Partial<WasmHeapBackend>;
    if (backend.makeOutput !== undefined && backend.typedArrayFromHeap !== undefined) {
      const info = backend.makeOutput(shape, 'float32');
      const heap = backend.typedArrayFromHeap(info);
      new Uint8Array(heap.buffer, heap.byteOffset, heap.byteLength).set(bytes);
      return tf.engine().makeTensorFromTensorInfo(info);
    }
  }
  // Uint8Array.prototype.slice copies into a buffer of its own (offset 0).
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return tf.tensor(
    new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4),
    shape,
    'float32',
  );
}
