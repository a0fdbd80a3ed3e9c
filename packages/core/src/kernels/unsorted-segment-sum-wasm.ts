import {
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
  UnsortedSegmentSum,
  util,
} from '@tensorflow/tfjs-core';
import { InterpError } from '../errors.js';
import { withWasmScope } from './wasm-kernel-scope.js';

const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as { numSegments: number };
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `UnsortedSegmentSum: numSegments must be an integer >= 0, got ${numSegments}`,
    );
  }
  const idsRank = segmentIds.shape.length;
  if (idsRank > x.shape.length || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]; pass one id per leading slice of x`,
    );
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new InterpError(
      'NOT_SUPPORTED',
      `UnsortedSegmentSum on wasm sums float32 or int32 tensors, got ${x.dtype}; cast x first`,
    );
  }
  if (segmentIds.dtype !== 'int32') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `UnsortedSegmentSum: segmentIds must be int32, got ${segmentIds.dtype}`,
    );
  }
  const rowShape = x.shape.slice(idsRank);
  const rowSize = util.sizeFromShape(rowShape);
  const count = util.sizeFromShape(segmentIds.shape);
  return withWasmScope(backend, (s) => {
    const out = s.make([numSegments, ...rowShape], x.dtype);
    // Views only after the last allocation: growing wasm memory detaches older views.
    const dst = s.heap(out);
    const src = s.heap(x);
    const ids = s.heap(segmentIds);
    dst.fill(0);
    // One pass over x, adding each row into its segment; ids outside [0, numSegments) are
    // dropped, as TensorFlow drops negative ids and tfjs's cpu kernel drops all out-of-range ones.
    for (let i = 0; i < count; i++) {
      const id = ids[i]!;
      if (id < 0 || id >= numSegments) continue;
      const from = i * rowSize;
      const to = id * rowSize;
      for (let k = 0; k < rowSize; k++) dst[to + k]! += src[from + k]!;
    }
    return s.keep(out);
  });
};

/**
 * tfjs `UnsortedSegmentSum` for the wasm backend (tfjs-backend-wasm 4.22 has none; the gradient
 * of `gather`, hence of embeddings, needs it): one pass over `x` in wasm memory, adding each
 * slice into its segment. Registered by `registerWasmKernels()`.
 *
 * @example
 * ```ts
 * registerKernel(unsortedSegmentSumWasm); // what registerWasmKernels() does
 * ```
 */
export const unsortedSegmentSumWasm: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
