import {
  type KernelConfig,
  type KernelFunc,
  MaxPoolGrad,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { InterpError } from '../errors.js';
import { forEachPoolWindow, maxPoolGeometry } from './max-pool-geometry.js';
import { maxPool2x2GradSimd, maxPoolGradSimd } from './max-pool-grad-simd.js';
import { withWasmScope } from './wasm-kernel-scope.js';
import { heapOffset } from './wasm-simd-module.js';

/**
 * Test and benchmark hook: `'js'` forces the JS loops (the baseline the SIMD kernels are
 * measured against); `undefined` picks SIMD when the channels allow. Internal to @interp/core.
 */
export const maxPoolGradPath: { force: 'js' | undefined } = { force: undefined };

/** Name of the fused max-pool + ReLU gradient kernel ({@link maxPoolReluGradWasm}). */
export const MAX_POOL_RELU_GRAD = 'InterpMaxPoolReluGrad';

/**
 * The MaxPoolGrad kernel function; with `reluInput`, the pooled input is a ReLU's output and
 * the result is also masked by that ReLU's derivative (`step(input)`), in the same pass.
 */
const maxPoolGradKernel =
  (reluInput: boolean): KernelFunc =>
  ({ inputs, backend, attrs }) => {
    const kernel = reluInput ? MAX_POOL_RELU_GRAD : MaxPoolGrad;
    const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
    const info = maxPoolGeometry(input.shape, attrs);
    if (dy.shape.some((d, i) => d !== info.outShape[i])) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${kernel}: dy has shape [${dy.shape}] but max-pooling [${input.shape}] gives [${info.outShape}]; pass the gradient of that pool's output`,
      );
    }
    const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, pairs } = info;
    return withWasmScope(backend, (s) => {
      const out = s.make(input.shape, 'float32');
      const dx = s.heap(out);
      const vectors = c % 4 === 0 && maxPoolGradPath.force !== 'js';
      const offset = (t: TensorInfo) => heapOffset(backend, t.dataId);
      const simd = pairs && vectors ? maxPool2x2GradSimd(backend) : undefined;
      if (simd !== undefined) {
        // Trailing rows/columns no window covers (odd sizes) keep a zero gradient.
        if (2 * outHeight < inHeight || 2 * outWidth < inWidth) dx.fill(0);
        simd(
          offset(input),
          offset(dy),
          offset(out),
          batchSize,
          inHeight,
          inWidth,
          c,
          outHeight,
          outWidth,
          reluInput ? 1 : 0,
        );
        return s.keep(out);
      }
      const general = !pairs && vectors ? maxPoolGradSimd(backend) : undefined;
      if (general !== undefined) {
        dx.fill(0);
        general(
          offset(input),
          offset(dy),
          offset(out),
          batchSize,
          inHeight,
          inWidth,
          c,
          outHeight,
          outWidth,
          info.filterHeight,
          info.filterWidth,
          info.strideHeight,
          info.strideWidth,
          info.top,
          info.left,
          reluInput ? 1 : 0,
        );
        return s.keep(out);
      }
      const x = s.heap(input);
      const g = s.heap(dy);
      if (pairs) {
        maxPool2x2Grad(x, g, dx, batchSize, inHeight, inWidth, c, outHeight, outWidth, reluInput);
        return s.keep(out);
      }
      dx.fill(0);
      // Per output pixel, one scan of its window with channels innermost (contiguous in NHWC):
      // the first strict maximum of each channel, in row-major window order, gets dy, as in
      // tfjs's cpu kernel and TensorFlow; a window with a NaN routes it to its first NaN, the
      // value our MaxPool returns (as PyTorch). (tfjs-backend-wasm 4.22's own kernel starts its running
      // max at FLT_MIN, so windows without a positive value lose their gradient.)
      const best = new Float64Array(c);
      const at = new Int32Array(c);
      forEachPoolWindow(info, (b, o, yFrom, yTo, xFrom, xTo) => {
        best.fill(Number.NEGATIVE_INFINITY);
        at.fill(-1);
        for (let yy = yFrom; yy < yTo; yy++) {
          for (let xx = xFrom; xx < xTo; xx++) {
            const base = ((b * inHeight + yy) * inWidth + xx) * c;
            for (let k = 0; k < c; k++) {
              const v = x[base + k]!;
              const b0 = best[k]!;
              // The first NaN is the maximum (our MaxPool returns NaN); nothing beats it.
              if (!Number.isNaN(b0) && (v > b0 || Number.isNaN(v))) {
                best[k] = v;
                at[k] = base + k;
              }
            }
          }
        }
        for (let k = 0; k < c; k++) {
          const p = at[k]!;
          // tf.grad's ReLU gradient multiplies by step(input): 1 above zero, else 0.
          if (p >= 0) dx[p]! += reluInput ? g[o + k]! * (best[k]! > 0 ? 1 : 0) : g[o + k]!;
        }
      });
      return s.keep(out);
    });
  };

