/**
 * Defaults of the four {@link ModelDebugger} checks, written once.
 *
 * @example
 * ```ts
 * modelDebuggerDefaults.deadNeurons.threshold; // a unit is dead when it never outputs more
 * ```
 */
export const modelDebuggerDefaults = Object.freeze({
  gradientFlow: Object.freeze({
    nBatches: 3,
    dsIdx: 0,
    vanishingThreshold: 1e-7,
    explodingThreshold: 1e3,
  } as const),
  deadNeurons: Object.freeze({ dsIdx: 1, threshold: 0 } as const),
  weightDistribution: Object.freeze({ bins: 30, hugeThreshold: 100 } as const),
} as const);
