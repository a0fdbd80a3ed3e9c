import * as tf from '@tensorflow/tfjs-core';
import { InterpError } from './errors.js';
import { registerGradients } from './gradients/register-gradients.js';
import { dropAbsentBatchNormInputs } from './kernels/drop-absent-batch-norm-inputs.js';
import { registerWasmKernels } from './kernels/register-wasm-kernels.js';
import { reserveWasmMemory } from './kernels/reserve-wasm-memory.js';
import {
  checkThreads,
  isNodeRuntime,
  nodeWasmThreadCount,
  prepareNodeWasmThreads,
} from './wasm-threads-node.js';

/** What {@link setupBackend} ended up with. */
export interface BackendInfo {
  /** The active tfjs backend, for example `'wasm'` or `'cpu'`. */
  backend: string;
  /** WASM SIMD in use (false on non-wasm backends). */
  simd: boolean;
  /** WASM threads in use (false on non-wasm backends). */
  threads: boolean;
  /**
   * Threads the backend computes with: XNNPACK's pool size on threaded WASM, else 1. In Node it is
   * 1 unless `threads` asked for more (see {@link prepareNodeWasmThreads} for how the threaded
   * build is started there).
   */
  threadCount: number;
  /** True when the requested backend could not start and cpu was used instead. */
  fellBack: boolean;
}

export interface SetupBackendOptions {
  /**
   * WASM threads: `true` for every core (capped at 8), a number for that many (capped at the
   * cores), `false` for one. Default: `true` in browsers (when cross-origin isolated), one thread
   * in Node, where asking for threads starts the threaded SIMD build on worker_threads with the
   * same numbers as one thread. Node can change it by calling again: that re-creates the WASM
   * backend, so tensors it holds are lost.
   */
  threads?: boolean | number;
  /** Where the browser finds the `.wasm` files (passed to tfjs's `setWasmPaths`). */
  wasmPaths?: string | Record<string, string>;
  /**
   * Bytes of WASM memory to reserve up front (default none), so that the first real-size call
   * does not pay for growing memory; e.g. `512 * 2 ** 20` for attribution on 224 x 224 images.
   */
  reserveMemory?: number;
  /** Called instead of `console.warn` with the one-line fallback warning. */
  warn?: (message: string) => void;
}

let info: BackendInfo | undefined;

/**
 * Selects the compute backend: WASM with SIMD by default, falling back to cpu with a one-line
 * warning. Registers the kernels tfjs's WASM backend lacks (conv and depthwise-conv backprops,
 * UnsortedSegmentSum) and the gradient functions, so training and attribution of conv nets run on
 * WASM. Call it once before anything else; calling it again switches backend.
 *
 * @example
 * ```ts
 * const info = await setupBackend(); // { backend: 'wasm', simd: true, threads: false, threadCount: 1, fellBack: false }
 * ```
 */
export async function setupBackend(
  name: 'wasm' | 'cpu' | (string & {}) = 'wasm',
  options: SetupBackendOptions = {},
): Promise<BackendInfo> {
  const { threads, wasmPaths, reserveMemory, warn = (m: string) => console.warn(m) } = options;
  if (reserveMemory !== undefined && !(Number.isInteger(reserveMemory) && reserveMemory >= 0)) {
    throw new InterpError(
      'BACKEND',
      `reserveMemory must be a whole number of bytes >= 0, got ${String(reserveMemory)}; e.g. 512 * 2 ** 20`,
    );
  }
  // tfjs-layers registers the gradient functions of every op (tfjs-core alone registers none in Node).
  await import('@tensorflow/tfjs-layers');
  // Ours replace some of those (BatchNorm without Tile, and without the scale: false crash).
  registerGradients();
  await import('@tensorflow/tfjs-backend-cpu');
  dropAbsentBatchNormInputs('cpu');
  if (name === 'wasm') {
    const node = isNodeRuntime();
    // Checked before the fallback below, so a bad count is an error, not a silent cpu.
    const count =
      threads === false
        ? 1
        : node
          ? threads === undefined
            ? 1
            : nodeWasmThreadCount(threads)
          : threads === undefined || threads === true
            ? -1
            : checkThreads(threads);
    try {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (wasmPaths !== undefined) wasm.setWasmPaths(wasmPaths as string);
      let restore = (): void => {};
      if (node) {
        if (tf.findBackend('wasm') !== null && wasm.getThreadsCount() !== count)
          recreateWasmBackend();
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', count > 1);
        if (count > 1) restore = prepareNodeWasmThreads(count);
      } else if (threads === false) {
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      }
      // -1 is tfjs's "as many as the browser reports".
      wasm.setThreadsCount(count);
      registerWasmKernels();
      dropAbsentBatchNormInputs('wasm');
      try {
        if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
        await tf.ready();
      } finally {
        restore();
      }
      // An evaluation of the flag started before ours (tfjs's default says false in Node) may
      // land after our set; the module tfjs built is what counts.
      if (node) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', count > 1);
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      const mt = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
      const threadCount = mt ? wasm.getThreadsCount() : 1;
      if (reserveMemory !== undefined && reserveMemory > 0) reserveWasmMemory(reserveMemory);
      info = { backend: 'wasm', simd, threads: mt, threadCount, fellBack: false };
      return info;
    } catch (e) {
      warn(`interp: WASM backend unavailable (${(e as Error).message.split('\n')[0]}); using cpu`);
      await tf.setBackend('cpu');
      await tf.ready();
      info = { backend: 'cpu', simd: false, threads: false, threadCount: 1, fellBack: true };
      return info;
    }
  }
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new InterpError(
      'BACKEND',
      `backend '${name}' is not registered; import its package first or use 'wasm' or 'cpu'`,
    );
  }
  dropAbsentBatchNormInputs(name);
  await tf.ready();
  info = { backend: name, simd: false, threads: false, threadCount: 1, fellBack: false };
  return info;
}

/** Drops the initialized WASM backend and registers its factory again, so the next
 * `tf.setBackend('wasm')` builds a fresh instance with the current thread settings. */
function recreateWasmBackend(): void {
  const engine = tf.engine() as unknown as {
    registryFactory: Record<string, { factory: () => tf.KernelBackend; priority: number }>;
  };
  const entry = engine.registryFactory.wasm;
  if (entry === undefined) return;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', entry.factory, entry.priority);
}

/**
 * Which backend is active, and whether WASM SIMD and threads are on.
 *
 * @example
 * ```ts
 * await setupBackend();
 * getBackendInfo().simd; // true on Node 20 and current browsers
 * ```
 */
export function getBackendInfo(): BackendInfo {
  const backend = tf.getBackend();
  if (info && info.backend === backend) return { ...info };
  return {
    backend: backend ?? 'none',
    simd: false,
    threads: false,
    threadCount: 1,
    fellBack: false,
  };
}
