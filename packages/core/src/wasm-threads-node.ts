import { InterpError } from './errors.js';
import { interceptPthreadWorkers, TFJS_PTHREAD_POOL_SIZE } from './lazy-pthread-workers.js';

/**
 * tfjs-backend-wasm 4.22 preloads 8 pthread workers and caps XNNPACK's pool there, so more
 * threads than this buy nothing.
 */
export const WASM_MAX_THREADS = TFJS_PTHREAD_POOL_SIZE;

interface NodeBuiltins {
  fs: typeof import('node:fs');
  os: typeof import('node:os');
  path: typeof import('node:path');
  crypto: typeof import('node:crypto');
  events: typeof import('node:events');
}

/** Node's built-in modules without a static `node:` import, so browser bundles never see one. */
function nodeBuiltins(): NodeBuiltins {
  const get = (
    globalThis as { process?: { getBuiltinModule?: <T>(name: string) => T } }
  ).process?.getBuiltinModule?.bind(globalThis.process);
  if (get === undefined) {
    throw new InterpError(
      'BACKEND',
      'WASM threads outside the browser need Node >= 20.16 (process.getBuiltinModule); use threads: false or upgrade Node',
    );
  }
  return {
    fs: get('node:fs'),
    os: get('node:os'),
    path: get('node:path'),
    crypto: get('node:crypto'),
    events: get('node:events'),
  };
}

/** True in Node (and Deno/Bun's Node mode), where tfjs-backend-wasm refuses its threaded build. */
export function isNodeRuntime(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/**
 * The thread count to ask for in Node: `true` means every core, a number is capped at the cores
 * (`os.availableParallelism()`) and at {@link WASM_MAX_THREADS}; a bad number is an {@link InterpError}.
 *
 * @example
 * ```ts
 * nodeWasmThreadCount(true); // 2 on a 2-core machine
 * ```
 */
export function nodeWasmThreadCount(requested: true | number): number {
  const cores = nodeBuiltins().os.availableParallelism();
  return Math.min(requested === true ? cores : checkThreads(requested), cores);
}

/**
 * `requested` threads if it is a whole number >= 1, capped at {@link WASM_MAX_THREADS}; an
 * {@link InterpError} otherwise.
 *
 * @example
 * ```ts
 * checkThreads(16); // 8
 * ```
 */
export function checkThreads(requested: number): number {
  if (!(Number.isInteger(requested) && requested >= 1)) {
    throw new InterpError(
      'BACKEND',
      `threads must be true, false or a whole number >= 1, got ${String(requested)}; e.g. threads: 2`,
    );
  }
  return Math.min(requested, WASM_MAX_THREADS);
}

function writeOnce(dir: string, text: string, b: NodeBuiltins): string {
  const hash = b.crypto.createHash('sha256').update(text).digest('hex').slice(0, 20);
  const file = b.path.join(dir, `${hash}.cjs`);
  if (!b.fs.existsSync(file)) {
    // Rename is atomic: concurrent processes never read a half-written script.
    const tmp = `${file}.${process.pid}.tmp`;
    b.fs.writeFileSync(tmp, text);
    b.fs.renameSync(tmp, file);
  }
  return file;
}

/**
 * Lets tfjs-backend-wasm 4.22 start its threaded SIMD build in Node with `threads` XNNPACK
 * threads. Call it just before `tf.setBackend('wasm')` (with `WASM_HAS_MULTITHREAD_SUPPORT` set
 * and `setThreadsCount(threads)` called) and call the returned function once `tf.ready()`
 * settles. Three things stand in the way, each undone by the returned function:
 * - tfjs hands Emscripten the pthread worker script and its own factory as `Blob`s: Node's
 *   `worker_threads` cannot start a `blob:` URL, so while this is active `Blob`s remember their
 *   text and `URL.createObjectURL` writes them to a content-named file in the temp folder, the
 *   worker script prefixed with the globals tfjs's Node bundle closes over (`require$$0..4`,
 *   `commonjsGlobal`) and a `URL.createObjectURL` that returns the factory's file;
 * - tfjs's C++ caps the pool at `emscripten_num_logical_cores() / 2` (`os.cpus().length / 2` in
 *   Node, assuming hyper-threading), so `os.cpus()` reports `2 * threads` entries until then;
 * - Emscripten boots 8 pooled pthread workers (~0.4 s of CPU each) though XNNPACK's pool runs on
 *   `threads - 1`: {@link interceptPthreadWorkers} makes the others stand-ins that boot only if a
 *   pthread ever lands on them (unless `lazyPthreadWorkers.enabled` is false).
 *
 * @example
 * ```ts
 * tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
 * wasm.setThreadsCount(2);
 * const restore = prepareNodeWasmThreads(2);
 * try { await tf.setBackend('wasm'); await tf.ready(); } finally { restore(); }
 * ```
 */
export function prepareNodeWasmThreads(threads: number): () => void {
  const b = nodeBuiltins();
  const dir = b.path.join(b.os.tmpdir(), 'interp-wasm-threads');
  b.fs.mkdirSync(dir, { recursive: true });
  const OriginalBlob = globalThis.Blob;
  const originalCreate = URL.createObjectURL;
  const originalCpus = b.os.cpus;
  const texts = new WeakMap<Blob, string>();
  let factoryFile: string | undefined;
  function RememberingBlob(parts?: BlobPart[], options?: BlobPropertyBag): Blob {
    const blob = new OriginalBlob(parts, options);
    if (parts?.every((p) => typeof p === 'string')) {
      const text = parts.join('');
      texts.set(blob, text);
      if (text.startsWith('var WasmBackendModuleThreadedSimd'))
        factoryFile = writeOnce(dir, text, b);
    }
    return blob;
  }
  globalThis.Blob = RememberingBlob as unknown as typeof Blob;
  URL.createObjectURL = (obj: Blob | MediaSource): string => {
    const text = texts.get(obj as Blob);
    if (text === undefined || factoryFile === undefined) return originalCreate(obj as Blob);
    const prelude =
      '"use strict";Object.assign(globalThis,{commonjsGlobal:globalThis,require$$0:require("fs"),' +
      'require$$1:require("path"),require$$3:require("perf_hooks"),require$$4:require("os")});' +
      `URL.createObjectURL=function(){return ${JSON.stringify(factoryFile)}};URL.revokeObjectURL=function(){};\n`;
    return writeOnce(dir, prelude + text, b);
  };
  b.os.cpus = () => {
    const cpus = originalCpus();
    return Array.from({ length: 2 * threads }, (_, i) => cpus[i % cpus.length] as (typeof cpus)[0]);
  };
  const restoreWorker = interceptPthreadWorkers(threads - 1, b.events.EventEmitter);
  return () => {
    restoreWorker();
    globalThis.Blob = OriginalBlob;
    URL.createObjectURL = originalCreate;
    b.os.cpus = originalCpus;
  };
}
