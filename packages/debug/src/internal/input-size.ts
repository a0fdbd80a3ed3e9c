import { InterpError } from '@interp/core';
import { describe } from '@interp/core/internal';

/**
 * `inputSize` with the batch axis (given in full, or without it: batch 1 is added), checked
 * against the model's input shape `expected` (null = any size). `example` shows a valid size in
 * the message; `note` follows the expected shape (a graph's layout).
 */
export function withBatchAxis(
  inputSize: readonly number[],
  expected: readonly (number | null)[],
  example: string,
  note = '',
): number[] {
  if (!Array.isArray(inputSize) || !inputSize.every((d) => Number.isInteger(d) && d > 0)) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid inputSize: ${Array.isArray(inputSize) ? JSON.stringify(inputSize) : describe(inputSize)}; expected the input shape as positive integers, e.g. ${example}`,
    );
  }
  const full = inputSize.length === expected.length - 1 ? [1, ...inputSize] : [...inputSize];
  const fits =
    full.length === expected.length && expected.every((d, i) => d === null || d === full[i]);
  if (!fits) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `inputSize [${inputSize.join(', ')}] does not fit the model's input [${expected.map((d) => d ?? 'batch').join(', ')}]${note}`,
    );
  }
  return full;
}
