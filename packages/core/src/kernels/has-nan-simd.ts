// A NaN scan in WebAssembly SIMD over the tfjs wasm backend's memory: lets MaxPool keep
// XNNPACK's fast pool for the usual NaN-free input and pay for its own NaN-keeping loop only
// when a NaN is there. A JS loop over the heap costs about as much as the pool itself.
import {
  F32X4_NE,
  forLoop,
  get,
  I32_STORE,
  i32c,
  set,
  sumOf,
  V_ANY_TRUE,
  V_LOAD,
  V_OR,
} from '../wasm-assembler.js';
import { bindKernel, type KernelSource } from './wasm-simd-module.js';

const [X, BYTES, FLAG] = [0, 1, 2];
const [OFF, ACC, V] = [3, 4, 5];

const body = [
  ...forLoop(OFF, i32c(16), BYTES, [
    ...sumOf(X, OFF),
    ...V_LOAD,
    ...set(V),
    // NaN is the one value not equal to itself.
    ...get(V),
    ...get(V),
    ...F32X4_NE,
    ...get(ACC),
    ...V_OR,
    ...set(ACC),
  ]),
  ...get(FLAG),
  ...get(ACC),
  ...V_ANY_TRUE,
  ...I32_STORE,
];

const source: KernelSource = { name: 'hasNaN', params: 3, i32Locals: 1, v128Locals: 2, body };

/**
 * `(x, bytes, flag)`: writes 1 at `flag` (an i32) when a NaN is in the first `bytes` (a multiple
 * of 16) at `x`, else 0; offsets in bytes.
 */
export type HasNaNSimd = (x: number, bytes: number, flag: number) => void;

/** The SIMD scan bound to the wasm backend's memory, or undefined without WebAssembly SIMD. */
export function hasNaNSimd(backend: unknown): HasNaNSimd | undefined {
  return bindKernel<HasNaNSimd>(source, backend);
}
