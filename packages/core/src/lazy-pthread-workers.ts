import { InterpError } from './errors.js';

/** Workers tfjs-backend-wasm 4.22's Emscripten runtime creates at start-up (`PTHREAD_POOL_SIZE`). */
export const TFJS_PTHREAD_POOL_SIZE = 8;

/**
 * Whether {@link interceptPthreadWorkers} boots only the pthread workers XNNPACK runs on (on by
 * default; benchmarks turn it off in a fresh process to time tfjs's own eight workers).
 *
 * @example
 * ```ts
 * lazyPthreadWorkers.enabled = false; // the next threaded setupBackend boots all 8 workers
 * ```
 */
export const lazyPthreadWorkers = { enabled: true };

type NodeWorker = import('node:worker_threads').Worker;
type WorkerClass = new (url: string | URL, options?: object) => NodeWorker;
type EmitterClass = typeof import('node:events').EventEmitter;
type Message = { cmd?: unknown } | null | undefined;

/**
 * A stand-in for one of Emscripten's pooled pthread workers: it answers the `load` message with
 * `loaded` at once, and boots the real worker only when a pthread is started on it (it then
 * forwards the remembered `load` message and everything after, and the real worker's messages
 * back, except its own `loaded`, which Emscripten has had).
 */
function idleWorkerClass(Emitter: EmitterClass, Real: WorkerClass) {
  return class IdleWorker extends Emitter {
    private real: NodeWorker | undefined;
    private load: [unknown, unknown] | undefined;
    private refed = true;
    private loadedSwallowed = false;
    private terminating = false;

    constructor(
      private readonly url: string | URL,
      private readonly options?: object,
    ) {
      super();
    }

    postMessage(message: unknown, transfer?: unknown): void {
      if (this.real !== undefined) {
        this.real.postMessage(message, transfer as never);
        return;
      }
      if (this.load === undefined && (message as Message)?.cmd === 'load') {
        this.load = [message, transfer];
        queueMicrotask(() => this.emit('message', { cmd: 'loaded' }));
        return;
      }
      this.boot().postMessage(message, transfer as never);
    }

    /** Starts the real worker (synchronously, so a pthread started from a blocked main thread
     * still gets it: the worker's load handler instantiates the module before it reads `run`). */
    private boot(): NodeWorker {
      const real = new Real(this.url, this.options);
      this.real = real;
      if (!this.refed) real.unref();
      real.on('message', (data: Message) => {
        if (this.load !== undefined && !this.loadedSwallowed && data?.cmd === 'loaded') {
          this.loadedSwallowed = true;
          return;
        }
        this.emit('message', data);
      });
      real.on('error', (e: Error) => this.emit('error', bootError(e.message, e)));
      real.on('exit', (code: number) => {
        if (this.load !== undefined && !this.loadedSwallowed && !this.terminating)
          this.emit('error', bootError(`it exited with code ${code} before loading`));
        this.emit('exit', code);
      });
      if (this.load !== undefined) real.postMessage(...(this.load as [unknown, never]));
      return real;
    }

    ref(): void {
      this.refed = true;
      this.real?.ref();
    }

    unref(): void {
      this.refed = false;
      this.real?.unref();
    }

    terminate(): Promise<number> {
      this.terminating = true;
      return this.real?.terminate() ?? Promise.resolve(0);
    }
  };
}

function bootError(why: string, cause?: unknown): InterpError {
  return new InterpError(
    'BACKEND',
    `a WASM pthread worker started on demand failed (${why}); set lazyPthreadWorkers.enabled = false or use threads: 1`,
    { cause },
  );
}

/**
 * While active, the `Worker` class Emscripten assigns to `globalThis.Worker` (tfjs-backend-wasm's
 * Node bundle sets it to `worker_threads.Worker`) is wrapped so that of the
 * {@link TFJS_PTHREAD_POOL_SIZE} pooled workers only the last `realWorkers` created are real
 * Node workers (each ~0.4 s of CPU to boot). Emscripten's `getNewWorker` pops the pool's end, and
 * XNNPACK's pool of N threads starts N - 1 pthreads, so `realWorkers = threads - 1` boots exactly
 * the workers that run; any other worker a pthread lands on boots then. Returns the function that
 * puts `globalThis.Worker` back (as the class assigned, like tfjs leaves it). A no-op when
 * {@link lazyPthreadWorkers} is off.
 *
 * @example
 * ```ts
 * const restore = interceptPthreadWorkers(1, require('node:events').EventEmitter);
 * try { await tf.setBackend('wasm'); await tf.ready(); } finally { restore(); }
 * ```
 */
export function interceptPthreadWorkers(realWorkers: number, Emitter: EmitterClass): () => void {
  if (!(Number.isInteger(realWorkers) && realWorkers >= 0)) {
    throw new InterpError(
      'BACKEND',
      `realWorkers must be a whole number >= 0 (threads - 1), got ${String(realWorkers)}; e.g. 1 for 2 threads`,
    );
  }
  if (!lazyPthreadWorkers.enabled) return () => {};
  const original = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  let assigned: unknown = original?.get ? original.get.call(globalThis) : original?.value;
  let wrapped: unknown;
  let wasSet = false;
  const idle = Math.max(0, TFJS_PTHREAD_POOL_SIZE - realWorkers);
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => wrapped ?? assigned,
    set(value: unknown) {
      wasSet = true;
      assigned = value;
      if (typeof value !== 'function') {
        wrapped = undefined;
        return;
      }
      const Real = value as WorkerClass;
      const IdleWorker = idleWorkerClass(Emitter, Real);
      let created = 0;
      // Called with `new`: the object returned is the one `new` yields.
      wrapped = function PooledWorker(url: string | URL, options?: object) {
        return created++ < idle ? new IdleWorker(url, options) : new Real(url, options);
      };
    },
  });
  return () => {
    if (!wasSet) {
      if (original === undefined) delete (globalThis as { Worker?: unknown }).Worker;
      else Object.defineProperty(globalThis, 'Worker', original);
      return;
    }
    // As a plain assignment would have left it.
    Object.defineProperty(globalThis, 'Worker', {
      value: assigned,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  };
}
