import { freemem } from 'node:os';
import type { BackendInfo, PrefaultHandle } from '@interp/core';

/** What the peak WASM heap is estimated from: all known before the model loads. */
export interface HeapWork {
  /** The model's weight bytes (modelWeightBytes: the .onnx file's size or the manifest's total). */
  weightBytes: number;
  /** Values in the input (items x values per item). */
  inputValues: number;
  /** Passes over the input the method makes (IG's steps, SmoothGrad's samples; else 1). */
  passes: number;
}

/**
 * The peak-heap estimate's terms, fitted (as a lower envelope: within 97% of each) to the peak
 * WASM heaps `interp attribute --threads 2` measured for saliency (1 and 8 images) and IG (1 image
 * x 50 steps, 8 x 4) on ResNet-18 ONNX (46.7 MB; peaks 406-700 MB; estimates 320-521), MobileNetV2
 * ONNX with external weights (49 kB counted; 123-542 MB; 53-254) and nsfwjs' MobileNetV2
 * LayersModel (10.5 MB; 120-440 MB; 113-313). A base, heap bytes per weight byte (decoded weights,
 * their tensors, Winograd's transformed filters) and per input value of the largest chunk.
 */
export const PEAK_HEAP_FIT = { base: 24 * 2 ** 20, perWeightByte: 6, perChunkValue: 200 } as const;

/**
 * Input values one chunk of a many-pass method holds at most (attribution's MAX_CHUNK_VALUES:
 * its throughput-sized chunks reach 6 rows of 224 x 224 x 3); one-pass methods take the whole input.
 */
export const CHUNK_VALUES = 2 ** 20;

/** The share of the free memory (os.freemem()) the touch may grow the heap to at most. */
export const FREEMEM_SHARE = 0.5;

/**
 * The WASM heap `interp attribute` is estimated to reach at its peak for `work` (bytes; see
 * {@link PEAK_HEAP_FIT}): e.g. 491 MiB for IG on ResNet-18 with 2 images and 50 steps.
 *
 * @example
 * ```ts
 * estimatePeakHeap({ weightBytes: 46733654, inputValues: 2 * 150528, passes: 50 }); // 515 MB
 * ```
 */
export function estimatePeakHeap(work: HeapWork): number {
  const chunkValues =
    work.passes > 1 ? Math.min(work.inputValues * work.passes, CHUNK_VALUES) : work.inputValues;
  const { base, perWeightByte, perChunkValue } = PEAK_HEAP_FIT;
  return Math.round(base + perWeightByte * work.weightBytes + perChunkValue * chunkValues);
}

interface CoreLike {
  prefaultWasmMemory(bytes: number, options?: { nice?: number }): PrefaultHandle;
}

/** A started (or skipped) touch of the heap's fresh pages; see {@link startPrefault}. */
export interface Prefault {
  /** Stops the touch (after the backend is up and the worker started, if it did); the pages touched. */
  stop(): Promise<number>;
  /** The attribution starts: INTERP_PREFAULT=until-work stops the touch here (a bench arm). */
  workStarts(): void;
}

/** `INTERP_PREFAULT` values that start the touch (anything else, or unset, leaves it off). */
export const PREFAULT_MODES = ['on', 'nice', 'until-work'] as const;

/**
 * Starts core's prefaultWasmMemory once `backend` is up on threads (its memory is then shared),
 * sized by {@link estimatePeakHeap} and at most {@link FREEMEM_SHARE} of the free memory, when
 * `env.INTERP_PREFAULT` asks for it: `on` (touch until the command ends), `nice` (the same at
 * niceness 19: only on an otherwise idle core), `until-work` (stop when the attribution starts).
 * Off by default: it moves the faults off the main thread but wins no clear wall time
 * (bench/prefault.bench.mjs, 2 threads, 5 interleaved pairs at load 1.4-2.4: ResNet-18 IG main
 * thread 131k -> 35k faults, its CPU 0.94x, wall 1.008x (faster in 4 of 5 pairs), process CPU
 * 1.07x; ResNet-18 saliency wall 0.93x (5 of 5), process CPU 1.11x; MobileNetV2 ONNX IG wall
 * 1.03x (1 of 5)): during IG the other core runs XNNPACK's matmuls, which the touch competes
 * with. Never throws: a backend that failed or a touch that could not start is no touch.
 *
 * @example
 * ```ts
 * const prefault = startPrefault(core, backend, { weightBytes, inputValues, passes });
 * // ... load the model, prefault.workStarts(), attribute ...
 * await prefault.stop();
 * ```
 */
export function startPrefault(
  core: CoreLike,
  backend: Promise<BackendInfo>,
  work: HeapWork,
  env: Record<string, string | undefined> = process.env,
): Prefault {
  const mode = env.INTERP_PREFAULT;
  if (!(PREFAULT_MODES as readonly (string | undefined)[]).includes(mode)) {
    return { stop: async () => 0, workStarts: () => {} };
  }
  const bytes = Math.min(estimatePeakHeap(work), Math.floor(FREEMEM_SHARE * freemem()));
  const handle = backend.then(
    (info) => {
      try {
        if (!info.threads) return undefined;
        return core.prefaultWasmMemory(bytes, mode === 'nice' ? { nice: 19 } : {});
      } catch {
        return undefined;
      }
    },
    () => undefined,
  );
  const stop = async () => (await (await handle)?.stop()) ?? 0;
  return {
    stop,
    workStarts: () => {
      if (mode === 'until-work') void stop();
    },
  };
}
