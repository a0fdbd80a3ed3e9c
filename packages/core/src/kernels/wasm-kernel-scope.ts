import {
  type backend_util,
  type DataType,
  env,
  getKernel,
  type NamedAttrMap,
  type TensorInfo,
  util,
} from '@tensorflow/tfjs-core';
import { derivedWeights, isWeightData } from './derived-weight-cache.js';
import { heapOffset } from './wasm-simd-module.js';
import { filterMapKernel, reversal } from './winograd-filter-simd.js';

/** The part of tfjs-backend-wasm's `BackendWasm` our kernels use. */
export interface WasmBackend {
  disposeData(dataId: object, force?: boolean): boolean;
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Composes wasm kernels the way tfjs-backend-wasm's own kernels do: it calls the registered wasm
 * kernel functions directly on `TensorInfo`s (no engine, no tape, no copies to another backend) and
 * frees every intermediate it made. `keep()` marks the one result that leaves the scope.
 */
export class WasmKernelScope {
  readonly backend: WasmBackend;
  private readonly owned: TensorInfo[] = [];

  constructor(backend: unknown) {
    this.backend = backend as WasmBackend;
  }

  /** Runs the wasm kernel `name`; the output is owned by this scope until `keep()`. */
  run(name: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
    const config = getKernel(name, 'wasm');
    if (config === undefined) throw new Error(`kernel '${name}' is not registered for wasm`);
    const out = config.kernelFunc({ inputs, attrs, backend: this.backend as object });
    const info = Array.isArray(out) ? out[0]! : out;
    this.owned.push(info);
    return info;
  }

  /**
   * An NHWC conv of `x` by `filter` (`Conv2D`, or `DepthwiseConv2dNative` with its
   * `[fh, fw, channels, multiplier]` filter): the one call every backprop kernel reduces to.
   */
  conv(
    kernel: 'Conv2D' | 'DepthwiseConv2dNative',
    x: TensorInfo,
    filter: TensorInfo,
    strides: [number, number],
    pad: 'valid' | backend_util.ExplicitPadding,
    dilations: [number, number],
  ): TensorInfo {
    return this.run(kernel, { x, filter }, { strides, pad, dilations, dataFormat: 'NHWC' });
  }

  /** A new output tensor on the wasm heap (uninitialized), owned by this scope. */
  make(shape: number[], dtype: DataType): TensorInfo {
    const info = this.backend.makeOutput(shape, dtype);
    this.owned.push(info);
    return info;
  }

  /** A typed view of the tensor's bytes in wasm memory (valid until the next allocation). */
  heap(info: TensorInfo): Float32Array | Int32Array | Uint8Array {
    return this.backend.typedArrayFromHeap(info);
  }

  /** An int32 vector on the wasm heap (for gather indices), owned by this scope. */
  int32(values: readonly number[]): TensorInfo {
    const info = this.make([values.length], 'int32');
    (this.heap(info) as Int32Array).set(values);
    return info;
  }

  /** The same data under another shape: a metadata-only reshape, like the wasm Reshape kernel. */
  view(info: TensorInfo, shape: number[]): TensorInfo {
    if (util.sizeFromShape(shape) !== util.sizeFromShape(info.shape)) {
      throw new Error(`cannot view shape [${info.shape}] as [${shape}]`);
    }
    return { dataId: info.dataId, shape, dtype: info.dtype };
  }

  /**
   * Transposes with `perm`. When `perm` only moves dims of size 1, the data order is unchanged
   * and the result is a view (no copy).
   */
  transpose(info: TensorInfo, perm: number[]): TensorInfo {
    const moved = perm.filter((p) => info.shape[p] !== 1);
    if (moved.every((p, i) => i === 0 || p > moved[i - 1]!)) {
      return this.view(
        info,
        perm.map((p) => info.shape[p]!),
      );
    }
    return this.run('Transpose', { x: info }, { perm });
  }

  /**
   * Copies rows `[begin, begin + size)` of dims 1 and 2 of a 4-D tensor (dims 0 and 3 whole):
   * the crop that negative padding needs. Runs of `size[2] * channels` values are contiguous,
   * so this is a series of `TypedArray.set` calls on wasm memory.
   */
  crop4d(info: TensorInfo, begin: [number, number], size: [number, number]): TensorInfo {
    const [n, h, w, c] = info.shape as [number, number, number, number];
    if (begin[0] === 0 && begin[1] === 0 && size[0] === h && size[1] === w) return info;
    const out = this.make([n, size[0], size[1], c], info.dtype);
    const src = this.heap(info);
    const dst = this.heap(out);
    const run = size[1] * c;
    let o = 0;
    for (let b = 0; b < n; b++) {
      for (let r = 0; r < size[0]; r++) {
        const start = ((b * h + begin[0] + r) * w + begin[1]) * c;
        dst.set(src.subarray(start, start + run), o);
        o += run;
      }
    }
    return out;
  }

