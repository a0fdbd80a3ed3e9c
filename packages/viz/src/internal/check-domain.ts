import { InterpError } from '@interp/core/base';
import { describe } from '@interp/core/internal';

/**
 * Checks a `[low, high]` domain option (finite, low < high) and returns it; undefined passes
 * (the caller then derives the domain from the data). Shared by charts and image overlays.
 */
export function checkDomain(
  domain: readonly [number, number] | undefined,
  name: string,
): readonly [number, number] | undefined {
  if (domain === undefined) return undefined;
  if (
    !Array.isArray(domain) ||
    domain.length !== 2 ||
    !domain.every(Number.isFinite) ||
    !(domain[0] < domain[1])
  ) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid ${name}: ${Array.isArray(domain) ? JSON.stringify(domain) : describe(domain)}; expected [low, high] with low < high`,
    );
  }
  return domain;
}
