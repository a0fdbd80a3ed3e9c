import {
  type KernelConfig,
  type KernelFunc,
  MaxPool,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { hasNaNSimd } from './has-nan-simd.js';
import { forEachPoolWindow, type MaxPoolAttrs, maxPoolGeometry } from './max-pool-geometry.js';
import { maxPool2x2Simd } from './max-pool-simd.js';
import { withWasmScope } from './wasm-kernel-scope.js';
import { heapOffset } from './wasm-simd-module.js';

const maxPool: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const { pad } = attrs as unknown as MaxPoolAttrs;
  const info = maxPoolGeometry(x.shape, attrs);
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, pairs } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  return withWasmScope(backend, (s) => {
    const out = s.make(info.outShape, 'float32');
    if (info.outShape.some((d) => d === 0)) return s.keep(out);
    const v = s.heap(x) as Float32Array;
    // Without a NaN, XNNPACK's pool is right and fast; one SIMD scan to know is cheap. Not with
    // a single-number pad: tfjs then makes output rows and columns whose windows lie wholly in
    // the padding (-Infinity on cpu), which XNNPACK fills otherwise.
    const xnnpack = typeof pad !== 'number' ? builtInMaxPool(backend) : undefined;
    if (xnnpack !== undefined && !hasNaN(backend, x, out, v)) {
      const id = (t: TensorInfo) => (backend as WasmIds).dataIdMap.get(t.dataId).id;
      const pads = info.padInfo;
      xnnpack(
        id(x),
        batchSize,
        inHeight,
        inWidth,
        filterHeight,
        filterWidth,
        pads.top,
        pads.right,
        pads.bottom,
        pads.left,
        1,
        1,
        strideHeight,
        strideWidth,
        c,
        c,
        id(out),
      );
      return s.keep(out);
    }
    const simd = pairs && c % 4 === 0 ? maxPool2x2Simd(backend) : undefined;
    if (simd !== undefined) {
      const at = (t: TensorInfo) => heapOffset(backend, t.dataId);
      simd(at(x), at(out), batchSize, inHeight, inWidth, c, outHeight, outWidth);
      return s.keep(out);
    }
    const y = s.heap(out);
    // Per output pixel, one scan of its window with channels innermost (contiguous in NHWC). A NaN
    // is taken and then kept (NaN > v is false), so a window holding one gives NaN.
    const best = new Float32Array(c);
    forEachPoolWindow(info, (b, o, yFrom, yTo, xFrom, xTo) => {
      best.fill(Number.NEGATIVE_INFINITY);
      for (let yy = yFrom; yy < yTo; yy++) {
        for (let xx = xFrom; xx < xTo; xx++) {
          const base = ((b * inHeight + yy) * inWidth + xx) * c;
          for (let k = 0; k < c; k++) {
            const value = v[base + k]!;
            if (value > best[k]! || Number.isNaN(value)) best[k] = value;
          }
        }
      }
      y.set(best, o);
    });
    return s.keep(out);
  });
};

interface WasmIds {
  dataIdMap: { get(dataId: object): { id: number } };
  wasm: { cwrap(name: string, ret: null, args: string[]): (...args: number[]) => void };
}

const builtIns = new WeakMap<object, ((...args: number[]) => void) | null>();

/**
 * tfjs-backend-wasm 4.22's exported XNNPACK `MaxPool` (17 numbers: x id, batch, in height and
 * width, filter height and width, pads top/right/bottom/left, dilations, strides, in and out
 * channels, out id), or undefined when this build does not export it.
 */
function builtInMaxPool(backend: unknown): ((...args: number[]) => void) | undefined {
  const b = backend as WasmIds;
  let fn = builtIns.get(b);
  if (fn === undefined) {
    try {
      fn = b.wasm.cwrap(MaxPool, null, new Array<string>(17).fill('number'));
    } catch {
      fn = null;
    }
    builtIns.set(b, fn);
  }
  return fn ?? undefined;
}

/** True when `x` (whose heap view is `values`) holds a NaN; `out` (one float or more) is scratch. */
function hasNaN(backend: unknown, x: TensorInfo, out: TensorInfo, values: Float32Array): boolean {
  const n = values.length;
  const whole = n - (n % 4);
  for (let i = whole; i < n; i++) if (Number.isNaN(values[i])) return true;
  const simd = hasNaNSimd(backend);
  if (simd === undefined) {
    for (let i = 0; i < whole; i++) if (Number.isNaN(values[i])) return true;
    return false;
  }
  const flag = heapOffset(backend, out.dataId);
  simd(heapOffset(backend, x.dataId), whole * 4, flag);
  const buffer = (values as Float32Array).buffer;
  return new Int32Array(buffer, flag, 1)[0] !== 0;
}

/**
 * tfjs `MaxPool` for the wasm backend, replacing tfjs-backend-wasm 4.22's XNNPACK kernel, which
 * turns a NaN in a window into -Infinity (or drops it): here any NaN in a window gives NaN (as
 * PyTorch and NumPy do), so NaN weights or inputs show in the outputs and loss instead of hiding
 * behind a pool. Other values equal the cpu backend's. A NaN-free input (one SIMD scan to
 * check) with pad 'same', 'valid' or explicit runs XNNPACK's kernel; otherwise 2x2 / stride 2 pools with
 * channels a multiple of 4 run in WebAssembly SIMD and the rest in a JS pass over wasm memory.
 * Registered by `registerWasmKernels()`.
 *
 * @example
 * ```ts
 * registerKernel(maxPoolWasm); // what registerWasmKernels() does
 * ```
 */
export const maxPoolWasm: KernelConfig = {
  kernelName: MaxPool,
  backendName: 'wasm',
  kernelFunc: maxPool,
};
