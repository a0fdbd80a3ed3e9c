import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareOutputFolder } from '../io/output-folder.js';
import {
  MAX_FIGURE_CLASSES,
  mostConfusedClasses,
  writeConfusionFigures,
} from './confusion-figure.js';

describe('mostConfusedClasses(matrix, k)', () => {
  it('ranks classes by off-diagonal counts in their row and column, ties to the lower index', () => {
    // class 1: row 3 + column 1 = 4; class 2: row 1 + column 3 = 4; class 0: 0.
    expect(
      mostConfusedClasses(
        [
          [5, 0, 0],
          [0, 5, 3],
          [0, 1, 5],
        ],
        2,
      ),
    ).toEqual([1, 2]);
    // all tied: the lower indices, in class order.
    expect(
      mostConfusedClasses(
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
        2,
      ),
    ).toEqual([0, 1]);
    expect(mostConfusedClasses([[1]], 5)).toEqual([0]);
  });
});

describe('writeConfusionFigures(out, matrix, names, options)', () => {
  it('draws every class up to the cap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'interp-cf-'));
    const out = prepareOutputFolder(join(dir, 'figs'), dir);
    const { paths, note } = await writeConfusionFigures(
      out,
      [
        [2, 1],
        [0, 3],
      ],
      ['ant', 'bee'],
      {
        title: 'Confusion matrix',
      },
    );
    expect(note).toBeUndefined();
    expect(paths).toHaveLength(2);
    const svg = readFileSync(join(dir, 'figs', 'confusion_matrix.svg'), 'utf8');
    expect(svg).toContain('ant');
    expect(svg).toContain('bee');
  });

  it('above the cap draws the most confused classes and says so', async () => {
    const c = 400;
    const matrix: number[][] = Array.from({ length: c }, (_, i) =>
      Array.from({ length: c }, (_, j) => (i === j ? 10 : 0)),
    );
    // class 399 confused with class 7 only
    matrix[399]![7] = 5;
    const names = Array.from({ length: c }, (_, i) => `class-${i}`);
    const dir = mkdtempSync(join(tmpdir(), 'interp-cf-'));
    const out = prepareOutputFolder(join(dir, 'figs'), dir);
    const { note } = await writeConfusionFigures(out, matrix, names, { title: 'Confusion matrix' });
    expect(note).toContain(`${MAX_FIGURE_CLASSES} most confused of ${c} classes`);
    const svg = readFileSync(join(dir, 'figs', 'confusion_matrix.svg'), 'utf8');
    expect(svg).toContain('class-399');
    expect(svg).toContain('class-7');
    expect(svg).not.toContain('class-398');
    expect(svg).toContain(`the ${MAX_FIGURE_CLASSES} most confused of ${c} classes`);
  });
});
