// Our SIMD kernels on two threads: the main thread and one long-lived helper worker that
// instantiates the same compiled kernel modules on the threaded wasm backend's shared memory. A
// kernel whose last two parameters are a [start, end) range of independent work units (tile rows,
// say) is cut into chunks that both threads claim from one atomic counter, so the main thread
// never waits for the helper to wake (it takes every chunk itself if the helper is late) and the
// results are those of one call over the whole range, bit for bit. Node only (worker_threads); in
// browsers, on one thread or on non-shared memory the kernel runs whole on the calling thread.
import { InterpError } from '../errors.js';
import { isNodeRuntime } from '../wasm-threads-node.js';
import {
  type AnyKernel,
  bindKernel,
  isSharedMemory,
  type KernelSource,
  kernelModule,
  wasmMemoryOf,
} from './wasm-simd-module.js';

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;

/**
 * The switch and threshold. `enabled = false` (the default) runs every kernel whole on the calling
 * thread; `enabled = true` (or the environment variable `INTERP_PARALLEL_KERNELS=1`) splits them.
 * Off by default since no whole-process run showed a gain: `interp attribute --method ig` on
 * ResNet-18, 2 threads, 3 interleaved pairs at load ~2.5, took 13.2 s split against 12.8 s whole
 * (user CPU 20.6 against 19.5 s); at load 10-17 the per-pair ratio was 1.01; MobileNetV2's input
 * gradient was neutral with the depthwise scatter split. `minBytes`:
 * the smallest call (bytes read plus written) that is split. bench/parallel-kernels.bench.mjs
 * (load 11-15 on 2 cores): a 182 kB transform took 15.1 us split against 4.2 us whole, i.e. the
 * hand-off costs ~10 us, and a transform moves ~7-20 GB/s on one thread, so a split pays from a
 * few hundred us of work: 2 MB (every ResNet-18 3x3 transform at 224 px and 10 images). Test and
 * benchmark hooks: `splits` counts the calls offered to the helper, `helperChunks` the chunks it
 * computed; `helperFirst` makes a call wait (up to 5 s) for the helper to claim a chunk
 * before this thread claims any, so that a test sees both threads' chunks. Internal to @interp/core.
 */
export const parallelKernels = {
  enabled: env?.INTERP_PARALLEL_KERNELS === '1',
  minBytes: 2 ** 21,
  splits: 0,
  helperChunks: 0,
  helperFirst: false,
};

/** A kernel bound to the backend's memory: `args` then the range `[0, units)` is split. */
export type RangeKernel = (args: readonly number[], units: number, bytes: number) => void;

// The control block's i32 slots. CLAIM holds the job's tag (its sequence number, 20 bits) above
// the next unclaimed chunk (11 bits): a helper that wakes late for an old job cannot claim a
// chunk of a newer one.
const SEQ = 0;
const CLAIM = 1;
const FINISHED = 2;
const KERNEL = 3;
const UNITS = 4;
const CHUNKS = 5;
const FAILED = 6;
const POSTED = 7;
const HAS_MEMORY = 8;
const NARGS = 9;
const ARGS = 10;
const MAX_ARGS = 8;
const CHUNK_BITS = 11;
const TAG_MASK = 0xfffff;

/** Chunks per call: small enough for a short tail (the last chunk), large enough to claim cheaply. */
const MAX_CHUNKS = 16;
/** The helper drops its memory after this long without a job (it is the backend's heap). */
const IDLE_MS = 1000;
/** A helper chunk not done after this long means the helper is gone. */
const STUCK_MS = 60_000;

/** Chunk `i`'s units: [floor(i * units / chunks), floor((i + 1) * units / chunks)). */
const chunkStart = (i: number, units: number, chunks: number) => Math.floor((i * units) / chunks);

