// The input gradient of a capped ReLU (ReLU6, ReLU(maxValue)) in WebAssembly SIMD, on the tfjs
// wasm backend's memory, in one pass. tf.grad runs it as five to seven elementwise kernels with
// as many temporaries (Greater, LessEqual, LogicalAnd, Cast, Multiply, Step); in MobileNetV2's
// input gradient they were the largest cost.
import {
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
  set,
  sumOf,
  tee,
  V_AND,
  V_LOAD,
  V_OR,
  V_STORE,
} from '../wasm-assembler.js';
import { bindKernel, type KernelSource } from './wasm-simd-module.js';

const [DY, X, OUT, BYTES, MAX] = [0, 1, 2, 3, 4];
const OFF = 5;
const [VMAX, ONE, ZERO, V, STEP] = [6, 7, 8, 9, 10];

/** How the cap enters tf.grad: `clipByValue(relu(x), 0, max)` or `minimum(max, relu(x))`. */
export type CappedReluForm = 'clipByValue' | 'minimum';

/** The v128 locals the gradient expression uses (constants set by {@link cappedReluGradSetup}, two scratch). */
export interface CappedReluLocals {
  vmax: number;
  one: number;
  zero: number;
  v: number;
  step: number;
}

/** Sets the constant locals: the cap (an i32 local holding its float bits) splatted, 1 and 0. */
export const cappedReluGradSetup = (maxBits: number, l: CappedReluLocals): number[] => [
  // The cap arrives as float bits: splatting them as i32 lanes gives the f32 vector.
  ...get(maxBits),
  ...I32X4_SPLAT,
  ...set(l.vmax),
  ...f32x4Const(1),
  ...set(l.one),
  ...f32x4Const(0),
  ...set(l.zero),
];

/**
 * Pushes the capped ReLU's input gradient of one f32x4: `dy` (code pushing the incoming gradient)
 * at `x` (code pushing the ReLU's input, or its output for 'minimum'), bit for bit tf.grad's
 * kernels. The one expression of the standalone pass and of kernels that fuse the mask.
 */
export const cappedReluGradVector = (
  form: CappedReluForm,
  x: number[],
  dy: number[],
  l: CappedReluLocals,
): number[] => [
  // Relu's gradient multiplies by step(x): 1 above 0, 0 at or below, NaN for NaN.
  ...x,
  ...tee(l.v),
  ...get(l.zero),
  ...F32X4_GT,
  ...get(l.one),
  ...V_AND,
  ...get(l.v),
  ...get(l.v),
  ...F32X4_NE,
  ...get(l.v),
  ...V_AND,
  ...V_OR,
  ...set(l.step),
  ...dy,
  ...(form === 'clipByValue'
    ? // ClipByValue's gradient selects dy where x <= max, else +0.
      [...get(l.v), ...get(l.vmax), ...F32X4_LE, ...V_AND]
    : // Minimum's multiplies dy by (x < max ? 1 : 0).
      [...get(l.v), ...get(l.vmax), ...F32X4_LT, ...get(l.one), ...V_AND, ...F32X4_MUL]),
  ...get(l.step),
  ...F32X4_MUL,
];

const locals: CappedReluLocals = { vmax: VMAX, one: ONE, zero: ZERO, v: V, step: STEP };

const source = (form: CappedReluForm): KernelSource => ({
  name: 'cappedReluGrad',
  params: 5,
  i32Locals: 1,
  v128Locals: 5,
  body: [
    ...cappedReluGradSetup(MAX, locals),
    ...forLoop(OFF, i32c(16), BYTES, [
      ...sumOf(OUT, OFF),
      ...cappedReluGradVector(
        form,
        [...sumOf(X, OFF), ...V_LOAD],
        [...sumOf(DY, OFF), ...V_LOAD],
        locals,
      ),
      ...V_STORE,
    ]),
  ],
});

const sources: Record<CappedReluForm, KernelSource> = {
  clipByValue: source('clipByValue'),
  minimum: source('minimum'),
};

/**
 * `(dy, x, out, bytes, maxBits)`: the capped ReLU's input gradient over the first `bytes` (a
 * multiple of 16) at each byte offset; the cap as its float32 bit pattern.
 */
export type CappedReluGradSimd = (
  dy: number,
  x: number,
  out: number,
  bytes: number,
  maxBits: number,
) => void;

/** The SIMD pass bound to the wasm backend's memory, or undefined without WebAssembly SIMD. */
export function cappedReluGradSimd(
  backend: unknown,
  form: CappedReluForm,
): CappedReluGradSimd | undefined {
  return bindKernel<CappedReluGradSimd>(sources[form], backend);
}
