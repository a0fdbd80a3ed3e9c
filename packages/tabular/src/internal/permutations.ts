import { createRng } from '@interp/core';
import type { PermutationImportanceResult } from '../feature-importance.js';
import { type FeatureColumns, meanAndStd } from './permutation-engine.js';

/**
 * The permutations scikit-learn applies to each column with a seeded RandomState, on our
 * generator: an index array shuffled in place before each repeat, and the column re-indexed by
 * it each time (so repeat r's column is the original through the composed permutations). Each
 * repeat is an independent uniform permutation of the rows.
 */
export function sklearnPermutations(seed: number, n: number, nRepeats: number): Int32Array[] {
  const rng = createRng(seed);
  const shuffling = new Int32Array(n);
  for (let i = 0; i < n; i++) shuffling[i] = i;
  let current = Int32Array.from(shuffling);
  const out: Int32Array[] = [];
  for (let r = 0; r < nRepeats; r++) {
    rng.shuffle(shuffling);
    const next = new Int32Array(n);
    for (let i = 0; i < n; i++) next[i] = current[shuffling[i]!]!;
    out.push(next);
    current = next;
  }
  return out;
}

/** Importances `[feature][repeat]` with their mean and population std. */
export function assemble(
  baselineScore: number,
  features: readonly FeatureColumns[],
  nRepeats: number,
  scoreOf: (feature: number, repeat: number) => number,
  scoring: string,
): PermutationImportanceResult {
  const importances = features.map((_, f) =>
    Array.from({ length: nRepeats }, (_, r) => baselineScore - scoreOf(f, r)),
  );
  const { mean, std } = meanAndStd(importances);
  return {
    baselineScore,
    features: features.map((f) => f.name),
    importancesMean: mean,
    importancesStd: std,
    importances,
    scoring,
  };
}
