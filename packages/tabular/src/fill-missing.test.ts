import { describe, expect, it } from 'vitest';
import { FillMissing, median } from './fill-missing.js';
import { Table } from './table.js';
import { interpErrorOfSync } from './test-helpers.js';

const train = Table.fromColumns({
  mass: [3000, null, 4000, 5000, 3500],
  depth: [18, 17, 19, 16, 20],
  island: ['a', 'b', 'c', 'd', 'e'],
});

describe('FillMissing', () => {
  it('fills with the training median (mean of the two middle values for an even count)', () => {
    // present masses sorted: 3000 3500 4000 5000 -> (3500 + 4000) / 2
    const fm = FillMissing.fit(train, ['mass', 'depth']);
    expect(fm.median('mass')).toBe(3750);
    expect(fm.median('depth')).toBe(18);
    expect(Array.from(fm.fill(train, 'mass'))).toEqual([3000, 3750, 4000, 5000, 3500]);
    expect(median([3, 1, 2])).toBe(2);
  });

  it('adds a flag only for columns with missing training values; valid gaps still get the median', () => {
    const fm = FillMissing.fit(train, ['mass', 'depth']);
    expect(fm.naNames).toEqual(['mass']);
    expect(Array.from(fm.flag(train, 'mass'))).toEqual([0, 1, 0, 0, 0]);
    const valid = Table.fromColumns({ mass: [null, 1], depth: [null, 2] });
    expect(Array.from(fm.fill(valid, 'depth'))).toEqual([18, 2]);
    expect(Array.from(fm.flag(valid, 'mass'))).toEqual([1, 0]);
  });

  it('rejects text columns and columns without training values', () => {
    expect(interpErrorOfSync(() => FillMissing.fit(train, ['island'])).message).toMatch(
      /"island" holds text; list it in catNames/,
    );
    // Numeric in the whole table, missing in every training row.
    const empty = Table.fromColumns({ a: [null, null, 1] }).take([0, 1]);
    expect(interpErrorOfSync(() => FillMissing.fit(empty, ['a'])).message).toMatch(
      /"a" has no values in the training rows/,
    );
    expect(interpErrorOfSync(() => FillMissing.fit(train, ['mass']).median('x')).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});
