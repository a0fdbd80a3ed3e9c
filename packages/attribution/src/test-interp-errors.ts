// The bad-input checks the attribution tests share: each case must fail with an InterpError whose
// message matches its pattern. Test-only (excluded from builds).
import { isInterpError } from '@interp/core';
import { expect } from 'vitest';

/** A bad-input case: the call and the pattern its InterpError's message must match. */
export type InterpErrorCase<R = unknown> = readonly [() => R, RegExp];

function expectInterpError(error: unknown, pattern: RegExp): void {
  expect(isInterpError(error), String(error)).toBe(true);
  expect((error as Error).message).toMatch(pattern);
}

/**
 * Each call throws (synchronously) an InterpError whose message matches its pattern.
 *
 * @example
 * ```ts
 * expectInterpErrors([[() => approximationParameters('riemann_left', 0), /nSteps/]]);
 * ```
 */
export function expectInterpErrors(cases: readonly InterpErrorCase[]): void {
  for (const [fn, pattern] of cases) {
    let error: unknown;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    expectInterpError(error, pattern);
  }
}

/**
 * Each call returns a promise that rejects with an InterpError whose message matches its
 * pattern; a synchronous throw fails the test, since an async API must reject.
 *
 * @example
 * ```ts
 * await expectInterpRejections([[() => saliencyMap(model, x, { target: 9 }), /target/]]);
 * ```
 */
export async function expectInterpRejections(
  cases: readonly InterpErrorCase<Promise<unknown>>[],
): Promise<void> {
  for (const [p, pattern] of cases) {
    const e = await p().then(
      () => undefined,
      (err: unknown) => err,
    );
    expectInterpError(e, pattern);
  }
}
