/**
 * The kinds of failure interp reports. Every error a public function throws is an
 * {@link InterpError} with one of these codes, so callers can branch on `err.code`.
 */
export type InterpErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_OPTION'
  | 'SHAPE_MISMATCH'
  | 'LABEL_OUT_OF_RANGE'
  | 'NON_FINITE'
  | 'EMPTY_INPUT'
  | 'K_OUT_OF_RANGE'
  | 'UNKNOWN_LAYER'
  | 'BACKEND'
  | 'IO'
  | 'PARSE'
  | 'NOT_SUPPORTED';

/**
 * The one error type of interp. Its message says what was wrong and how to fix it.
 *
 * @example
 * ```ts
 * try { interp.topLosses(1e9); } catch (e) { if (e instanceof InterpError) console.log(e.code); }
 * ```
 */
export class InterpError extends Error {
  override readonly name = 'InterpError';
  readonly code: InterpErrorCode;

  constructor(code: InterpErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** True when `e` is an {@link InterpError} (also across package copies, by name and code). */
export function isInterpError(e: unknown): e is InterpError {
  return (
    e instanceof InterpError ||
    (e instanceof Error && e.name === 'InterpError' && typeof (e as InterpError).code === 'string')
  );
}
