import { InterpError } from '@interp/core/base';
import { MAX_THREADS } from '../limits.js';
import { UsageError } from '../usage-error.js';

/**
 * `--threads`' default for small work: 1. Starting the threaded WASM build (2 pthread workers)
 * cost ~0.6-0.8 s more than the one-thread build (measured at load ~5 on 2 cores), which small
 * models never win back.
 */
export const THREADS_DEFAULT = 1;

/**
 * The estimated work ({@link ThreadsWork}: weight bytes x input values x passes) from which
 * `--threads`' default is every core. Measured whole-process at load ~5 on 2 cores: ResNet-18
 * (46.7 MB) saliency on 2 images (1.4e13) took the same time on 2 threads as on 1, its IG
 * (50 steps, 7e14) 2 threads won by a quarter; the demo's MNIST CNN (82 kB) lost on 2 threads
 * with saliency and IG on 2 images (1e8, 6e9) and saliency on 256 (1.6e10), and won by ~10% with
 * IG on 256 images (8e14).
 */
export const AUTO_THREADS_MIN_WORK = 1e13;

/** What `--threads`' default is decided from: all known before the backend starts. */
export interface ThreadsWork {
  /** The model's weight bytes (the .onnx file's size, or the weights manifest's total). */
  weightBytes: number;
  /** Values in the input (items x values per item). */
  inputValues: number;
  /** Passes over the input the method makes (IG's steps, SmoothGrad's samples; else 1). */
  passes: number;
}

/** The WASM backend a program set up already (core's getBackendInfo()), if any. */
export interface CurrentBackend {
  backend: string;
  threadCount: number;
}

/**
 * The `--threads` option spec, spread into the OPTIONS of each command that runs a model
 * (attribute, report, importance); its value is checked by {@link threadsOption}.
 *
 * @example
 * ```ts
 * const OPTIONS = { model: { type: 'string' }, ...threadsOptionSpec } as const;
 * ```
 */
export const threadsOptionSpec = { threads: { type: 'string' } } as const;

/**
 * The help lines of `--threads`, the description starting at `column` (where the command's
 * other descriptions start). `sized`: the command picks its default from the work
 * ({@link defaultThreads}); otherwise the default is {@link THREADS_DEFAULT}.
 *
 * @example
 * ```ts
 * threadsHelp(19, true); // '  --threads N|auto  WASM threads, ...'
 * ```
 */
export function threadsHelp(column: number, sized = false): string {
  const pad = (s: string) => s.padEnd(column, ' ');
  const fallback = sized
    ? `default auto for large work
${pad('')}(model weight bytes x input values x steps or samples >= ${AUTO_THREADS_MIN_WORK},
${pad('')}e.g. ResNet-18 on 2 images), else ${THREADS_DEFAULT}, or the thread count of a WASM
${pad('')}backend the calling program set up`
    : `default ${THREADS_DEFAULT}`;
  return `${pad('  --threads N|auto')}WASM threads, 1 to ${MAX_THREADS} or auto (every core); ${fallback}.
${pad('')}The numbers do not depend on it (to float rounding)
`;
}

/**
 * The `threads` option of setupBackend for a `--threads` value: `true` for `auto` (every core),
 * a whole number from 1 to {@link MAX_THREADS}, or undefined when not given (the command then
 * picks one: {@link defaultThreads} or {@link THREADS_DEFAULT}); a {@link UsageError} (one line,
 * exit 2) for anything else.
 *
 * @example
 * ```ts
 * threadsOption('auto'); // true
 * threadsOption('2');    // 2
 * ```
 */
export function threadsOption(value: string | undefined): true | number | undefined {
  if (value === undefined) return undefined;
  if (value === 'auto') return true;
  if (/^[1-9][0-9]*$/.test(value) && Number(value) <= MAX_THREADS) return Number(value);
  throw new UsageError(
    `invalid --threads: ${JSON.stringify(value)}; expected auto or a whole number from 1 to ${MAX_THREADS}`,
  );
}

/**
 * `--threads`' default: the thread count of a WASM backend the calling program already set up
 * (a different count would rebuild it, dropping its tensors); else `true` (every core) when the
 * estimated work is at least {@link AUTO_THREADS_MIN_WORK}, else {@link THREADS_DEFAULT}.
 * An {@link InterpError} for a negative or non-finite estimate.
 *
 * @example
 * ```ts
 * defaultThreads({ weightBytes: 46.7e6, inputValues: 2 * 3 * 224 * 224, passes: 50 }, { backend: 'none', threadCount: 1 }); // true
 * defaultThreads({ weightBytes: 82e3, inputValues: 2 * 28 * 28, passes: 50 }, { backend: 'none', threadCount: 1 });       // 1
 * ```
 */
export function defaultThreads(work: ThreadsWork, current: CurrentBackend): true | number {
  for (const [name, v] of Object.entries(work)) {
    if (!(Number.isFinite(v) && v >= 0)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `defaultThreads: ${name} must be a finite number >= 0, got ${String(v)}; pass 0 when it is not known`,
      );
    }
  }
  if (current.backend === 'wasm') return current.threadCount;
  const estimate = work.weightBytes * work.inputValues * work.passes;
  return estimate >= AUTO_THREADS_MIN_WORK ? true : THREADS_DEFAULT;
}
