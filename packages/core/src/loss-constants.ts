/**
 * Probabilities are clipped to this before the log, so a zero probability gives a large finite
 * loss (`-ln(1e-12)` = 27.6) instead of Infinity. Every cross-entropy of interp uses it.
 *
 * @example
 * ```ts
 * -Math.log(Math.max(p, PROBABILITY_EPSILON));
 * ```
 */
export const PROBABILITY_EPSILON = 1e-12;
