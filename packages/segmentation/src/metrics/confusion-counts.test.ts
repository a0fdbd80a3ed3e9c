import { describe, expect, it } from 'vitest';
import { confusionCountsToArray } from './confusion-counts-to-array.js';
import { confusionKernelBytes } from './confusion-kernel-module.js';
import { createConfusionCounts } from './create-confusion-counts.js';

describe('createConfusionCounts(numClasses) and confusionCountsToArray(cm)', () => {
  it('creates a zeroed C x C matrix and reads it back as rows[target][predicted]', () => {
    const cm = createConfusionCounts(3);
    expect(cm.counts).toEqual(new Float64Array(9));
    cm.counts[1 * 3 + 2] = 5; // target 1 predicted 2
    expect(confusionCountsToArray(cm)).toEqual([
      [0, 0, 0],
      [0, 0, 5],
      [0, 0, 0],
    ]);
    expect(
      confusionCountsToArray([
        [1, 2],
        [3, 4],
      ]),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('rejects a bad class count', () => {
    expect(() => createConfusionCounts(0)).toThrow(/numClasses must be in \[1, 4096\], got 0/);
    expect(() => createConfusionCounts(5000)).toThrow(
      /numClasses must be in \[1, 4096\], got 5000/,
    );
  });
});

describe('confusionKernelBytes()', () => {
  it('is a valid module exporting the float32 and float64 kernels', () => {
    const bytes = confusionKernelBytes();
    expect(WebAssembly.validate(bytes)).toBe(true);
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toEqual([
      'confusionF32',
      'confusionF64',
    ]);
    expect(WebAssembly.Module.imports(module)).toEqual([
      { module: 'env', name: 'memory', kind: 'memory' },
    ]);
  });
});
