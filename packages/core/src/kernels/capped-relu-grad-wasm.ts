import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { InterpError } from '../errors.js';
import { type CappedReluForm, cappedReluGradSimd } from './capped-relu-grad-simd.js';
import { withWasmScope } from './wasm-kernel-scope.js';
import { heapOffset } from './wasm-simd-module.js';

export type { CappedReluForm } from './capped-relu-grad-simd.js';

/** Name of the fused capped-ReLU gradient kernel ({@link cappedReluGradWasm}). */
export const CAPPED_RELU_GRAD = 'InterpCappedReluGrad';

/** The cap and how the forward pass applied it (which gradient tf.grad would run). */
export interface CappedReluGradAttrs {
  max: number;
  form: CappedReluForm;
  /**
   * The caller is done with `dy` (it frees it after this call and nothing else reads it): the
   * gradient is then written over dy's buffer when no other tensor shares it. On MobileNetV2's
   * 8 x 112 x 112 x 96 ReLU6 that pass took 3.2 ms instead of 5.1 (median of 21, 2 threads): no
   * new 38 MB output, no read of its cold lines before the write.
   */
  overwriteDy?: boolean;
}

/** The reference counting of tfjs-backend-wasm's data (a reshape's output shares its input's). */
interface WasmBackendRefs {
  refCount(dataId: object): number;
  incRef(dataId: object): void;
}

const bitsOf = (v: number) => new Int32Array(new Float32Array([v]).buffer)[0]!;

/** One element, exactly as the SIMD pass (and tf.grad's chain of kernels) computes it. */
function cappedReluGradAt(dy: number, x: number, max: number, form: CappedReluForm): number {
  const step = x > 0 ? 1 : Number.isNaN(x) ? Number.NaN : 0;
  if (form === 'clipByValue') return (x <= max ? dy : 0) * step;
  return dy * (x < max ? 1 : 0) * step;
}

const cappedReluGradKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, x } = inputs as { dy: TensorInfo; x: TensorInfo };
  const { max, form, overwriteDy } = attrs as unknown as CappedReluGradAttrs;
  if (dy.shape.length !== x.shape.length || dy.shape.some((d, i) => d !== x.shape[i])) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${CAPPED_RELU_GRAD}: dy has shape [${dy.shape}] but x has [${x.shape}]; pass the gradient of the capped ReLU's output, shaped like its input`,
    );
  }
  if (dy.dtype !== 'float32' || x.dtype !== 'float32') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${CAPPED_RELU_GRAD}: dy and x must be float32, got ${dy.dtype} and ${x.dtype}`,
    );
  }
  const wasm = backend as unknown as WasmBackendRefs;
  // Over dy when the caller is done with it and no other tensor (a reshape, a clone) shares it.
  const over = overwriteDy === true && dy.dataId !== x.dataId && wasm.refCount(dy.dataId) === 1;
  return withWasmScope(backend, (s) => {
    const out = over ? dy : s.make(x.shape, 'float32');
    const size = tf.util.sizeFromShape(x.shape);
    const simd = cappedReluGradSimd(backend, form);
    let done = 0;
    if (simd !== undefined) {
      done = size - (size % 4);
      const at = (t: TensorInfo) => heapOffset(backend, t.dataId);
      simd(at(dy), at(x), at(out), done * 4, bitsOf(max));
    }
    // The tail (all of it without SIMD); tf ops compare with the cap as a float32 scalar.
    const [g, v, dx] = [s.heap(dy), s.heap(x), s.heap(out)];
    const cap = Math.fround(max);
    for (let i = done; i < size; i++) dx[i] = cappedReluGradAt(g[i]!, v[i]!, cap, form);
    if (!over) return s.keep(out);
    // The output is dy's data under one more reference, as tfjs's Reshape returns its input's.
    wasm.incRef(dy.dataId);
    return { dataId: dy.dataId, shape: x.shape, dtype: 'float32' };
  });
};

/**
 * The input gradient of a capped ReLU on the wasm backend, in one SIMD pass over wasm memory:
 * for `form: 'clipByValue'` (tfjs-layers' `ReLU({ maxValue })`) `(x <= max ? dy : 0) * step(x)`,
 * for `'minimum'` (the `relu6` activation) `dy * (x < max) * step(x)`, bit for bit what tf.grad's
 * five to seven kernels give (signed zeros and NaN included). Inputs `{ dy, x }` of one shape,
 * `x` the ReLU's input (for `'minimum'`, its output gives the same numbers); attrs
 * {@link CappedReluGradAttrs} (with `overwriteDy`, the result may be dy's own buffer, rewritten).
 * Not part of `registerWasmKernels()`: {@link cappedReluGrad} registers it when it first runs on
 * wasm.
 *
 * @example
 * ```ts
 * registerKernel(cappedReluGradWasm);
 * const dx = tf.engine().runKernel(CAPPED_RELU_GRAD, { dy, x }, { max: 6, form: 'clipByValue' });
 * ```
 */
export const cappedReluGradWasm: KernelConfig = {
  kernelName: CAPPED_RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: cappedReluGradKernel,
};

/**
 * The capped ReLU's input gradient (see {@link cappedReluGradWasm}): one fused pass on wasm,
 * tfjs ops with the same numbers on other backends. Internal to @interp/core.
 *
 * @example
 * ```ts
 * const dx = cappedReluGrad(dy, x, { max: 6, form: 'clipByValue' }); // ReLU({ maxValue: 6 })
 * ```
 */
export function cappedReluGrad(dy: tf.Tensor, x: tf.Tensor, attrs: CappedReluGradAttrs): tf.Tensor {
  if (tf.getBackend() === 'wasm' && dy.dtype === 'float32' && x.dtype === 'float32') {
    if (tf.getKernel(CAPPED_RELU_GRAD, 'wasm') === undefined) tf.registerKernel(cappedReluGradWasm);
    return tf.engine().runKernel(CAPPED_RELU_GRAD, { dy, x }, { ...attrs }) as tf.Tensor;
  }
  return tf.tidy(() => {
    const step = tf.step(tf.cast(x, 'float32'));
    const capped =
      attrs.form === 'clipByValue'
        ? tf.where(tf.lessEqual(x, attrs.max), dy, tf.zerosLike(dy))
        : tf.mul(dy, tf.cast(tf.less(x, attrs.max), 'float32'));
    return tf.mul(capped, step);
  });
}