// The helper (CommonJS, an eval'd worker): it waits for a job, then claims chunks until none is
// left. Modules and the memory arrive as messages, drained synchronously when POSTED says so.
const WORKER_SOURCE = `"use strict";
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const { control, port } = workerData;
const c = new Int32Array(control);
const modules = [];
let memory;
let fns = [];
let received = 0;
function drain() {
  while (received < Atomics.load(c, ${POSTED})) {
    const m = receiveMessageOnPort(port);
    if (m === undefined) continue;
    received++;
    if (m.message.memory !== undefined) {
      memory = m.message.memory;
      fns = [];
    } else modules[m.message.id] = m.message;
  }
}
// 0, not the current SEQ: a job posted while this worker was starting is still claimable.
let seen = 0;
for (;;) {
  if (Atomics.wait(c, ${SEQ}, seen, memory === undefined ? Infinity : ${IDLE_MS}) === "timed-out") {
    if (Atomics.compareExchange(c, ${HAS_MEMORY}, 1, 0) === 1) { memory = undefined; fns = []; }
    continue;
  }
  seen = Atomics.load(c, ${SEQ});
  drain();
  const id = Atomics.load(c, ${KERNEL});
  const units = Atomics.load(c, ${UNITS});
  const chunks = Atomics.load(c, ${CHUNKS});
  const args = [];
  for (let a = Atomics.load(c, ${NARGS}), i = 0; i < a; i++) args.push(Atomics.load(c, ${ARGS} + i));
  let fn = fns[id];
  if (fn === undefined) {
    const m = modules[id];
    if (m === undefined || memory === undefined) continue;
    try {
      fn = fns[id] = new WebAssembly.Instance(m.module, { env: { memory } }).exports[m.name];
    } catch { continue; }
  }
  for (;;) {
    const v = Atomics.load(c, ${CLAIM});
    const i = v & ${(1 << CHUNK_BITS) - 1};
    if (v >>> ${CHUNK_BITS} !== seen || i >= chunks) break;
    if (Atomics.compareExchange(c, ${CLAIM}, v, v + 1) !== v) continue;
    let failed = false;
    try {
      fn(...args, Math.floor((i * units) / chunks), Math.floor(((i + 1) * units) / chunks));
    } catch {
      // One failed chunk per job (the main thread reruns it): claim no more.
      Atomics.store(c, ${FAILED}, i + 1);
      failed = true;
    }
    Atomics.add(c, ${FINISHED}, 1);
    Atomics.notify(c, ${FINISHED});
    if (failed) break;
  }
}
`;

interface PortLike {
  postMessage(message: unknown): void;
  unref?(): void;
}

interface WorkerThreads {
  Worker: new (
    source: string,
    options: { eval: true; workerData: unknown; transferList: unknown[] },
  ) => { unref(): void; on(event: 'error' | 'exit', f: () => void): unknown };
  MessageChannel: new () => { port1: PortLike; port2: unknown };
}

interface Helper {
  control: Int32Array;
  port: PortLike;
  seq: number;
  posted: number;
  /** The memory last posted (weakly: the backend may be gone). */
  memory?: WeakRef<WebAssembly.Memory>;
  ids: WeakMap<KernelSource, number>;
  nextId: number;
  broken: boolean;
}

let helper: Helper | null | undefined;

/** The helper, started at the first call that would split (null where there can be none). */
function getHelper(): Helper | null {
  if (helper !== undefined) return helper?.broken ? null : helper;
  helper = null;
  if (!isNodeRuntime() || typeof WeakRef === 'undefined') return null;
  const get = (
    globalThis as { process?: { getBuiltinModule?: <T>(name: string) => T } }
  ).process?.getBuiltinModule?.bind(globalThis.process);
  const threads = get?.<WorkerThreads>('node:worker_threads');
  const os = get?.<{ availableParallelism(): number }>('node:os');
  if (threads === undefined || os === undefined || os.availableParallelism() < 2) return null;
  try {
    const control = new SharedArrayBuffer(4 * (ARGS + MAX_ARGS));
    const { port1, port2 } = new threads.MessageChannel();
    const worker = new threads.Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { control, port: port2 },
      transferList: [port2],
    });
    // Never keeps the process alive; should it die, calls run whole on the main thread.
    worker.unref();
    port1.unref?.();
    const h: Helper = {
      control: new Int32Array(control),
      port: port1,
      seq: 0,
      posted: 0,
      ids: new WeakMap(),
      nextId: 0,
      broken: false,
    };
    const broken = () => {
      h.broken = true;
    };
    worker.on('error', broken);
    worker.on('exit', broken);
    helper = h;
  } catch {
    helper = null;
  }
  return helper;
}

function post(h: Helper, message: unknown): void {
  h.port.postMessage(message);
  h.posted++;
  Atomics.store(h.control, POSTED, h.posted);
}

