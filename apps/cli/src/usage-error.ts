/**
 * A mistake in how the command was called (missing or unknown option, bad value). `main` prints
 * its message as one line and exits with code 2, as for an InterpError.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
