// The input gradient of a capped ReLU (ReLU6, ReLU(maxValue)) in WebAssembly SIMD, on the tfjs
// wasm backend's memory, in one pass. tf.grad runs it as five to seven elementwise kernels with
// as many temporaries (Greater, LessEqual, LogicalAnd, Cast, Multiply, Step); in MobileNetV2's
// input gradient they were the largest cost. One thread on purpose: split across parallel-kernel.ts's
// helper worker (stop 28) it ran slower inside MobileNetV2's input gradient (x8, 2 threads, load
// ~10: 73.7 ms median per gradient against 47.2 whole), though faster alone (13.7 vs 15.3 ms): it
// follows XNNPACK convs, whose pthread worker is still spinning on the second core.
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

const source = (form: CappedReluForm): KernelSource => ({
  name: 'cappedReluGrad',
  params: 5,
  i32Locals: 1,
  v128Locals: 5,
  body: [
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