const maxPoolGrad = maxPoolGradKernel(false);

/**
 * The common 2x2 / stride 2 pool with every window inside the input: windows do not overlap, so
 * each input value is written once (its gradient or 0), with the window unrolled.
 */
function maxPool2x2Grad(
  x: ArrayLike<number>,
  g: ArrayLike<number>,
  dx: { [i: number]: number; fill(v: number): unknown },
  batch: number,
  inHeight: number,
  inWidth: number,
  c: number,
  outHeight: number,
  outWidth: number,
  reluInput: boolean,
) {
  // One native fill, then one write per window (the routed value) instead of four.
  dx.fill(0);
  const row = inWidth * c;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const r0 = (b * inHeight + 2 * oy) * row;
      const r1 = r0 + row;
      for (let ox = 0; ox < outWidth; ox++) {
        const col = 2 * ox * c;
        for (let k = 0; k < c; k++, o++) {
          const p0 = r0 + col + k;
          const p1 = p0 + c;
          const p2 = r1 + col + k;
          const p3 = p2 + c;
          // First strict maximum in row-major order, or the first NaN (our MaxPool returns NaN
          // for the window); none when every value is -Infinity.
          let at = -1;
          let best = Number.NEGATIVE_INFINITY;
          const v0 = x[p0]!;
          if (!Number.isNaN(best) && (v0 > best || Number.isNaN(v0))) {
            best = v0;
            at = p0;
          }
          const v1 = x[p1]!;
          if (!Number.isNaN(best) && (v1 > best || Number.isNaN(v1))) {
            best = v1;
            at = p1;
          }
          const v2 = x[p2]!;
          if (!Number.isNaN(best) && (v2 > best || Number.isNaN(v2))) {
            best = v2;
            at = p2;
          }
          const v3 = x[p3]!;
          if (!Number.isNaN(best) && (v3 > best || Number.isNaN(v3))) {
            best = v3;
            at = p3;
          }
          if (at < 0) continue;
          // tf.grad's ReLU gradient multiplies by step(input): 1 above zero, else 0.
          dx[at] = reluInput ? g[o]! * (best > 0 ? 1 : 0) : g[o]!;
        }
      }
    }
  }
}

/**
 * tfjs `MaxPoolGrad` for the wasm backend, replacing tfjs-backend-wasm 4.22's kernel, which is
 * slow (the largest cost of an input gradient through a small CNN) and drops the gradient of
 * windows with no positive value. One pass over the input in wasm memory. Registered by
 * `registerWasmKernels()`.
 *
 * @example
 * ```ts
 * registerKernel(maxPoolGradWasm); // what registerWasmKernels() does
 * ```
 */
export const maxPoolGradWasm: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};

/**
 * `MaxPoolGrad` of a pool whose input is a ReLU's output, times that ReLU's derivative: what
 * tf.grad computes as `MaxPoolGrad` then `mul(dy, step(x))`, in one pass over wasm memory (same
 * tie rule: the first strict maximum). Inputs `{ dy, input }`, attrs as `MaxPoolGrad`. Not part
 * of `registerWasmKernels()`: `targetInputGradient` registers it when it first runs on wasm.
 *
 * @example
 * ```ts
 * registerKernel(maxPoolReluGradWasm);
 * const dz = tf.engine().runKernel(MAX_POOL_RELU_GRAD, { dy, input: a }, { filterSize: 2, strides: 2, pad: 'valid' });
 * ```
 */
export const maxPoolReluGradWasm: KernelConfig = {
  kernelName: MAX_POOL_RELU_GRAD,
  backendName: 'wasm',
  kernelFunc: maxPoolGradKernel(true),
};
