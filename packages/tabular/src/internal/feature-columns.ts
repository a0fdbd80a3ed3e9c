import { type DataLoader, InterpError } from '@interp/core';
import { describe } from '@interp/core/internal';
import { isTabularDataLoader } from '../tabular-feature.js';

/** A feature (or group) as the columns that move together. */
export interface FeatureColumns {
  name: string;
  columns: number[];
}

/** What {@link resolveFeatures} takes from the caller. */
export interface FeatureOptions {
  /** Names of a plain loader's columns (default x0, x1, ...). */
  featureNames?: readonly string[] | undefined;
  /** Feature groups that move together: name -> feature names or column indices. */
  groups?: Readonly<Record<string, readonly (string | number)[]>> | undefined;
}

/**
 * The features to permute: a tabular loader's features (a continuous column with its `_na`
 * flag), else one per column named by `featureNames` or x0..x{F-1}; `groups` replaces them with
 * one entry per group.
 */
export function resolveFeatures(
  dl: DataLoader,
  nCols: number,
  { featureNames, groups }: FeatureOptions,
): FeatureColumns[] {
  let base: FeatureColumns[];
  if (isTabularDataLoader(dl)) {
    base = dl.features.map((f) => ({ name: f.name, columns: [...f.columns] }));
    const bad = base.flatMap((f) => f.columns).find((c) => c >= nCols);
    if (bad !== undefined) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `the loader's features name column ${bad} but its rows have ${nCols} columns`,
      );
    }
  } else if (featureNames !== undefined) {
    if (
      !Array.isArray(featureNames) ||
      featureNames.length !== nCols ||
      !featureNames.every((s) => typeof s === 'string')
    ) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `featureNames must be ${nCols} strings (one per input column), got ${describe(featureNames)}`,
      );
    }
    base = featureNames.map((name, j) => ({ name, columns: [j] }));
  } else {
    base = Array.from({ length: nCols }, (_, j) => ({ name: `x${j}`, columns: [j] }));
  }
  if (groups === undefined) return base;
  if (groups === null || typeof groups !== 'object' || Array.isArray(groups)) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid groups: ${describe(groups)}; expected { groupName: [feature names or column indices] }`,
    );
  }
  const entries = Object.entries(groups);
  if (entries.length === 0) {
    throw new InterpError('INVALID_OPTION', 'invalid groups: {}; give at least one group');
  }
  return entries.map(([name, members]) => {
    if (!Array.isArray(members) || members.length === 0) {
      throw new InterpError(
        'INVALID_OPTION',
        `group ${JSON.stringify(name)} must list one or more feature names or column indices`,
      );
    }
    const cols = new Set<number>();
    for (const m of members) {
      if (typeof m === 'number') {
        if (!Number.isInteger(m) || m < 0 || m >= nCols) {
          throw new InterpError(
            'INVALID_OPTION',
            `group ${JSON.stringify(name)}: column ${m} is not in 0..${nCols - 1}`,
          );
        }
        cols.add(m);
        continue;
      }
      const f = base.find((b) => b.name === m);
      if (!f) {
        throw new InterpError(
          'INVALID_OPTION',
          `group ${JSON.stringify(name)}: no feature ${JSON.stringify(m)}; the features are ${base.map((b) => JSON.stringify(b.name)).join(', ')}`,
        );
      }
      for (const c of f.columns) cols.add(c);
    }
    return { name, columns: [...cols].sort((a, b) => a - b) };
  });
}
