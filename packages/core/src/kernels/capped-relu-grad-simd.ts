// The input gradient of a capped ReLU (ReLU6, ReLU(maxValue)) in WebAssembly SIMD, on the tfjs
// wasm backend's memory, in one pass. tf.grad runs it as five to seven elementwise kernels with
// as many temporaries (Greater, LessEqual, LogicalAnd, Cast, Multiply, Step); in MobileNetV2's
// input gradient they were the largest cost. A range kernel (parallel-kernel.ts): on the threaded
// build the vectors are split between the main thread and the helper worker (the pass is
// memory-bound: one thread leaves the second core's bandwidth unused).
import {
  ADD,
  F32X4_GT,
  F32X4_LE,
  F32X4_LT,
  F32X4_MUL,
  F32X4_NE,
  f32x4Const,
  forLoop,
  get,
  I32X4_SPLAT,
  i32c,
  SHL,
  SUB,
  set,
  sumOf,
  tee,
  V_AND,
  V_LOAD,
  V_OR,
  V_STORE,
} from '../wasm-assembler.js';
import { bindRangeKernel, type RangeKernel } from './parallel-kernel.js';
import type { KernelSource } from './wasm-simd-module.js';

const [DY, X, OUT, MAX, START, END] = [0, 1, 2, 3, 4, 5];
const [OFF, BYTES] = [6, 7];
const [VMAX, ONE, ZERO, V, STEP] = [8, 9, 10, 11, 12];

/** `local += start * 16` (the range's first vector). */
const advance = (local: number) => [
  ...get(local),
  ...get(START),
  ...i32c(4),
  ...SHL,
  ...ADD,
  ...set(local),
];

/** How the cap enters tf.grad: `clipByValue(relu(x), 0, max)` or `minimum(max, relu(x))`. */
export type CappedReluForm = 'clipByValue' | 'minimum';

const source = (form: CappedReluForm): KernelSource => ({
  name: 'cappedReluGrad',
  params: 6,
  i32Locals: 2,
  v128Locals: 5,
  body: [
    // Vectors [start, end): BYTES = (end - start) * 16 from dy, x and out advanced to start.
    ...get(END),
    ...get(START),
    ...SUB,
    ...i32c(4),
    ...SHL,
    ...set(BYTES),
    ...advance(DY),
    ...advance(X),
    ...advance(OUT),
    // The cap arrives as float bits: splatting them as i32 lanes gives the f32 vector.
    ...get(MAX),
    ...I32X4_SPLAT,
    ...set(VMAX),
    ...f32x4Const(1),
    ...set(ONE),
    ...f32x4Const(0),
    ...set(ZERO),
    ...forLoop(OFF, i32c(16), BYTES, [
      ...sumOf(OUT, OFF),
      // Relu's gradient multiplies by step(x): 1 above 0, 0 at or below, NaN for NaN.
      ...sumOf(X, OFF),
      ...V_LOAD,
      ...tee(V),
      ...get(ZERO),
      ...F32X4_GT,
      ...get(ONE),
      ...V_AND,
      ...get(V),
      ...get(V),
      ...F32X4_NE,
      ...get(V),
      ...V_AND,
      ...V_OR,
      ...set(STEP),
      ...sumOf(DY, OFF),
      ...V_LOAD,
      ...(form === 'clipByValue'
        ? // ClipByValue's gradient selects dy where x <= max, else +0.
          [...get(V), ...get(VMAX), ...F32X4_LE, ...V_AND]
        : // Minimum's multiplies dy by (x < max ? 1 : 0).
          [...get(V), ...get(VMAX), ...F32X4_LT, ...get(ONE), ...V_AND, ...F32X4_MUL]),
      ...get(STEP),
      ...F32X4_MUL,
      ...V_STORE,
    ]),
  ],
});

const sources: Record<CappedReluForm, KernelSource> = {
  clipByValue: source('clipByValue'),
  minimum: source('minimum'),
};

/**
 * The SIMD pass bound to the wasm backend's memory, or undefined without WebAssembly SIMD: a
 * call `run([dy, x, out, maxBits], vectors, bytes)` writes the capped ReLU's input gradient of
 * the first `vectors` f32x4 vectors at byte offsets dy, x (read) into out, the cap as its float32
 * bit pattern, `bytes` (read plus written: 48 per vector) deciding whether the helper worker
 * takes part (bindRangeKernel).
 */
export function cappedReluGradSimd(
  backend: unknown,
  form: CappedReluForm,
): RangeKernel | undefined {
  return bindRangeKernel(sources[form], backend);
}

/** The kernel source of `form` (tests bind it to a memory of their own). Internal to @interp/core. */
export const cappedReluGradSource = (form: CappedReluForm): KernelSource => sources[form];
