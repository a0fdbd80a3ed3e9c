import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  MaxPool,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { hasNaNSimd } from './has-nan-simd.js';
import { maxPool2x2Simd } from './max-pool-simd.js';
import { withWasmScope } from './wasm-kernel-scope.js';
import { heapOffset } from './wasm-simd-module.js';

const maxPool: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as { x: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  const info = backend_util.computePool2DInfo(
    x.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  return withWasmScope(backend, (s) => {
    const out = s.make(info.outShape, 'float32');
    if (info.outShape.some((d) => d === 0)) return s.keep(out);
    const pairs =
      filterHeight === 2 &&
      filterWidth === 2 &&
      strideHeight === 2 &&
      strideWidth === 2 &&
      top === 0 &&
      left === 0 &&
      2 * outHeight <= inHeight &&
      2 * outWidth <= inWidth;
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
    for (let b = 0; b < batchSize; b++) {
      for (let oy = 0; oy < outHeight; oy++) {
        const y0 = oy * strideHeight - top;
        const yFrom = Math.max(0, y0);
        const yTo = Math.min(inHeight, y0 + filterHeight);
        for (let ox = 0; ox < outWidth; ox++) {
          const x0 = ox * strideWidth - left;
          const xFrom = Math.max(0, x0);
          const xTo = Math.min(inWidth, x0 + filterWidth);
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
          y.set(best, ((b * outHeight + oy) * outWidth + ox) * c);
        }
      }
    }
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