/** Runs `local(...args, 0, units)` in chunks claimed by this thread and the helper. */
function runSplit(
  h: Helper,
  kernel: KernelSource,
  memory: WebAssembly.Memory,
  local: AnyKernel,
  args: readonly number[],
  units: number,
): void {
  const c = h.control;
  if (h.memory?.deref() !== memory || Atomics.load(c, HAS_MEMORY) === 0) {
    post(h, { memory });
    Atomics.store(c, HAS_MEMORY, 1);
    h.memory = new WeakRef(memory);
  }
  let id = h.ids.get(kernel);
  if (id === undefined) {
    const module = kernelModule(kernel, true);
    if (module === null) {
      local(...args, 0, units);
      return;
    }
    id = h.nextId++;
    h.ids.set(kernel, id);
    post(h, { id, module, name: kernel.name });
  }
  const chunks = Math.min(units, MAX_CHUNKS);
  h.seq = (h.seq + 1) & TAG_MASK;
  const tag = h.seq << CHUNK_BITS;
  // The new tag first: from here on a late helper's claim of the previous job fails.
  Atomics.store(c, CLAIM, tag);
  Atomics.store(c, FINISHED, 0);
  Atomics.store(c, FAILED, 0);
  Atomics.store(c, KERNEL, id);
  Atomics.store(c, UNITS, units);
  Atomics.store(c, CHUNKS, chunks);
  Atomics.store(c, NARGS, args.length);
  for (let i = 0; i < args.length; i++) Atomics.store(c, ARGS + i, args[i]!);
  Atomics.store(c, SEQ, h.seq);
  Atomics.notify(c, SEQ, 1);
  parallelKernels.splits++;
  if (parallelKernels.helperFirst) {
    const until = performance.now() + 5000;
    while (Atomics.load(c, CLAIM) === tag && performance.now() < until)
      Atomics.wait(c, CLAIM, tag, 1);
  }
  let mine = 0;
  let error: { thrown: unknown } | undefined;
  for (;;) {
    const v = Atomics.load(c, CLAIM);
    const i = v - tag;
    if (i >= chunks) break;
    if (Atomics.compareExchange(c, CLAIM, v, v + 1) !== v) continue;
    mine++;
    // After a throw the remaining chunks are still claimed (not run), so that the helper's
    // count below is exact and the helper is idle before the error leaves.
    if (error !== undefined) continue;
    try {
      local(...args, chunkStart(i, units, chunks), chunkStart(i + 1, units, chunks));
    } catch (thrown) {
      error = { thrown };
    }
  }
  const deadline = performance.now() + STUCK_MS;
  for (
    let done = Atomics.load(c, FINISHED);
    done < chunks - mine;
    done = Atomics.load(c, FINISHED)
  ) {
    Atomics.wait(c, FINISHED, done, 50);
    if (performance.now() > deadline) {
      h.broken = true;
      throw new InterpError(
        'BACKEND',
        `the parallel-kernel helper thread did not finish ${kernel.name} within ${STUCK_MS / 1000} s; set parallelKernels.enabled = false (INTERP_PARALLEL_KERNELS=0) to run our kernels on one thread`,
      );
    }
  }
  parallelKernels.helperChunks += chunks - mine;
  if (error !== undefined) throw error.thrown;
  const failed = Atomics.load(c, FAILED);
  // The helper's chunk trapped: run it here, which throws the same error (or, if the trap was
  // the helper's own, e.g. a memory it had not seen grow, computes the chunk).
  if (failed !== 0)
    local(...args, chunkStart(failed - 1, units, chunks), chunkStart(failed, units, chunks));
}

/** Whether the helper holds a wasm memory (it drops it after a second without a job). */
export function parallelHelperHoldsMemory(): boolean {
  return helper?.control !== undefined && Atomics.load(helper.control, HAS_MEMORY) === 1;
}

/**
 * `kernel`, whose last two parameters are a `[start, end)` range of independent work units (no
 * unit reads what another writes), bound to the wasm backend's memory; or undefined without
 * WebAssembly SIMD (as {@link bindKernel}). A call `run(args, units, bytes)` computes
 * `kernel(...args, 0, units)`: on the threaded build's shared memory in Node, with
 * `parallelKernels.enabled` and `bytes` (read plus written) at least `parallelKernels.minBytes`,
 * split across this thread and a helper worker (the results are the same bits); otherwise whole,
 * here. A helper that cannot start or has died leaves every call on this thread.
 *
 * @example
 * ```ts
 * const run = bindRangeKernel(source, tf.backend()); // source: (table, src, start, end) => ()
 * run?.([table, src], n * tilesH, bytesMoved);
 * ```
 */
export function bindRangeKernel(kernel: KernelSource, backend: unknown): RangeKernel | undefined {
  const local = bindKernel(kernel, backend);
  if (local === undefined) return undefined;
  const memory = wasmMemoryOf(backend) as WebAssembly.Memory;
  const shared = isSharedMemory(memory);
  return (args, units, bytes) => {
    if (!(Number.isInteger(units) && units >= 0) || args.length > MAX_ARGS)
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${kernel.name}: units must be a whole number >= 0 and args at most ${MAX_ARGS}, got ${units} units and ${args.length} args`,
      );
    const h =
      shared && parallelKernels.enabled && units >= 2 && bytes >= parallelKernels.minBytes
        ? getHelper()
        : null;
    if (h === null) local(...args, 0, units);
    else runSplit(h, kernel, memory, local, args, units);
  };
}
