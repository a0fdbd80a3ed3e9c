// Internal: the per-pixel argmax + confusion counting behind pixelConfusionMatrixFromScores.
// A WASM SIMD kernel (confusion-kernel-module.ts) when the platform has SIMD and the class count suits
// it, a plain loop otherwise; both give identical counts and errors.
import { InterpError } from '@interp/core/base';
import { argmaxAt, labelError } from './confusion-counts.js';
import { confusionKernelBytes } from './confusion-kernel-module.js';

/** Channels-last scores: pixel i's class k at `[i * numClasses + k]`. */
export type Scores = Float32Array | Float64Array;

/** Adds the confusion counts of `scores` against `targs` to `out` (C x C, rows target). */
type CountScores = (
  scores: Scores,
  numClasses: number,
  targs: ArrayLike<number>,
  ignoreIndex: number | undefined,
  out: Float64Array,
  sliceSize?: number,
) => void;

type KernelFn = (
  scores: number,
  targs: number,
  n: number,
  c: number,
  cm: number,
  hasIgnore: number,
  ignore: number,
) => number;

interface Kernel {
  memory: WebAssembly.Memory;
  confusionF32: KernelFn;
  confusionF64: KernelFn;
}

/** Scratch memory per kernel pass when `sliceSize` is not given. */
export const DEFAULT_SLICE_BYTES = 4 * 1024 * 1024;
/** The most scratch memory one pass may use, whatever `sliceSize` asks for. */
export const MAX_SLICE_BYTES = 1024 * 1024 * 1024;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
// In targets copied with a check: -1 marks an invalid label, -2 an ignored pixel (both fail the
// kernel's unsigned `label < c`, so only the ignore flag lets -2 through).
const INVALID_MARK = -1;
const IGNORE_MARK = -2;

let compiled: WebAssembly.Module | null | undefined;
let kernel: Kernel | undefined;

/** The compiled WASM kernel, or null where WebAssembly or its SIMD is unavailable. */
export function loadKernel(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    if (typeof WebAssembly === 'object') {
      const bytes = confusionKernelBytes();
      // Synchronous compilation is fine here: the module is well under the browsers' 4 KB limit.
      if (WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
    }
  } catch {
    compiled = null;
  }
  return compiled;
}

/**
 * An instance whose memory holds at least `bytes`. Needing more makes a new memory and instance
 * instead of growing the old memory: growing detaches an ArrayBuffer, and V8's first detached
 * buffer in a process slows every typed-array loop in it (a plain sum ran 1.8x slower after).
 */
function kernelWithMemory(module: WebAssembly.Module, bytes: number): Kernel {
  if (kernel === undefined || kernel.memory.buffer.byteLength < bytes) {
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65_536)) });
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
    kernel = {
      memory,
      confusionF32: exports.confusionF32 as KernelFn,
      confusionF64: exports.confusionF64 as KernelFn,
    };
  }
  return kernel;
}

/** The current kernel memory, if any (for tests). */
export function kernelMemory(): WebAssembly.Memory | undefined {
  return kernel?.memory;
}

/** Pixels per kernel pass: `sliceSize` when given (capped by MAX_SLICE_BYTES), else what fits DEFAULT_SLICE_BYTES. */
export function sliceSizeFor(
  numClasses: number,
  bytesPerScore: number,
  sliceSize?: number,
): number {
  const perPixel = numClasses * bytesPerScore + 4;
  const cap = Math.max(1, Math.floor(MAX_SLICE_BYTES / perPixel));
  if (sliceSize !== undefined) return Math.min(sliceSize, cap);
  return Math.max(1, Math.floor(DEFAULT_SLICE_BYTES / perPixel));
}

/** Whether the WASM kernel handles this dtype and class count (it needs a full vector per pixel). */
export function kernelSupports(scores: Scores, numClasses: number): boolean {
  return numClasses >= (scores instanceof Float32Array ? 4 : 2) && loadKernel() !== null;
}

/**
 * Adds the confusion counts of `scores` (argmax over channels, ties to the lower class) against
 * `targs` to `out`. Throws NON_FINITE for a NaN score and LABEL_OUT_OF_RANGE for a bad target,
 * naming the first such pixel; `out` is then unchanged.
 */
export const countScores: CountScores = (...args) =>
  (kernelSupports(args[0], args[1]) ? countScoresWasm : countScoresJs)(...args);

