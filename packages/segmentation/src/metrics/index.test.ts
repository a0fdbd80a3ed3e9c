import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as index from '../index.js';
import * as metrics from './index.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Every module specifier reachable from `file` through relative imports, package imports listed. */
function packageImports(file: string, seen = new Set<string>()): Set<string> {
  const found = new Set<string>();
  if (seen.has(file)) return found;
  seen.add(file);
  const text = readFileSync(join(here, file), 'utf8');
  for (const m of text.matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)) {
    const spec = m[1]!;
    if (spec.startsWith('./')) {
      for (const s of packageImports(spec.slice(2).replace(/\.js$/, '.ts'), seen)) found.add(s);
    } else {
      found.add(spec);
    }
  }
  return found;
}

describe('@interp/segmentation/metrics', () => {
  it('imports nothing but the tensor-free parts of core (no tfjs, no plotting)', () => {
    expect([...packageImports('index.ts')].sort()).toEqual([
      '@interp/core/base',
      '@interp/core/internal',
      '@interp/core/wasm',
    ]);
  });

  it('exports the pixel metrics, also from the package root', () => {
    const names = [
      'confusionCountsToArray',
      'createConfusionCounts',
      'diceCoefficient',
      'frequencyWeightedIoU',
      'intersectionOverUnion',
      'meanIoU',
      'perClassAccuracy',
      'pixelAccuracy',
      'pixelConfusionMatrix',
      'pixelConfusionMatrixFromScores',
      'segmentationReport',
    ];
    expect(Object.keys(metrics).sort()).toEqual(names);
    for (const name of names)
      expect((index as Record<string, unknown>)[name]).toBe(
        (metrics as Record<string, unknown>)[name],
      );
  });
});