  /**
   * Spreads dims 1 and 2 of a 4-D tensor with `stride - 1` zeros after each element
   * (`[n, h, w, c]` -> `[n, h * sh, w * sw, c]`): the dilation a strided conv's input gradient
   * needs. One Pad of a 6-D view, so the trailing zeros come along (callers account for them).
   */
  spread4d(info: TensorInfo, strides: [number, number]): TensorInfo {
    const [sh, sw] = strides;
    if (sh === 1 && sw === 1) return info;
    const [n, h, w, c] = info.shape as [number, number, number, number];
    const padded = this.run(
      'PadV2',
      { x: this.view(info, [n, h, 1, w, 1, c]) },
      {
        paddings: [
          [0, 0],
          [0, 0],
          [0, sh - 1],
          [0, 0],
          [0, sw - 1],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    return this.view(padded, [n, h * sh, w * sw, c]);
  }

  /**
   * A conv filter `[fh, fw, a, b]` rotated by 180 degrees in space, and with `swap` its last two
   * dims exchanged (`[fh, fw, b, a]`): what input gradients correlate `dy` with. The swap is one
   * SIMD pass transposing 4 x 4 channel blocks in registers when `a` and `b` are multiples of 4
   * (winograd-filter-simd.ts), a JS loop otherwise; the plain flip copies whole planes.
   */
  flipFilter(filter: TensorInfo, swap: boolean): TensorInfo {
    const [fh, fw, a, b] = filter.shape as [number, number, number, number];
    const out = this.make(swap ? [fh, fw, b, a] : [fh, fw, a, b], 'float32');
    const map =
      swap && a % 4 === 0 && b % 4 === 0
        ? filterMapKernel(this.backend, { rows: reversal(fh), cols: reversal(fw), a, b, swap })
        : undefined;
    if (map !== undefined) {
      const at = (info: TensorInfo) => heapOffset(this.backend, info.dataId);
      const planes = Array.from({ length: fh * fw }, (_, tap) => at(out) + tap * a * b * 4);
      map(at(this.int32(planes)), at(filter));
      return out;
    }
    const src = this.heap(filter);
    const dst = this.heap(out);
    for (let i = 0; i < fh; i++) {
      for (let j = 0; j < fw; j++) {
        const from = ((fh - 1 - i) * fw + (fw - 1 - j)) * a * b;
        const to = (i * fw + j) * a * b;
        if (!swap) {
          dst.set(src.subarray(from, from + a * b), to);
          continue;
        }
        for (let p = 0; p < a; p++) {
          for (let q = 0; q < b; q++) dst[to + q * a + p] = src[from + p * b + q]!;
        }
      }
    }
    return out;
  }

  /**
   * Weights `body` derives from `source` (a filter); when `source` is a weight's data
   * (`markWeightData`), computed on the first call for it and kept across calls (derived-weight-cache.ts): the same data id every time, so
   * XNNPACK's packed operator for it is reused. Not owned by this scope.
   */
  derived(source: TensorInfo, tag: string, body: (s: WasmKernelScope) => TensorInfo): TensorInfo {
    // Only a declared weight's filters are worth keeping; and tfjs's leak check (IS_TEST or
    // DEBUG) counts a kernel's new data ids as leaks: derive per call there.
    const checked = env().getBool('IS_TEST') || env().getBool('DEBUG');
    if (!isWeightData(source.dataId) || checked) return body(this);
    return derivedWeights(this.backend, [source.dataId], tag, () =>
      withWasmScope(this.backend, (inner) => inner.keep(body(inner))),
    );
  }

  /** {@link flipFilter}, kept across calls for the same filter data (see {@link derived}). */
  flippedFilter(filter: TensorInfo, swap: boolean): TensorInfo {
    return this.derived(filter, swap ? 'flip-swap' : 'flip', (s) => s.flipFilter(filter, swap));
  }

  /** Hands `info` to the caller (it leaves the scope undisposed). */
  keep(info: TensorInfo): TensorInfo {
    const i = this.owned.findIndex((t) => t.dataId === info.dataId);
    if (i < 0) throw new Error('keep(): the result was not made in this scope');
    this.owned.splice(i, 1);
    return info;
  }

  /** Frees every intermediate still owned. */
  dispose(): void {
    for (const t of this.owned) this.backend.disposeData(t.dataId);
    this.owned.length = 0;
  }
}

/**
 * Runs `body` with a fresh scope and returns its result (which must come from `scope.keep`),
 * disposing the intermediates also when `body` throws.
 */
export function withWasmScope(backend: unknown, body: (scope: WasmKernelScope) => TensorInfo) {
  const scope = new WasmKernelScope(backend);
  try {
    return body(scope);
  } finally {
    scope.dispose();
  }
}