/** The plain-loop path: reads the scores in place, no scratch beyond C x C counts. */
export const countScoresJs: CountScores = (scores, numClasses, targs, ignoreIndex, out) => {
  const c = numClasses;
  const n = targs.length;
  const ignore = ignoreIndex ?? Number.NaN; // NaN equals nothing: no pixel is ignored
  const scratch = new Float64Array(c * c);
  for (let i = 0, o = 0; i < n; i++, o += c) {
    const arg = argmaxAt(scores, o, c);
    if (arg < 0) throw nanError(scores, i, c);
    const t = targs[i]!;
    if (t === ignore) continue;
    if (!(t < c && t >>> 0 === t)) throw labelError('targs', i, t, c, ignoreIndex);
    const cell = t * c + arg;
    scratch[cell] = scratch[cell]! + 1;
  }
  for (let k = 0; k < scratch.length; k++) out[k] = out[k]! + scratch[k]!;
};

/** The WASM path: copies one slice of scores and targets at a time into the kernel's memory. */
export const countScoresWasm: CountScores = (
  scores,
  numClasses,
  targs,
  ignoreIndex,
  out,
  sliceSize,
) => {
  const module = loadKernel();
  if (module === null)
    throw new InterpError('NOT_SUPPORTED', 'WebAssembly SIMD is not available here');
  const c = numClasses;
  const n = targs.length;
  const f32 = scores instanceof Float32Array;
  const bpe = f32 ? 4 : 8;
  const slice = Math.max(1, Math.min(n, sliceSizeFor(c, bpe, sliceSize)));
  const cmOff = 0;
  const targOff = align16(c * c * 4);
  const scoreOff = align16(targOff + slice * 4);
  const need = scoreOff + slice * c * bpe;
  const k = kernelWithMemory(module, need);
  const buffer = k.memory.buffer;
  const cm = new Uint32Array(buffer, cmOff, c * c);
  const targView = new Int32Array(buffer, targOff, slice);
  const scoreView = f32
    ? new Float32Array(buffer, scoreOff, slice * c)
    : new Float64Array(buffer, scoreOff, slice * c);
  cm.fill(0);

  // Targets of these types are exact in int32: copy them with one native set() per slice.
  const direct =
    targs instanceof Uint8Array ||
    targs instanceof Int8Array ||
    targs instanceof Uint8ClampedArray ||
    targs instanceof Int16Array ||
    targs instanceof Uint16Array ||
    targs instanceof Int32Array;
  let hasIgnore: number;
  let ignoreArg: number;
  if (direct) {
    const inRange =
      ignoreIndex !== undefined && ignoreIndex >= INT32_MIN && ignoreIndex <= INT32_MAX;
    hasIgnore = inRange ? 1 : 0;
    ignoreArg = inRange ? ignoreIndex : 0;
  } else {
    hasIgnore = ignoreIndex === undefined ? 0 : 1;
    ignoreArg = IGNORE_MARK;
  }
  const run = f32 ? k.confusionF32 : k.confusionF64;
  for (let a = 0; a < n; a += slice) {
    const b = Math.min(n, a + slice);
    const m = b - a;
    scoreView.set(scores.subarray(a * c, b * c));
    if (direct) {
      targView.set((targs as Int32Array).subarray(a, b));
    } else {
      for (let i = 0; i < m; i++) {
        const t = targs[a + i]!;
        targView[i] = t === ignoreIndex ? IGNORE_MARK : t < c && t >>> 0 === t ? t : INVALID_MARK;
      }
    }
    const done = run(scoreOff, targOff, m, c, cmOff, hasIgnore, ignoreArg);
    if (done !== m) {
      const i = a + done;
      for (let ch = 0; ch < c; ch++)
        if (Number.isNaN(scores[i * c + ch])) throw nanError(scores, i, c);
      throw labelError('targs', i, targs[i]!, c, ignoreIndex);
    }
  }
  for (let j = 0; j < cm.length; j++) out[j] = out[j]! + cm[j]!;
};

function nanError(scores: Scores, pixel: number, c: number): InterpError {
  let ch = 0;
  while (ch < c - 1 && !Number.isNaN(scores[pixel * c + ch])) ch++;
  return new InterpError(
    'NON_FINITE',
    `scores of pixel ${pixel} contain NaN (class ${ch}); the model produced non-finite outputs, so no prediction can be read there`,
  );
}

function align16(x: number): number {
  return (x + 15) & ~15;
}
