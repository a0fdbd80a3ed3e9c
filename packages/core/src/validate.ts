import { InterpError } from './errors.js';

/**
 * Checks a fixed-choice option, Plot-style: returns the value (or the default when undefined),
 * throws `invalid <name>: <value>` listing the choices otherwise.
 */
export function keyword<T extends string>(
  value: T | undefined,
  name: string,
  allowed: readonly T[],
  defaultValue?: T,
): T {
  if (value === undefined && defaultValue !== undefined) return defaultValue;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid ${name}: ${JSON.stringify(value)}; expected one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
    );
  }
  return value;
}

/** Checks that `value` is an integer in [min, max] and returns it. */
export function assertInteger(
  value: unknown,
  name: string,
  min = -Infinity,
  max = Infinity,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InterpError('INVALID_ARGUMENT', `${name} must be an integer, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    const range =
      max === Infinity ? `>= ${min}` : min === -Infinity ? `<= ${max}` : `in [${min}, ${max}]`;
    throw new InterpError('INVALID_ARGUMENT', `${name} must be ${range}, got ${value}`);
  }
  return value;
}

/** Checks that `value` is a finite number in [min, max] and returns it. */
export function assertNumber(
  value: unknown,
  name: string,
  min = -Infinity,
  max = Infinity,
): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${name} must be a finite number, got ${describe(value)}`,
    );
  }
  if (value < min || value > max) {
    throw new InterpError('INVALID_ARGUMENT', `${name} must be in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/** Throws SHAPE_MISMATCH unless the two lengths agree. */
export function assertSameLength(a: number, b: number, what: string): void {
  if (a !== b) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${what}: lengths differ (${a} vs ${b}); pass one value per item`,
    );
  }
}

/** Checks every entry of `labels` is an integer in [0, numClasses); returns nothing or throws LABEL_OUT_OF_RANGE. */
export function assertLabels(
  labels: ArrayLike<number>,
  numClasses: number,
  name = 'labels',
  ignoreIndex?: number,
): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (v === ignoreIndex) continue;
    if (!(v >= 0 && v < numClasses) || !Number.isInteger(v)) {
      throw new InterpError(
        'LABEL_OUT_OF_RANGE',
        `${name}[${i}] = ${v} is not a class index in 0..${numClasses - 1}; check the labels or pass a vocab with ${numClasses} or more classes`,
      );
    }
  }
}

/** Short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}
