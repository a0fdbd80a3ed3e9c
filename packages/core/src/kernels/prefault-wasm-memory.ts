import * as tf from '@tensorflow/tfjs-core';
import { InterpError } from '../errors.js';
import { isNodeRuntime } from '../wasm-threads-node.js';

/** The page size the touch steps by: the OS's (4 kB), not WebAssembly's 64 kB. */
export const PREFAULT_PAGE_BYTES = 4096;

interface WasmModuleLike {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
}

/** Options of {@link prefaultWasmMemory}. */
export interface PrefaultOptions {
  /**
   * The worker thread's niceness (-20..19; 19: it runs only on a core nothing else wants), set on
   * Linux through its thread id; elsewhere, or without the right to set it, it is ignored.
   * Default: the process's.
   */
  nice?: number;
}

/** A running (or finished) {@link prefaultWasmMemory}. */
export interface PrefaultHandle {
  /** First byte of the region the worker touches (the memory's size before it grew). */
  readonly start: number;
  /** End of the region (the memory's size after it grew); `start === end` when nothing is touched. */
  readonly end: number;
  /** Why nothing is touched, when nothing is: `'not-wasm'`, `'not-shared'`, `'no-worker'`, `'no-growth'`. */
  readonly skipped?: 'not-wasm' | 'not-shared' | 'no-worker' | 'no-growth';
  /** Resolves with the pages touched once the worker has finished or stopped (never rejects). */
  readonly done: Promise<number>;
  /** Asks the worker to stop after its current page; resolves as {@link done} does. */
  stop(): Promise<number>;
}

// The worker: CommonJS (an eval'd worker), one locked read-modify-write per page that never
// changes a byte (x | 0), so it is safe while the main thread allocates and writes the same
// pages. The flag is checked every 64 pages (~0.7 ms at a fresh page's ~11 us).
const WORKER_SOURCE = `"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const { buffer, start, end, page, flag, nice } = workerData;
if (nice !== undefined) {
  // Linux: setpriority on this thread's id (/proc/thread-self) sets this thread's niceness only.
  try {
    const tid = Number(require("node:fs").readlinkSync("/proc/thread-self").split("/").pop());
    require("node:os").setPriority(tid, nice);
  } catch {}
}
const view = new Int32Array(buffer, start, (end - start) >> 2);
const stop = new Int32Array(flag);
const step = page >> 2;
let pages = 0;
for (let i = 0; i < view.length; i += step) {
  if ((pages & 63) === 0 && Atomics.load(stop, 0) !== 0) break;
  Atomics.or(view, i, 0);
  pages++;
}
parentPort.postMessage(pages);
`;

interface WorkerLike {
  on(event: 'message', f: (pages: number) => void): unknown;
  on(event: 'error', f: (e: Error) => void): unknown;
  on(event: 'exit', f: (code: number) => void): unknown;
  unref(): void;
}

type WorkerConstructor = new (
  source: string,
  options: { eval: true; workerData: unknown },
) => WorkerLike;

/** Node's Worker without a static `node:` import, so browser bundles never see one. */
function nodeWorker(): WorkerConstructor | undefined {
  if (!isNodeRuntime()) return undefined;
  const get = (
    globalThis as { process?: { getBuiltinModule?: <T>(name: string) => T } }
  ).process?.getBuiltinModule?.bind(globalThis.process);
  return get?.<{ Worker: WorkerConstructor }>('node:worker_threads').Worker;
}

function skippedHandle(start: number, skipped: PrefaultHandle['skipped']): PrefaultHandle {
  const done = Promise.resolve(0);
  return { start, end: start, skipped, done, stop: () => done };
}

/**
 * Grows the WASM backend's memory to about `bytes` in all (by allocating and freeing a block of
 * `bytes` minus its current size through the module's own allocator, as reserveWasmMemory does,
 * so its views follow; when that block fits in the heap's free space nothing grows), then touches
 * every 4 kB page
 * of the new region from a worker thread, so that the OS's first-touch page faults (~11 us a page
 * in some VMs: 2.3 s for 800 MB) are paid on an idle core instead of inside the main thread's
 * kernels. It returns at once; the touch is an `Atomics.or(x, 0)` per page, which never changes a
 * value, so tensors the main thread writes meanwhile are intact. The worker never keeps the
 * process alive.
 *
 * Only a shared memory (the threaded build: a `SharedArrayBuffer`) can be touched from another
 * thread; on one thread, on another backend or outside Node (browsers: a Web Worker would need a
 * script URL; not done), nothing is grown or touched and the handle says why (`skipped`).
 *
 * @example
 * ```ts
 * await setupBackend('wasm', { threads: 2 });
 * const touch = prefaultWasmMemory(512 * 2 ** 20); // returns at once
 * // ... load the model, run attribution ...
 * await touch.stop(); // the pages touched so far
 * ```
 */
export function prefaultWasmMemory(bytes: number, options: PrefaultOptions = {}): PrefaultHandle {
  if (!(Number.isSafeInteger(bytes) && bytes >= 0)) {
    throw new InterpError(
      'BACKEND',
      `prefaultWasmMemory: bytes must be a whole number >= 0, got ${String(bytes)}; e.g. 512 * 2 ** 20`,
    );
  }
  const { nice } = options;
  if (nice !== undefined && !(Number.isInteger(nice) && nice >= -20 && nice <= 19)) {
    throw new InterpError(
      'BACKEND',
      `prefaultWasmMemory: nice must be a whole number from -20 to 19, got ${String(nice)}; e.g. 19 to touch only on an idle core`,
    );
  }
  if (tf.getBackend() !== 'wasm') return skippedHandle(0, 'not-wasm');
  const wasm = (tf.backend() as unknown as { wasm?: WasmModuleLike }).wasm;
  if (wasm === undefined) return skippedHandle(0, 'not-wasm');
  const before = wasm.HEAPU8.buffer;
  if (typeof SharedArrayBuffer === 'undefined' || !(before instanceof SharedArrayBuffer)) {
    return skippedHandle(before.byteLength, 'not-shared');
  }
  const Worker = nodeWorker();
  if (Worker === undefined) return skippedHandle(before.byteLength, 'no-worker');
  const start = before.byteLength;
  if (bytes > start) {
    const pointer = wasm._malloc(bytes - start);
    if (pointer !== 0) wasm._free(pointer);
  }
  const buffer = wasm.HEAPU8.buffer as SharedArrayBuffer;
  const end = buffer.byteLength;
  if (end <= start) return skippedHandle(start, 'no-growth');
  const flag = new SharedArrayBuffer(4);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { buffer, start, end, page: PREFAULT_PAGE_BYTES, flag, nice: options.nice },
  });
  worker.unref();
  const done = new Promise<number>((resolve) => {
    let pages = 0;
    worker.on('message', (n) => {
      pages = n;
    });
    worker.on('error', () => resolve(pages));
    worker.on('exit', () => resolve(pages));
  });
  return {
    start,
    end,
    done,
    stop: () => {
      Atomics.store(new Int32Array(flag), 0, 1);
      return done;
    },
  };
}
