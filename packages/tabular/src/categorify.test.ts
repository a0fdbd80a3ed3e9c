import { describe, expect, it } from 'vitest';
import { Categorify, NA_LEVEL } from './categorify.js';
import { Table } from './table.js';
import { interpErrorOfSync } from './test-helpers.js';

const train = Table.fromColumns({
  island: ['Dream', 'Biscoe', null, 'Biscoe', 'Torgersen'],
  year: [2009, 2007, 2008, 2007, 2010],
});

describe('Categorify', () => {
  it('puts #na# at code 0, then the sorted training levels (numbers numerically)', () => {
    const c = Categorify.fit(train, ['island', 'year']);
    expect(NA_LEVEL).toBe('#na#');
    expect(c.names).toEqual(['island', 'year']);
    expect(c.vocab('island')).toEqual(['#na#', 'Biscoe', 'Dream', 'Torgersen']);
    expect(c.vocab('year')).toEqual(['#na#', '2007', '2008', '2009', '2010']);
    expect(Array.from(c.encode(train, 'island'))).toEqual([2, 1, 0, 1, 3]);
    expect(Array.from(c.encode(train, 'year'))).toEqual([3, 1, 2, 1, 4]);
  });

  it('codes values unseen in training (and missing ones) as 0', () => {
    const c = Categorify.fit(train, ['island']);
    const valid = Table.fromColumns({ island: ['Atlantis', 'Dream', null] });
    expect(Array.from(c.encode(valid, 'island'))).toEqual([0, 2, 0]);
    expect(c.decode('island', 0)).toBe('#na#');
    expect(c.decode('island', 3)).toBe('Torgersen');
  });

  it('rejects unknown columns and codes', () => {
    const c = Categorify.fit(train, ['island']);
    expect(interpErrorOfSync(() => c.vocab('sex')).message).toMatch(
      /no column "sex"; it was fitted on "island"/,
    );
    expect(interpErrorOfSync(() => c.decode('island', 4)).code).toBe('LABEL_OUT_OF_RANGE');
    expect(interpErrorOfSync(() => Categorify.fit(train, ['nope'])).message).toMatch(/no column/);
  });
});
