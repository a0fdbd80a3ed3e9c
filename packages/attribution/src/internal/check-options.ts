import { InterpError } from '@interp/core';

/** Checks `nSamples` against 1..max. */
export function checkSampleCount(value: unknown, max: number, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: nSamples must be an integer in 1..${max}, got ${String(value)}`,
    );
  }
  return value;
}

/** Checks a finite number >= 0 (> 0 when `positive`). */
export function checkNonNegative(value: unknown, name: string, positive = false): void {
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    (positive && value === 0)
  ) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${name} must be a finite number ${positive ? '> 0' : '>= 0'}, got ${String(value)}`,
    );
  }
}
