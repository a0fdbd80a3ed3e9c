import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as index from './index.js';
import * as metrics from './metrics.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Every module specifier reachable from `file` through static and dynamic imports. */
function importGraph(file: string, seen = new Set<string>(), external = new Set<string>()) {
  if (seen.has(file)) return external;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
    const spec = m[1]!;
    if (spec.startsWith('.'))
      importGraph(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), seen, external);
    else external.add(spec);
  }
  return external;
}

describe("'@interp/classification/metrics'", () => {
  it('imports nothing but @interp/core/base (no tfjs, no Plot)', () => {
    // core's tfjs-free subpaths: base (errors, arrays) and internal (validation helpers).
    const allowed = ['@interp/core/base', '@interp/core/internal'];
    for (const spec of importGraph(resolve(here, 'metrics.ts'))) expect(allowed).toContain(spec);
  });

  it('exports every metric function, also from the package index', () => {
    const names = [
      'auc',
      'averagePrecision',
      'calibrationCurve',
      'classificationReport',
      'cohenKappa',
      'confusionMatrix',
      'confusionMatrixFromScores',
      'expectedCalibrationError',
      'formatClassificationReport',
      'matthewsCorrcoef',
      'mostConfused',
      'multiLabelConfusionMatrix',
      'oneVsRest',
      'oneVsRestRocAuc',
      'precisionRecallCurve',
      'rocAuc',
      'rocCurve',
      'sigmoid',
      'softmaxRows',
      'topKAccuracy',
    ];
    const functions = Object.entries(metrics).filter(([, v]) => typeof v === 'function');
    expect(functions.map(([k]) => k).sort()).toEqual(names);
    for (const name of names)
      expect(typeof (index as Record<string, unknown>)[name]).toBe('function');
  });
});
