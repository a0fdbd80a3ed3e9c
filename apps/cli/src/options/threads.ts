import { MAX_THREADS } from '../limits.js';
import { UsageError } from '../usage-error.js';

/**
 * `--threads`' default: 1. Threads give the one-thread numbers to float rounding (core's
 * wasm-threads-node test), but a thread count other than the backend's current one rebuilds the
 * WASM backend, dropping every tensor of a process that already holds some (a program that calls
 * the CLI's `main` in-process), and starting the worker threads costs more than it saves on
 * small models. `--threads auto` uses every core.
 */
export const THREADS_DEFAULT = 1;

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
 * other descriptions start).
 *
 * @example
 * ```ts
 * threadsHelp(19); // '  --threads N|auto  WASM threads, ...'
 * ```
 */
export function threadsHelp(column: number): string {
  const pad = (s: string) => s.padEnd(column, ' ');
  return `${pad('  --threads N|auto')}WASM threads, 1 to ${MAX_THREADS} or auto (every core); default ${THREADS_DEFAULT}.
${pad('')}The numbers do not depend on it (to float rounding)
`;
}

/**
 * The `threads` option of setupBackend for a `--threads` value: `true` for `auto` (every core),
 * a whole number from 1 to {@link MAX_THREADS}, or {@link THREADS_DEFAULT} when not given; a
 * {@link UsageError} (one line, exit 2) for anything else.
 *
 * @example
 * ```ts
 * threadsOption('auto'); // true
 * threadsOption('2');    // 2
 * ```
 */
export function threadsOption(value: string | undefined): true | number {
  if (value === undefined) return THREADS_DEFAULT;
  if (value === 'auto') return true;
  if (/^[1-9][0-9]*$/.test(value) && Number(value) <= MAX_THREADS) return Number(value);
  throw new UsageError(
    `invalid --threads: ${JSON.stringify(value)}; expected auto or a whole number from 1 to ${MAX_THREADS}`,
  );
}
