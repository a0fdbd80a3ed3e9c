import { isInterpError } from '@interp/core';
import { expect } from 'vitest';

/** Runs `fn` and returns the InterpError it throws (failing the test otherwise). */
export async function interpErrorOf(fn: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await fn();
  } catch (e) {
    expect(isInterpError(e), String(e)).toBe(true);
    return e as { code: string; message: string };
  }
  throw new Error('expected an InterpError, but nothing was thrown');
}

/** Like interpErrorOf, for synchronous code. */
export function interpErrorOfSync(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect(isInterpError(e), String(e)).toBe(true);
    return e as { code: string; message: string };
  }
  throw new Error('expected an InterpError, but nothing was thrown');
}
