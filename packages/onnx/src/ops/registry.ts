import { binaryOps } from './binary.js';
import { convOps } from './conv.js';
import { matMulOps } from './matmul.js';
import { normalizationOps } from './normalization.js';
import type { OpKernel } from './op-types.js';
import { poolOps } from './pool.js';
import { reduceOps } from './reduce.js';
import { resizeOps } from './resize.js';
import { shapeOps } from './shape-ops.js';
import { slicingOps } from './slicing.js';
import { softmaxOps } from './softmax.js';
import { unaryOps } from './unary.js';

/**
 * Every ONNX op (default domain) @interp/onnx executes, by op type. A plain object built from one
 * list of op families: nothing is registered at import time.
 *
 * @example
 * ```ts
 * 'Conv' in onnxOps; // true
 * ```
 */
export const onnxOps: Readonly<Record<string, OpKernel>> = Object.freeze({
  ...convOps,
  ...poolOps,
  ...matMulOps,
  ...binaryOps,
  ...unaryOps,
  ...normalizationOps,
  ...softmaxOps,
  ...reduceOps,
  ...shapeOps,
  ...slicingOps,
  ...resizeOps,
});

/**
 * Op types of {@link onnxOps}, sorted (for docs and error messages).
 *
 * @example
 * ```ts
 * supportedOps(); // ['Abs', 'Add', 'AveragePool', ...]
 * ```
 */
export function supportedOps(): string[] {
  return Object.keys(onnxOps).sort();
}
