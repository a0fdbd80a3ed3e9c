import { isInterpError } from '@interp/core/base';
import { expect } from 'vitest';

/** Runs `fn`, expects an InterpError with `code`, and returns its message for further checks. */
export function interpErrorOf(fn: () => unknown, code?: string): string {
  try {
    fn();
  } catch (e) {
    expect(isInterpError(e), `expected an InterpError, got ${String(e)}`).toBe(true);
    if (code !== undefined) expect((e as { code: string }).code).toBe(code);
    return (e as Error).message;
  }
  throw new Error('expected an InterpError, but nothing was thrown');
}

/** Async variant of {@link interpErrorOf}. */
export async function interpErrorOfAsync(
  fn: () => Promise<unknown>,
  code?: string,
): Promise<string> {
  try {
    await fn();
  } catch (e) {
    expect(isInterpError(e), `expected an InterpError, got ${String(e)}`).toBe(true);
    if (code !== undefined) expect((e as { code: string }).code).toBe(code);
    return (e as Error).message;
  }
  throw new Error('expected an InterpError, but nothing was thrown');
}

/** The elements of one Plot mark group, found by its aria-label (e.g. 'cell', 'text'). */
export function markGroup(svg: Element, label: string): Element[] {
  return Array.from(svg.querySelectorAll(`g[aria-label="${label}"]`));
}
